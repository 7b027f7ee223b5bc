package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/hostile"
	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

// leakMarker is written into every header field and body part of the
// messages of TestNoContentLeaksEndToEnd. It is looked for in any case:
// parsers lowercase what they quote.
const leakMarker = "Zq7LeakMarker"

// TestNoContentLeaksEndToEnd sends every message of the hostile corpus,
// with the marker in each header field and body part (hostile.Mark), and
// the probes that put it where a parser is tempted to quote a message
// (media types, charsets, boundaries, automatic-reply headers, attendees,
// statuses, calendar syntax, delivery reports, a forged
// Authentication-Results), by SMTP to a mail server that delivers them
// into the service mailbox, where the IMAP watcher reads them; on both
// stores. The marker must never appear in codev's log, written by a text
// and a JSON handler at debug level, nor in any stored reason, nor in the
// subject, body or calendar object of any email codev sent, nor in the
// calendar feeds (DOMAIN.md §3 rules 2, 3, 9).
func TestNoContentLeaksEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testNoContentLeaks(t, kind)
		})
	}
}

func testNoContentLeaks(t *testing.T, kind string) {
	cases, files, err := hostile.Load(hostileCorpus)
	require.NoError(t, err)
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	mx := newMX(t, imap)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.clock.Set(time.Date(2026, 12, 21, 17, 30, 0, 0, time.UTC)) // the group is applied the day before
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC)) // the next day, Alice's questionnaire is due too

	var text, json syncBuffer
	cfg, err := e.m.config()
	require.NoError(t, err)
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	log := slog.New(slog.NewMultiHandler(slog.NewTextHandler(&text, opts), slog.NewJSONHandler(&json, opts)))
	a, err := e.m.start(context.Background(), cfg, log)
	require.NoError(t, err)
	t.Cleanup(a.close)
	sent := e.smtp.WaitFor(49, 60*time.Second)
	r := &hostileRun{t: t, e: e, a: a, imap: imap, cases: cases, files: files, uid: map[string]uint32{}, members: map[int64]string{}}

	vars := hostile.Vars{UID: uidOf(parseAll(t, sent), "2027-01-12")}
	reply, msgID := requestOf(t, sent, "alice@example.org", "client")
	vars.Token, vars.MsgID = tokenOf(reply), msgID
	bobReply, _ := requestOf(t, sent, "bob@example.org", "Bienvenue")
	vars.BobToken = tokenOf(bobReply)
	mark := func(raw []byte) []byte { return hostile.Mark(hostile.Fill(raw, vars), leakMarker) }

	// Phase 1: the corpus and the probes; phase 2: the corpus' answers to
	// a notice codev sent in phase 1.
	n := 0
	for _, c := range cases {
		if c.Phase == 1 {
			mx.send(mark(files[c.File]))
			n++
		}
	}
	for _, p := range hostile.Probes() {
		mx.send([]byte(strings.ReplaceAll(string(hostile.Fill(p.Raw, vars)), "{{MARK}}", leakMarker)))
		n++
	}
	r.waitProcessed(n)
	r.waitSent()
	notices := e.smtp.Messages()[49:]
	require.NotEmpty(t, notices, "held messages are told to the animator")
	noticeReply, _ := requestOf(t, notices, "claire@example.org", "")
	vars.NoticeToken = tokenOf(noticeReply)
	for _, c := range cases {
		if c.Phase == 2 {
			mx.send(mark(files[c.File]))
			n++
		}
	}
	r.waitProcessed(n)
	r.waitSent()

	// What a leak would look like, and what must not hold it.
	leaks := func(s string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(leakMarker)) }
	require.False(t, leaks(text.String()), "the text log quotes a message:\n%s", linesWith(text.String()))
	require.False(t, leaks(json.String()), "the JSON log quotes a message:\n%s", linesWith(json.String()))
	require.Contains(t, text.String(), "inbound: Processed message", "the log was written")

	rows := r.inbound()
	held, carried := 0, 0
	require.NoError(t, a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		for _, row := range rows {
			require.False(t, leaks(row.Reason), "inbound %d: reason %q", row.ID, row.Reason)
			if row.Status != workflow.InboundHeld {
				continue
			}
			full, err := tx.Inbound(context.Background(), row.ID)
			require.NoError(t, err)
			// The in-memory IMAP server serves messages without a blank line
			// after the header as empty: there is nothing to look at.
			if len(full.Raw) == 0 {
				continue
			}
			held++
			if leaks(string(full.Raw)) {
				carried++
			}
		}
		return nil
	}))
	require.Positive(t, held)
	require.Equal(t, held, carried, "every held message carried the marker through SMTP and IMAP")
	st := e.state(t, a)
	applied := 0
	for _, ans := range st.Answers {
		if leaks(ans.Text) {
			applied++
		}
	}
	require.Positive(t, applied, "answers carry the marker: it went through")
	for _, m := range st.Messages {
		require.False(t, leaks(m.Reason), "message %d (%s): reason %q", m.ID, m.Kind, m.Reason)
	}
	reasons := map[string]int{}
	for _, row := range rows {
		code, _, _ := strings.Cut(row.Reason, " ")
		reasons[code]++
	}
	t.Logf("%s: %d messages, %d stored, %d held; reasons %v", kind, n, len(rows), held, reasons)

	// Every email codev sent: subject, every part decoded, calendar objects.
	for _, m := range e.smtp.Messages() {
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		subject, _ := ent.Header.Text("Subject")
		require.False(t, leaks(subject), "subject %q", subject)
		require.NoError(t, ent.Walk(func(_ []int, part *message.Entity, err error) error {
			if err != nil {
				return err
			}
			ct, _, _ := part.Header.ContentType()
			if strings.HasPrefix(ct, "multipart/") {
				return nil // its parts come next; reading it would consume them
			}
			b, err := io.ReadAll(part.Body)
			require.NoError(t, err)
			require.False(t, leaks(string(b)), "a %s part of an email to %s (%s) quotes a message", ct, m.To[0], subject)
			return nil
		}))
	}

	// The calendar feeds: the group's and every member's.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); _ = a.web.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-served })
	tokens := []string{st.Group.FeedToken}
	for _, m := range st.Members {
		tokens = append(tokens, m.FeedToken)
	}
	for _, tok := range tokens {
		u := strings.Replace(a.svc.FeedURL(tok), "https://codev.example.org", "http://"+ln.Addr().String(), 1)
		resp, err := http.Get(u)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
		require.Contains(t, string(b), "BEGIN:VCALENDAR")
		require.False(t, leaks(string(b)), "feed %s quotes a message", u)
	}
}

