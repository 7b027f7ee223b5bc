package postman_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail"
	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

var (
	stamp = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	start = time.Date(2027, 1, 12, 17, 0, 0, 0, time.UTC)
)

// session is a session of a group as the domain describes it.
func session() workflow.Event {
	return workflow.SessionEvent(
		&workflow.Group{Name: "Managers Lyon", Language: workflow.LangFR, Timezone: "Europe/Paris", Visio: "https://visio.example.org/lyon"},
		&workflow.Session{UID: "session-1@codev.test", Number: 1, Start: start, Duration: 2 * time.Hour, Sequence: 2})
}

func invitation(method string) *workflow.Email {
	return &workflow.Email{
		Kind: workflow.KindInvitation, To: workflow.Person{Name: "Alice Dupont", Email: "alice@example.org"},
		From:    workflow.Person{Name: "Codev Managers Lyon", Email: "codev@codev.test"},
		ReplyTo: "codev+tok@codev.test", EnvelopeFrom: "codev+tok@codev.test", MessageID: "tok.abc@codev.test",
		Date: stamp, Subject: "[Codev Managers Lyon] Séance 1/3 – invitation", Text: "Bonjour Alice,\n", Lang: "fr",
		ListUnsubscribe: "https://codev.test/u/x",
		Invite: &workflow.Invite{Event: session(), Method: method,
			Organizer: workflow.Person{Name: "Codev Managers Lyon", Email: "codev@codev.test"},
			Attendees: []workflow.Person{{Name: "Alice Dupont", Email: "alice@example.org"}}},
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	raw, ics, err := postman.Render(invitation(workflow.MethodRequest))
	require.NoError(t, err)
	for _, want := range []string{"METHOD:REQUEST", "UID:session-1@codev.test", "SEQUENCE:2", "DTSTART:20270112T170000Z",
		"DTEND:20270112T190000Z", "LOCATION:https://visio.example.org/lyon", "URL:https://visio.example.org/lyon",
		"SUMMARY:Codev Managers Lyon – séance 1", "ORGANIZER;CN=Codev Managers Lyon:mailto:codev@codev.test",
		"mailto:alice@example.org"} {
		require.Contains(t, unfold(ics), want)
	}
	require.Contains(t, string(raw), "method=REQUEST", "the MIME part names the same method")
	require.Contains(t, string(raw), "Message-ID: <tok.abc@codev.test>")

	_, ics, err = postman.Render(invitation(workflow.MethodCancel))
	require.NoError(t, err)
	require.Contains(t, unfold(ics), "METHOD:CANCEL")
	require.Contains(t, unfold(ics), "STATUS:CANCELLED")

	e := invitation("PUBLISH")
	_, _, err = postman.Render(e)
	require.ErrorContains(t, err, `unknown calendar method "PUBLISH"`)
	e.Invite = nil
	raw, ics, err = postman.Render(e)
	require.NoError(t, err)
	require.Nil(t, ics)
	require.NotContains(t, string(raw), "text/calendar")
}

func TestFeed(t *testing.T) {
	t.Parallel()
	cancelled := session()
	cancelled.UID, cancelled.Cancelled, cancelled.Summary = "session-2@codev.test", true, "Annulé : Codev Managers Lyon – séance 2"
	body, err := postman.Feed(&workflow.Feed{Name: "Codev Managers Lyon", Events: []workflow.Event{session(), cancelled}}, stamp)
	require.NoError(t, err)
	ics := unfold(body)
	require.Contains(t, ics, "X-WR-CALNAME:Codev Managers Lyon")
	require.Contains(t, ics, "URL:https://visio.example.org/lyon", "the feed's events are the invitations' events")
	require.Contains(t, ics, "STATUS:CANCELLED")
	require.Contains(t, ics, "SEQUENCE:2")
	for _, absent := range []string{"METHOD:", "ORGANIZER", "ATTENDEE"} {
		require.NotContains(t, ics, absent)
	}
	_, err = postman.Feed(&workflow.Feed{}, stamp)
	require.ErrorContains(t, err, "feed has no name")
}

func TestSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	sender, err := mail.NewSender(&mail.SMTPConfig{URL: srv.URL(), Retries: -1}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sender.Close() })
	p := postman.New(sender)

	require.NoError(t, p.Send(t.Context(), invitation(workflow.MethodRequest)))
	got := srv.WaitFor(1, 10*time.Second)
	require.Equal(t, "codev+tok@codev.test", got[0].From, "bounces come back to the tokenised address")
	require.Equal(t, []string{"alice@example.org"}, got[0].To)
	require.Contains(t, string(got[0].Data), "Content-Type: text/calendar; method=REQUEST; charset=UTF-8")

	srv.FailNext(smtptest.CmdRcpt, 1, 550)
	err = p.Send(t.Context(), invitation(workflow.MethodRequest))
	require.ErrorIs(t, err, workflow.ErrPermanent, "a 5xx refusal is for good")
	srv.FailNext(smtptest.CmdRcpt, 1, 451)
	err = p.Send(t.Context(), invitation(workflow.MethodRequest))
	require.Error(t, err)
	require.NotErrorIs(t, err, workflow.ErrPermanent, "a 4xx is retried by the send job")
	err = p.Send(t.Context(), invitation("PUBLISH"))
	require.ErrorIs(t, err, workflow.ErrPermanent, "a message that cannot be rendered never will be")
	require.Len(t, srv.Messages(), 1)
}

// unfold undoes RFC 5545 line folding.
func unfold(ics []byte) string { return strings.ReplaceAll(string(ics), "\r\n ", "") }
