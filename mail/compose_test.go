package mail

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomessagemail "github.com/emersion/go-message/mail"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// longLine is one paragraph well over the 76 octets of a quoted-printable
// line, with accents on both sides of where soft breaks fall.
var longLine = strings.Repeat("Répondez au-dessus de cette ligne, s'il vous plaît : « ça marche ». ", 6)

// inviteICS follows INTEROP.md §1.1: UTC times, ORGANIZER = From, one
// ATTENDEE, lines folded at 75 octets.
var inviteICS = []byte(strings.Join([]string{
	"BEGIN:VCALENDAR",
	"VERSION:2.0",
	"PRODID:-//codev//codev//FR",
	"METHOD:REQUEST",
	"BEGIN:VEVENT",
	"UID:session-6f1c2a4e-8b0d-4c55-9a61-2f7e3c9d1b20@example.org",
	"DTSTAMP:20260305T093000Z",
	"DTSTART:20260312T170000Z",
	"DTEND:20260312T183000Z",
	"SEQUENCE:0",
	"STATUS:CONFIRMED",
	"SUMMARY:Groupe 42 : séance 3",
	"LOCATION:https://visio.example.org/g42",
	"URL:https://visio.example.org/g42",
	"DESCRIPTION:Séance 3 du groupe 42. Lien : https://visio.example.org/g42",
	"ORGANIZER;CN=Groupe 42:mailto:codev+s-k7q3m2@example.org",
	"ATTENDEE;CN=Hélène Dupré;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTST",
	" AT=NEEDS-ACTION;RSVP=TRUE:mailto:helene.dupre@example.net",
	"END:VEVENT",
	"END:VCALENDAR",
	"",
}, "\r\n"))

func newBoundaryFunc() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("=_codev-boundary-%d", n)
	}
}

func testMessage() *Message {
	return &Message{
		From:       Address{Name: "Groupe 42", Email: "codev+s-k7q3m2@example.org"},
		To:         []Address{{Name: "Hélène Dupré", Email: "helene.dupre@example.net"}},
		ReplyTo:    Address{Email: "codev+r-4xj2pq7w@example.org"},
		MessageID:  "r-4xj2pq7w.a1b2c3@example.org",
		InReplyTo:  []string{"r-4xj2pq7w.000001@example.org"},
		References: []string{"reply-r-4xj2pq7w@example.org", "r-4xj2pq7w.000001@example.org"},
		Date:       time.Date(2026, 3, 5, 10, 30, 0, 0, time.FixedZone("CET", 3600)),
		Subject:    "Invitation : séance 3 du groupe 42, jeudi 12 mars à 18 h",
		Text: "Bonjour Hélène,\n\n" + longLine + "\n" +
			"Une ligne avec une espace finale \n" +
			".Une ligne qui commence par un point\n" +
			"From the start of a line\n\n" +
			"— L'équipe codev\n",
		HTML:            "<p>Bonjour Hélène,</p>\n<p>" + longLine + "</p>\n",
		Lang:            "fr",
		Calendar:        &Calendar{Method: "REQUEST", Data: inviteICS},
		ListUnsubscribe: "https://example.org/u/4xj2pq7w",
		BoundaryFunc:    newBoundaryFunc(),
	}
}

func TestComposeGolden(t *testing.T) {
	t.Parallel()

	raw, err := Compose(testMessage())
	require.NoError(t, err)

	golden := filepath.Join("testdata", "invite.eml")
	if *update {
		require.NoError(t, os.WriteFile(golden, raw, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), string(raw), "run go test ./mail -run TestComposeGolden -update")
}

// part is a decoded MIME entity, for structural assertions.
type part struct {
	header   message.Header
	mimeType string
	params   map[string]string
	body     []byte // decoded; nil for multiparts
	children []*part
}

func parseTree(t *testing.T, e *message.Entity) *part {
	t.Helper()
	mimeType, params, err := e.Header.ContentType()
	require.NoError(t, err)
	p := &part{header: e.Header, mimeType: mimeType, params: params}
	mr := e.MultipartReader()
	if mr == nil {
		p.body, err = io.ReadAll(e.Body)
		require.NoError(t, err)
		return p
	}
	for {
		child, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return p
		}
		require.NoError(t, err)
		p.children = append(p.children, parseTree(t, child))
	}
}