// linesWith returns the lines of a log that hold the marker, for failures.
func linesWith(log string) string {
	var b strings.Builder
	for l := range strings.Lines(log) {
		if strings.Contains(strings.ToLower(l), strings.ToLower(leakMarker)) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// mx is a mail server on loopback: what it receives by SMTP it delivers
// into the IMAP server's INBOX, as an MTA and its delivery agent would. It
// sets no limit on line length: the corpus has 500 kB lines, which a real
// MTA might refuse but codev must survive.
type mx struct {
	t    *testing.T
	addr string
	imap *imaptest.Server
	got  chan []byte
}

func newMX(t *testing.T, imap *imaptest.Server) *mx {
	m := &mx{t: t, imap: imap, got: make(chan []byte, 1)}
	s := smtp.NewServer(mxBackend{m})
	s.Domain = "mx.codev.example"
	s.MaxLineLength = 0
	s.MaxMessageBytes = 32 << 20
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	m.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close(); <-done })
	return m
}

// send submits raw to codev@example.org and delivers it once received.
func (m *mx) send(raw []byte) {
	m.t.Helper()
	c, err := smtp.Dial(m.addr)
	require.NoError(m.t, err)
	defer c.Close()
	require.NoError(m.t, c.Hello("client.example"))
	require.NoError(m.t, c.SendMail("sender@client.example", []string{"codev@example.org"}, bytes.NewReader(raw)))
	require.NoError(m.t, c.Quit())
	// Delivered from the test's goroutine: imaptest fails the test on error.
	m.imap.Deliver(m.t, "INBOX", <-m.got)
}

type mxBackend struct{ m *mx }

func (b mxBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &mxSession{m: b.m}, nil }

type mxSession struct{ m *mx }

func (s *mxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mxSession) Reset()                               {}
func (s *mxSession) Logout() error                        { return nil }

func (s *mxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.got <- raw
	return nil
}
