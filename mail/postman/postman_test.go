package postman_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail"
	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// invitation is an email as the domain composes an invitation.
func invitation(method string) *workflow.Email {
	start := time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC)
	return &workflow.Email{
		Kind:         workflow.KindInvitation,
		To:           workflow.Person{Name: "Marie Dupont", Email: "marie@example.org"},
		From:         workflow.Person{Name: "Codev", Email: "codev@example.org"},
		ReplyTo:      "codev+r-token@example.org",
		EnvelopeFrom: "codev+r-token@example.org",
		MessageID:    "token.nonce@example.org",
		Date:         time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		Subject:      "Séance 1 du Groupe 42",
		Text:         "Bonjour Marie,\n",
		HTML:         "<p>Bonjour Marie,</p>",
		Lang:         "fr",
		Invite: &workflow.Invite{
			Method: method, UID: "session-1@example.org", Sequence: 2, Start: start, End: start.Add(2 * time.Hour),
			Summary: "Groupe 42 – séance 1", Location: "https://meet.example.org/g42",
			Organizer: workflow.Person{Name: "Codev", Email: "codev@example.org"},
			Attendees: []workflow.Person{{Name: "Marie Dupont", Email: "marie@example.org"}},
		},
	}
}

func newPostman(t *testing.T, srv *smtptest.Server) *postman.Postman {
	t.Helper()
	s, err := mail.NewSender(&mail.SMTPConfig{URL: srv.URL(), Timeout: 5 * time.Second, Retries: -1}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return postman.New(s)
}

func TestSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	p := newPostman(t, srv)
	e := invitation(workflow.MethodRequest)
	require.NoError(t, p.Send(t.Context(), e))
	got := srv.Messages()
	require.Len(t, got, 1)
	require.Equal(t, e.EnvelopeFrom, got[0].From, "bounces name the message")
	require.Equal(t, []string{"marie@example.org"}, got[0].To)
	m, err := message.Read(strings.NewReader(string(got[0].Data)))
	require.NoError(t, err)
	require.Equal(t, "<token.nonce@example.org>", m.Header.Get("Message-Id"))
	require.Contains(t, string(got[0].Data), "Content-Type: text/calendar; method=REQUEST")

	raw, ics, err := postman.Render(e)
	require.NoError(t, err)
	require.Contains(t, string(raw), "Content-Type: text/calendar; method=REQUEST")
	require.Contains(t, string(ics), "METHOD:REQUEST")
	require.Contains(t, string(ics), "UID:session-1@example.org")
	require.Contains(t, string(ics), "SEQUENCE:2")
	want, err := postman.Calendar(e.Invite, e.Date)
	require.NoError(t, err)
	require.Equal(t, string(want), string(ics), "the invitation is stamped with the email's date")
}

func TestSendRefused(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	p := newPostman(t, srv)

	srv.FailNext(smtptest.CmdRcpt, 1, 550)
	err := p.Send(t.Context(), invitation(workflow.MethodRequest))
	require.ErrorIs(t, err, workflow.ErrPermanent, "a 5xx refusal is for good")

	srv.FailNext(smtptest.CmdData, 1, 451)
	err = p.Send(t.Context(), invitation(workflow.MethodRequest))
	require.Error(t, err)
	require.False(t, errors.Is(err, workflow.ErrPermanent), "a 4xx is retried: %v", err)

	err = p.Send(t.Context(), invitation("PUBLISH"))
	require.ErrorIs(t, err, workflow.ErrPermanent, "a message that cannot be rendered is never retried")
	require.ErrorContains(t, err, `unknown calendar method "PUBLISH"`)
	require.Empty(t, srv.Messages(), "nothing was accepted")
}

func TestCalendar(t *testing.T) {
	t.Parallel()
	stamp := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	req, err := postman.Calendar(invitation(workflow.MethodRequest).Invite, stamp)
	require.NoError(t, err)
	require.Contains(t, string(req), "METHOD:REQUEST")
	require.Contains(t, string(req), "DTSTAMP:20261201T080000Z")
	cancel, err := postman.Calendar(invitation(workflow.MethodCancel).Invite, stamp)
	require.NoError(t, err)
	require.Contains(t, string(cancel), "METHOD:CANCEL")
	require.Contains(t, string(cancel), "UID:session-1@example.org", "a cancellation names the event it cancels")

	e := invitation(workflow.MethodRequest)
	e.Invite = nil
	raw, ics, err := postman.Render(e)
	require.NoError(t, err)
	require.Nil(t, ics)
	require.NotContains(t, string(raw), "text/calendar", "no calendar part without an invite")
}