func parseMessage(t *testing.T, raw []byte) *part {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	require.NoError(t, err)
	return parseTree(t, e)
}

// crlf turns the LF line breaks of a Go string into the canonical CRLF that
// quoted-printable text parts carry (RFC 2046 §4.1.1).
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestComposeStructure(t *testing.T) {
	t.Parallel()

	t.Run("CalendarLayout", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		root := parseMessage(t, mustCompose(t, m))

		require.Equal(t, "multipart/mixed", root.mimeType)
		require.Len(t, root.children, 2)
		alt, att := root.children[0], root.children[1]
		require.Equal(t, "multipart/alternative", alt.mimeType)
		require.Len(t, alt.children, 3)
		text, html, cal := alt.children[0], alt.children[1], alt.children[2]

		require.Equal(t, "text/plain", text.mimeType)
		require.Equal(t, "UTF-8", text.params["charset"])
		require.Equal(t, "quoted-printable", text.header.Get("Content-Transfer-Encoding"))
		require.Equal(t, crlf(m.Text), string(text.body))

		require.Equal(t, "text/html", html.mimeType)
		require.Equal(t, "UTF-8", html.params["charset"])
		require.Equal(t, "quoted-printable", html.header.Get("Content-Transfer-Encoding"))
		require.Equal(t, crlf(m.HTML), string(html.body))

		require.Equal(t, "text/calendar", cal.mimeType)
		require.Equal(t, "REQUEST", cal.params["method"])
		require.Equal(t, "UTF-8", cal.params["charset"])
		require.Equal(t, inviteICS, cal.body)

		require.Equal(t, "application/ics", att.mimeType)
		require.Equal(t, "invite.ics", att.params["name"])
		require.Equal(t, "base64", att.header.Get("Content-Transfer-Encoding"))
		disp, dparams, err := att.header.ContentDisposition()
		require.NoError(t, err)
		require.Equal(t, "attachment", disp)
		require.Equal(t, "invite.ics", dparams["filename"])
		require.Equal(t, inviteICS, att.body)
	})

	t.Run("CancelMethod", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		data := bytes.Replace(inviteICS, []byte("METHOD:REQUEST"), []byte("METHOD:CANCEL"), 1)
		m.Calendar = &Calendar{Method: "CANCEL", Data: data}
		root := parseMessage(t, mustCompose(t, m))
		require.Equal(t, "CANCEL", root.children[0].children[2].params["method"])
	})

	t.Run("AlternativeWithoutCalendar", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		m.Calendar = nil
		root := parseMessage(t, mustCompose(t, m))
		require.Equal(t, "multipart/alternative", root.mimeType)
		require.Len(t, root.children, 2)
		require.Equal(t, "text/plain", root.children[0].mimeType)
		require.Equal(t, "text/html", root.children[1].mimeType)
		require.Equal(t, crlf(m.Text), string(root.children[0].body))
	})

	t.Run("TextOnly", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		m.Calendar, m.HTML = nil, ""
		root := parseMessage(t, mustCompose(t, m))
		require.Equal(t, "text/plain", root.mimeType)
		require.Equal(t, "quoted-printable", root.header.Get("Content-Transfer-Encoding"))
		require.Equal(t, crlf(m.Text), string(root.body))
	})

	t.Run("CalendarWithoutHTML", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		m.HTML = ""
		root := parseMessage(t, mustCompose(t, m))
		alt := root.children[0]
		require.Len(t, alt.children, 2)
		require.Equal(t, "text/plain", alt.children[0].mimeType)
		require.Equal(t, "text/calendar", alt.children[1].mimeType)
	})

	t.Run("RandomBoundaries", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		m.BoundaryFunc = nil
		root := parseMessage(t, mustCompose(t, m))
		require.NotEqual(t, root.params["boundary"], root.children[0].params["boundary"])
		require.Equal(t, inviteICS, root.children[1].body)
	})
}

