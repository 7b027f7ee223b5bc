package mailroom_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/inbound"
	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/workflow"
)

// corpus is the parser's own collection of real-world messages.
const corpus = "../inbound/testdata"

func readMail(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpus, name))
	require.NoError(t, err)
	return raw
}

// TestParseCopiesEveryField checks, on every message of the parser's corpus,
// that what the domain sees is what the parser understood.
func TestParseCopiesEveryField(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(corpus, "*.eml"))
	require.NoError(t, err)
	hostile, err := filepath.Glob(filepath.Join(corpus, "hostile", "*.eml"))
	require.NoError(t, err)
	files = append(files, hostile...)
	require.GreaterOrEqual(t, len(files), 20, "the corpus is there")
	kinds := map[workflow.MailKind]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		want := inbound.Parse(raw, inbound.Options{})
		got := mailroom.Parse(raw)
		kinds[got.Kind]++
		require.Equal(t, string(want.Kind), string(got.Kind), f)
		require.Equal(t, want.Reason, got.Reason, f)
		require.NotEmpty(t, got.Reason, f)
		require.Equal(t, want.MessageID, got.MessageID, f)
		require.Equal(t, want.InReplyTo, got.InReplyTo, f)
		require.Equal(t, want.References, got.References, f)
		require.Equal(t, want.From, got.From, f)
		require.Equal(t, want.Recipients, got.Recipients, f)
		require.Equal(t, want.Text, got.Text, f)
		require.Equal(t, want.Answers, got.Answers, f)
		require.Equal(t, want.Rating, got.Rating, f)
		require.Equal(t, want.Auth.Failed(), got.AuthFailed, f)
		require.Equal(t, want.Permanent, got.Permanent, f)
		if want.RSVP == nil {
			require.Nil(t, got.RSVP, f)
			continue
		}
		require.Equal(t, &workflow.ParsedRSVP{
			UID: want.RSVP.UID, Attendee: want.RSVP.Attendee, PartStat: want.RSVP.PartStat,
			Sequence: want.RSVP.Sequence, Stamp: want.RSVP.DTStamp,
		}, got.RSVP, f)
	}
	for _, k := range []workflow.MailKind{workflow.MailReply, workflow.MailAutoReply, workflow.MailBounce,
		workflow.MailCalendarReply, workflow.MailUnknown} {
		require.Positive(t, kinds[k], "the corpus has a message of kind %s", k)
	}
}

// TestParse checks what the domain gets from messages of each kind.
func TestParse(t *testing.T) {
	t.Parallel()

	t.Run("Reply", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "answers_top.eml"))
		require.Equal(t, workflow.MailReply, p.Kind)
		require.Equal(t, "answers-top@mail.gmail.com", p.MessageID)
		require.Equal(t, "marie.dupont@gmail.com", p.From)
		require.Equal(t, []string{"codev+r-k7d2q3m4n5p6r7s8t9v2w3x4y5z6@example.org"}, p.Recipients)
		require.Contains(t, p.Answers[1], "dire non sans démotiver")
		require.Contains(t, p.Answers[2], "Des regards extérieurs")
		require.Contains(t, p.Text, "Mon équipe a du mal à prioriser")
		require.Nil(t, p.RSVP)
	})

	t.Run("CalendarReply", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "gmail_rsvp_accepted.eml"))
		require.Equal(t, workflow.MailCalendarReply, p.Kind)
		require.NotNil(t, p.RSVP)
		require.Equal(t, "session-3f2a9c1e-7b4d-4e8a-9c2b-1d0e5f6a7b8c@example.org", p.RSVP.UID)
		require.Equal(t, "marie.dupont@gmail.com", p.RSVP.Attendee)
		require.Equal(t, "ACCEPTED", p.RSVP.PartStat)
		require.Equal(t, 2, p.RSVP.Sequence)
		require.False(t, p.RSVP.Stamp.IsZero(), "DTSTAMP orders RSVPs")
	})

	t.Run("PermanentBounce", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "dsn_511.eml"))
		require.Equal(t, workflow.MailBounce, p.Kind)
		require.True(t, p.Permanent)
		require.Equal(t, []string{"bounces+k7d2q3m4n5p6@example.org"}, p.Recipients, "the VERP address names the message")
	})

	t.Run("TransientBounce", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "dsn_transient.eml"))
		require.Equal(t, workflow.MailBounce, p.Kind)
		require.False(t, p.Permanent)
	})

	t.Run("AutoReply", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "exchange_ooo_fr.eml"))
		require.Equal(t, workflow.MailAutoReply, p.Kind)
		require.Contains(t, p.Reason, "Auto-Submitted")
	})

	t.Run("Counter", func(t *testing.T) {
		t.Parallel()
		p := mailroom.Parse(readMail(t, "outlook_counter.eml"))
		require.Equal(t, workflow.MailUnknown, p.Kind, "a COUNTER is held for the animator")
		require.Contains(t, p.Reason, "COUNTER")
	})

	t.Run("Garbage", func(t *testing.T) {
		t.Parallel()
		for _, raw := range [][]byte{nil, []byte("Subject: no body, no sender")} {
			p := mailroom.Parse(raw)
			require.Equal(t, workflow.MailUnknown, p.Kind, "%q", raw)
			require.NotEmpty(t, p.Reason, "%q", raw)
			require.NotNil(t, p.Answers, "%q", raw)
		}
	})
}

// TestKind checks that each of the parser's kinds is the domain kind of the
// same name (both are stored), and that one the domain does not know holds
// the message.
func TestKind(t *testing.T) {
	t.Parallel()
	for _, k := range []inbound.Kind{inbound.KindReply, inbound.KindAutoReply, inbound.KindBounce,
		inbound.KindCalendarReply, inbound.KindUnknown} {
		require.Equal(t, string(k), string(mailroom.Kind(k)))
	}
	require.Equal(t, workflow.MailUnknown, mailroom.Kind("read_receipt"))
	require.Equal(t, workflow.MailUnknown, mailroom.Kind(""))
}
