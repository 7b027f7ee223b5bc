package devpage

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-message/mail"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

var (
	paris, _ = time.LoadLocation("Europe/Paris")
	alice    = &workflow.Member{Name: "Alice Dupont", Email: "alice@example.org"}
	sent     = time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)
)

// invitation is an email as codev sends it: text, HTML and an iTIP REQUEST.
const invitation = "From: \"Codev Managers Lyon\" <codev@codev.localhost>\r\n" +
	"To: \"Alice Dupont\" <alice@example.org>\r\n" +
	"Reply-To: <codev+tok123@codev.localhost>\r\n" +
	"Subject: =?utf-8?q?[Codev]_S=C3=A9ance_1/6_=E2=80=93_invitation?=\r\n" +
	"Date: Wed, 02 Dec 2026 18:00:00 +0100\r\n" +
	"Message-ID: <tok123.abc@codev.localhost>\r\n" +
	"References: <older@codev.localhost>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
	"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour Alice,\r\n\r\nVenez.\r\n" +
	"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour <b>Alice</b></p>\r\n" +
	"--b\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n" +
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//codev//codev//FR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" +
	"UID:session-1@codev.localhost\r\nSEQUENCE:2\r\nDTSTAMP:20261202T170000Z\r\n" +
	"DTSTART:20261223T170000Z\r\nDTEND:20261223T190000Z\r\nSUMMARY:Codev Managers Lyon – séance 1\r\n" +
	"LOCATION:https://meet.example.org/x\r\nORGANIZER;CN=Codev Managers Lyon:mailto:codev@codev.localhost\r\n" +
	"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:alice@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
	"--b--\r\n"

func TestParseEmail(t *testing.T) {
	t.Parallel()
	e, err := parseEmail([]byte(invitation))
	require.NoError(t, err)
	require.Equal(t, "[Codev] Séance 1/6 – invitation", e.Subject)
	require.Equal(t, "tok123.abc@codev.localhost", e.MessageID)
	require.Equal(t, "codev+tok123@codev.localhost", e.ReplyTo[0].Address)
	require.Equal(t, "Bonjour Alice,\n\nVenez.", e.Text)
	require.Contains(t, e.HTML, "<b>Alice</b>")
	require.NotNil(t, e.Invite)
	require.Equal(t, "REQUEST", e.Invite.Method)
	require.Equal(t, 2, e.Invite.Sequence)
	require.Equal(t, "codev@codev.localhost", e.Invite.organizer())
	require.Equal(t, "https://meet.example.org/x", e.Invite.link())
	require.Equal(t, time.Date(2026, 12, 23, 17, 0, 0, 0, time.UTC), e.Invite.Start.UTC())
}

func TestComposeReply(t *testing.T) {
	t.Parallel()
	orig, err := parseEmail([]byte(invitation))
	require.NoError(t, err)
	to, raw, err := composeReply(alice, workflow.LangFR, paris, orig, "1. Je viens.\r\n", sent)
	require.NoError(t, err)
	require.Equal(t, "codev+tok123@codev.localhost", to, "a reply goes to Reply-To")

	r, err := mail.CreateReader(bytes.NewReader(raw))
	require.NoError(t, err)
	subject, _ := r.Header.Subject()
	require.Equal(t, "Re: [Codev] Séance 1/6 – invitation", subject)
	inReplyTo, _ := r.Header.MsgIDList("In-Reply-To")
	require.Equal(t, []string{"tok123.abc@codev.localhost"}, inReplyTo)
	refs, _ := r.Header.MsgIDList("References")
	require.Equal(t, []string{"older@codev.localhost", "tok123.abc@codev.localhost"}, refs)
	from, _ := r.Header.AddressList("From")
	require.Equal(t, "alice@example.org", from[0].Address)
	p, err := r.NextPart()
	require.NoError(t, err)
	body := new(bytes.Buffer)
	_, err = body.ReadFrom(p.Body)
	require.NoError(t, err)
	require.Equal(t, "1. Je viens.\r\n\r\n"+
		"Le 02/12/2026 à 18:00, Codev Managers Lyon <codev@codev.localhost> a écrit :\r\n"+
		"> Bonjour Alice,\r\n>\r\n> Venez.\r\n", body.String())
}

func TestAttribution(t *testing.T) {
	t.Parallel()
	orig := &email{From: []*mail.Address{{Name: "Codev X", Address: "codev@codev.localhost"}}, Date: sent}
	for _, tt := range []struct{ name, lang, want string }{
		{"French", workflow.LangFR, "Le 02/12/2026 à 18:00, Codev X <codev@codev.localhost> a écrit :"},
		{"English", workflow.LangEN, "On Wed, 2 Dec 2026 at 18:00, Codev X <codev@codev.localhost> wrote:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, attribution(tt.lang, paris, orig))
		})
	}
}

func TestComposeRSVP(t *testing.T) {
	t.Parallel()
	orig, err := parseEmail([]byte(invitation))
	require.NoError(t, err)
	to, raw, err := composeRSVP(alice, workflow.LangFR, orig.Invite, partAccepted, sent)
	require.NoError(t, err)
	require.Equal(t, "codev@codev.localhost", to, "a REPLY goes to the ORGANIZER")

	reply, err := parseEmail(raw)
	require.NoError(t, err)
	require.Equal(t, "Accepté : Codev Managers Lyon – séance 1", reply.Subject)
	require.Equal(t, "Alice Dupont a accepté cette invitation.\n", reply.Text)
	require.NotNil(t, reply.Invite)
	require.Equal(t, "REPLY", reply.Invite.Method)
	require.Equal(t, "session-1@codev.localhost", reply.Invite.UID)
	require.Equal(t, 2, reply.Invite.Sequence, "the SEQUENCE answered")

	// The calendar part names one ATTENDEE, the participant, with PARTSTAT.
	r, err := mail.CreateReader(bytes.NewReader(raw))
	require.NoError(t, err)
	for {
		p, err := r.NextPart()
		require.NoError(t, err)
		if ct, params := contentType(p.Header); ct == "text/calendar" {
			require.Equal(t, "REPLY", params["method"])
			cal, err := ical.NewDecoder(p.Body).Decode()
			require.NoError(t, err)
			atts := cal.Events()[0].Props.Values(ical.PropAttendee)
			require.Len(t, atts, 1)
			require.Equal(t, "mailto:alice@example.org", atts[0].Value)
			require.Equal(t, "ACCEPTED", atts[0].Params.Get(ical.ParamParticipationStatus))
			return
		}
	}
}