func TestComposeHeaders(t *testing.T) {
	t.Parallel()

	m := testMessage()
	raw := mustCompose(t, m)
	e, err := message.Read(bytes.NewReader(raw))
	require.NoError(t, err)
	h := gomessagemail.Header{Header: e.Header}

	date, err := h.Date()
	require.NoError(t, err)
	require.True(t, date.Equal(m.Date))

	from, err := h.AddressList("From")
	require.NoError(t, err)
	require.Equal(t, []*gomessagemail.Address{{Name: "Groupe 42", Address: m.From.Email}}, from)
	to, err := h.AddressList("To")
	require.NoError(t, err)
	require.Equal(t, []*gomessagemail.Address{{Name: "Hélène Dupré", Address: "helene.dupre@example.net"}}, to)
	replyTo, err := h.AddressList("Reply-To")
	require.NoError(t, err)
	require.Equal(t, m.ReplyTo.Email, replyTo[0].Address)

	subject, err := h.Subject()
	require.NoError(t, err)
	require.Equal(t, m.Subject, subject)
	require.True(t, strings.HasPrefix(h.Get("Subject"), "=?utf-8?q?"), "non-ASCII subject is RFC 2047 encoded")

	id, err := h.MessageID()
	require.NoError(t, err)
	require.Equal(t, m.MessageID, id)
	inReplyTo, err := h.MsgIDList("In-Reply-To")
	require.NoError(t, err)
	require.Equal(t, m.InReplyTo, inReplyTo)
	refs, err := h.MsgIDList("References")
	require.NoError(t, err)
	require.Equal(t, m.References, refs)

	require.Equal(t, "1.0", h.Get("MIME-Version"))
	require.Equal(t, "fr", h.Get("Content-Language"))
	require.Equal(t, "auto-generated", h.Get("Auto-Submitted"))
	require.Equal(t, "OOF, AutoReply", h.Get("X-Auto-Response-Suppress"))
	require.Equal(t, "<https://example.org/u/4xj2pq7w>", h.Get("List-Unsubscribe"))
	require.Equal(t, "List-Unsubscribe=One-Click", h.Get("List-Unsubscribe-Post"))

	// Conventional spelling, not go-message's canonical "Message-Id".
	require.Contains(t, string(raw), "\r\nMessage-ID: <r-4xj2pq7w.a1b2c3@example.org>\r\n")
	require.Contains(t, string(raw), "\r\nMIME-Version: 1.0\r\n")
	require.True(t, strings.HasPrefix(string(raw), "Date: Thu, 05 Mar 2026 10:30:00 +0100\r\n"))

	t.Run("OptionalHeadersOmitted", func(t *testing.T) {
		t.Parallel()
		m := testMessage()
		m.ReplyTo, m.InReplyTo, m.References, m.Lang, m.ListUnsubscribe = Address{}, nil, nil, "", ""
		raw := string(mustCompose(t, m))
		for _, name := range []string{"Reply-To:", "In-Reply-To:", "References:", "Content-Language:", "List-Unsubscribe"} {
			require.NotContains(t, raw, "\r\n"+name)
		}
	})
}

func TestComposeLineLengths(t *testing.T) {
	t.Parallel()

	m := testMessage()
	m.Subject = strings.Repeat("é", 600) + " " + strings.Repeat("x", 1500)
	m.Text = strings.Repeat("a", 5000) + "\n" + strings.Repeat("ç", 3000)
	m.References = make([]string, 60)
	for i := range m.References {
		m.References[i] = fmt.Sprintf("r-4xj2pq7w.%06d@example.org", i)
	}
	raw := mustCompose(t, m)
	for i, line := range strings.Split(string(raw), "\r\n") {
		require.LessOrEqual(t, len(line), 998, "line %d", i+1)
		require.NotContains(t, line, "\n", "bare LF in line %d", i+1)
	}
	root := parseMessage(t, raw)
	require.Equal(t, crlf(m.Text), string(root.children[0].children[0].body))
}

func TestEncodeSubject(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		subject string
		encoded bool
	}{
		{"ASCII", "Invitation: session 3", false},
		{"ASCIILong", strings.Repeat("Reminder about the next session ", 5), false},
		{"French", "Invitation : séance 3 du groupe 42, jeudi 12 mars à 18 h", true},
		{"FrenchLong", strings.Repeat("Répondez à « la question » ", 8), true},
		{"Emoji", strings.Repeat("🗓️ séance ", 12), true},
		{"LooksEncoded", "=?utf-8?q?caf=C3=A9?=", true},
		{"Tab", "a\tb", true},
	}
	dec := new(mime.WordDecoder)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := encodeSubject(tt.subject)
			require.Equal(t, tt.encoded, v != tt.subject)
			folded := string(foldField("Subject", v))
			lines := strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n")
			require.True(t, strings.HasPrefix(lines[0], "Subject: ") && lines[0] != "Subject: ", "value starts on the first line: %q", lines[0])
			for _, line := range lines {
				require.LessOrEqual(t, len(line), foldWidth, "%q", line)
			}
			unfolded := strings.TrimPrefix(strings.ReplaceAll(strings.TrimSuffix(folded, "\r\n"), "\r\n", ""), "Subject: ")
			require.Equal(t, v, unfolded)
			decoded, err := dec.DecodeHeader(unfolded)
			require.NoError(t, err)
			require.Equal(t, tt.subject, decoded)
		})
	}
}

func TestComposeRejects(t *testing.T) {
	t.Parallel()

	cancelData := bytes.Replace(inviteICS, []byte("METHOD:REQUEST"), []byte("METHOD:CANCEL"), 1)
	otherOrganizer := bytes.Replace(inviteICS, []byte("mailto:codev+s-k7q3m2@"), []byte("mailto:someone@"), 1)

	tests := []struct {
		name    string
		modify  func(m *Message)
		wantErr string
	}{
		{"SubjectCRLF", func(m *Message) { m.Subject = "Hello\r\nBcc: victim@example.com" }, "Subject contains control character"},
		{"SubjectLF", func(m *Message) { m.Subject = "Hello\nBcc: victim@example.com" }, "Subject contains control character"},
		{"SubjectEmpty", func(m *Message) { m.Subject = "" }, "Subject is empty"},
		{"SubjectUnfoldable", func(m *Message) { m.Subject = strings.Repeat("x", 1200) }, "more than 998"},
		{"NameUnfoldable", func(m *Message) { m.To[0].Name = strings.Repeat("x", 1200) }, "more than 998"},
		{"FromNameCR", func(m *Message) { m.From.Name = "Groupe\r42" }, "From name contains control character"},
		{"FromEmailInjection", func(m *Message) { m.From.Email = "a@example.org\r\nBcc: b@example.com" }, "From address contains control character"},
		{"FromEmpty", func(m *Message) { m.From.Email = "" }, "From address is empty"},
		{"ToEmailWithName", func(m *Message) { m.To[0].Email = "Bob <bob@example.net>" }, "not a bare addr-spec"},
		{"ToEmailWithComment", func(m *Message) { m.To[0].Email = "bob@example.net (Bob)" }, "not a bare addr-spec"},
		{"ToEmailList", func(m *Message) { m.To[0].Email = "bob@example.net, eve@example.com" }, "not a bare addr-spec"},
		{"ToEmailNoDomain", func(m *Message) { m.To[0].Email = "bob" }, "not a bare addr-spec"},
		{"ToEmailNonASCII", func(m *Message) { m.To[0].Email = "hélène@example.net" }, "is not ASCII"},
		{"ToEmailLocalPartTooLong", func(m *Message) { m.To[0].Email = strings.Repeat("a", 65) + "@example.net" }, "too long"},
		{"ToNameLF", func(m *Message) { m.To[0].Name = "Bob\nBcc: eve@example.com" }, "To name contains control character"},
		{"NoTo", func(m *Message) { m.To = nil }, "no To address"},
		{"ReplyToInjection", func(m *Message) { m.ReplyTo.Email = "codev@example.org\nX: y" }, "Reply-To address contains control character"},
		{"MessageIDCRLF", func(m *Message) { m.MessageID = "a@b\r\nBcc: c@d" }, "Message-ID contains control character"},
		{"MessageIDBrackets", func(m *Message) { m.MessageID = "<a@example.org>" }, "Message-ID \"<a@example.org>\" is not"},
		{"MessageIDNoAt", func(m *Message) { m.MessageID = "abc" }, "Message-ID \"abc\" is not"},
		{"MessageIDEmpty", func(m *Message) { m.MessageID = "" }, "Message-ID is empty"},
		{"InReplyToSpace", func(m *Message) { m.InReplyTo = []string{"a@b c@d"} }, "In-Reply-To"},
		{"ReferencesLF", func(m *Message) { m.References = []string{"a@b\n"} }, "References contains control character"},
		{"LangCRLF", func(m *Message) { m.Lang = "fr\r\nX: y" }, "Content-Language"},
		{"LangBad", func(m *Message) { m.Lang = "français" }, "Content-Language"},
		{"UnsubscribeCRLF", func(m *Message) { m.ListUnsubscribe = "https://example.org/u\r\nX: y" }, "List-Unsubscribe contains control character"},
		{"UnsubscribeHTTP", func(m *Message) { m.ListUnsubscribe = "http://example.org/u/x" }, "absolute https URL"},
		{"UnsubscribeBracket", func(m *Message) { m.ListUnsubscribe = "https://example.org/u/x>, <mailto:x@y" }, "absolute https URL"},
		{"ZeroDate", func(m *Message) { m.Date = time.Time{} }, "Date is not set"},
		{"EmptyText", func(m *Message) { m.Text = "" }, "Text is empty"},
		{"InvalidUTF8", func(m *Message) { m.Text = "caf\xe9" }, "not valid UTF-8"},
		{"MethodMismatch", func(m *Message) { m.Calendar.Data = cancelData }, "does not match method=REQUEST"},
		{"MethodUnknown", func(m *Message) { m.Calendar.Method = "PUBLISH" }, "not REQUEST or CANCEL"},
		{"MethodInjection", func(m *Message) { m.Calendar.Method = "REQUEST\r\nX: y" }, "not REQUEST or CANCEL"},
		{"OrganizerNotFrom", func(m *Message) { m.Calendar.Data = otherOrganizer }, "is not the From address"},
		{"BadBoundary", func(m *Message) { m.BoundaryFunc = func() string { return "a\r\nb" } }, "boundary"},
		{"OverlappingBoundaries", func(m *Message) { m.BoundaryFunc = func() string { return "=_same" } }, "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := testMessage()
			tt.modify(m)
			raw, err := Compose(m)
			require.ErrorIs(t, err, ErrInvalidMessage)
			require.ErrorContains(t, err, tt.wantErr)
			require.Nil(t, raw)
			require.True(t, IsPermanent(err))
		})
	}
}

func TestComposeUnsubscribeOnLoopback(t *testing.T) {
	t.Parallel()

	// codev dev serves its links over plain http on loopback.
	for _, u := range []string{"http://127.0.0.1:8080/u/x", "http://localhost:8080/u/x", "http://[::1]:8080/u/x"} {
		m := testMessage()
		m.ListUnsubscribe = u
		_, err := Compose(m)
		require.NoError(t, err, u)
	}
}

func TestCheckCalendarOrganizerFolded(t *testing.T) {
	t.Parallel()

	// A long CN folds the ORGANIZER line; a colon inside the quoted CN must
	// not be taken for the start of the value.
	data := bytes.Replace(inviteICS,
		[]byte("ORGANIZER;CN=Groupe 42:mailto:codev+s-k7q3m2@example.org"),
		[]byte("ORGANIZER;CN=\"Groupe 42 : les co-développeurs du jeudi\":MAILTO:co\r\n dev+s-k7q3m2@example.org"), 1)
	require.NoError(t, checkCalendar(&Calendar{Method: "REQUEST", Data: data}, "codev+s-k7q3m2@example.org"))
}

func mustCompose(t *testing.T, m *Message) []byte {
	t.Helper()
	raw, err := Compose(m)
	require.NoError(t, err)
	return raw
}

func BenchmarkCompose(b *testing.B) {
	m := testMessage()
	m.BoundaryFunc = nil
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(m); err != nil {
			b.Fatal(err)
		}
	}
}
