package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

// TestCycleEndToEnd walks a whole six-month cycle on a fake clock, with the
// real wiring: every message goes out once, on its day, to the right people,
// in French; replies arrive through IMAP and show up in the next digest; a
// declined client is swapped once the animator confirms; a rescheduled
// session moves its whole timeline; a paused member gets no reminders; three
// days of downtime are caught up without stale messages.
func TestCycleEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testCycle(t, kind)
		})
	}
}

type cycle struct {
	t    *testing.T
	e    *e2e
	a    *app
	imap *imaptest.Server
	seen int64 // highest message ID already collected
	sent []*workflow.Message
	mail map[int64]string // message ID → plain text received over SMTP
}

func testCycle(t *testing.T, kind string) {
	e := newE2E(t, kind)
	c := &cycle{t: t, e: e, imap: imaptest.NewServer(t), mail: map[int64]string{}}
	e.env["CODEV_IMAP_URL"] = c.imap.URL()
	e.clock.Set(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	c.a = e.startApp(t)
	ctx := context.Background()
	st := e.state(t, c.a)
	id := func(email string) int64 { return memberID(st, email) }
	alice, bob, chloe, david := id("alice@example.org"), id("bob@example.org"), id("chloe@example.org"), id("david@example.org")
	claire := id("claire@example.org")
	clientOf := func(n int) int64 { return e.state(t, c.a).SessionNumber(n).ClientID }
	require.Equal(t, []int64{alice, bob, chloe, david}, []int64{clientOf(1), clientOf(2), clientOf(3), clientOf(4)},
		"planned rotation in file order; Bob cannot do session 3")

	// Cycle start: welcome to the 6 members, 6 invitations to 7 participants.
	c.step(e.clock.Now())
	require.Equal(t, 6+42, len(c.sent))

	// Session 1: Alice is asked to prepare at D−21 and answers by email;
	// Émilie accepts the invitation from her calendar.
	prep := c.until("prepare", alice)
	c.reply("alice@example.org", prep, "1. Je n'arrive pas à déléguer.\n7. J'aimerais que le groupe m'aide à lâcher prise.\n")
	c.deliver(rsvp("emilie@example.org", e.state(t, c.a).SessionNumber(1).UID, "ACCEPTED"))
	c.waitInbound(2)
	digest := c.until("digest", claire)
	require.Contains(t, c.mail[digest.ID], "Je n'arrive pas à déléguer.", "the digest shows the client's preparation")
	require.Contains(t, c.mail[digest.ID], "J'aimerais que le groupe m'aide à lâcher prise.")
	require.Regexp(t, `Émilie Roux\W+sera présent·e`, c.mail[digest.ID], "the digest shows the RSVP")
	require.Empty(t, c.kinds("prepare_reminder"), "no reminder after an answer")

	// Bob pauses: from now on, only invitations and cancellations.
	require.NoError(t, c.a.db.InTx(ctx, func(tx workflow.Tx) error {
		m, err := tx.Member(ctx, bob)
		if err != nil {
			return err
		}
		m.Paused = true
		return tx.UpdateMember(ctx, m)
	}))
	pausedFrom := c.seen

	// Session 3: Chloé, the client, declines; the animator confirms the swap
	// with David, the next client, by answering « oui ».
	c.until("digest", claire) // session 2's digest
	s3 := e.state(t, c.a).SessionNumber(3)
	c.deliver(rsvp("chloe@example.org", s3.UID, "DECLINED"))
	c.waitInbound(3)
	notice := c.until("notice_decline", claire)
	require.Contains(t, c.mail[notice.ID], "David Petit", "the notice proposes the next client")
	c.reply("claire@example.org", notice, "Oui, d'accord.\n")
	c.waitInbound(4)
	require.Eventually(t, func() bool { return clientOf(3) == david && clientOf(4) == chloe }, 10*time.Second, 20*time.Millisecond)
	require.NotNil(t, c.until("prepare", david), "the new client is asked to prepare")

	// Session 5 moves a week later in the group file: its timeline follows.
	moved := append([]string{}, e2eDates...)
	moved[4] = "2027-05-18 18:00"
	e.writeGroup(moved)
	e.run("group", "apply", "-f", e.file)
	require.Contains(t, e.out.String(), "session 5 rescheduled")
	s5 := e.state(t, c.a).SessionNumber(5)
	d5 := c.until("digest", claire, s5.ID)
	paris, _ := time.LoadLocation("Europe/Paris")
	require.Equal(t, "2027-05-14 18:00", d5.SentAt.In(paris).Format("2006-01-02 15:04"), "D−2 of the new date, a Sunday: the Friday before")

	// Downtime: nothing runs from D−4 of session 6 until the day after it.
	s6 := e.state(t, c.a).SessionNumber(6)
	c.until("prepare", clientOf(6), s6.ID)
	c.step(s6.Start.AddDate(0, 0, 1))
	for _, k := range []workflow.Kind{workflow.KindFollowup, workflow.KindDigest, workflow.KindSessionReminder} {
		for _, m := range c.sent {
			require.False(t, m.Kind == k && m.SessionID == s6.ID, "stale %s for session 6 was sent after the downtime", k)
		}
	}
	skipped := 0
	for _, m := range e.state(t, c.a).Messages {
		if m.SessionID == s6.ID && m.Status == workflow.MessageSkipped {
			skipped++
			require.Contains(t, m.Reason, "too late")
		}
	}
	require.NotZero(t, skipped, "stale messages are recorded as skipped")
	require.NotNil(t, c.find("learnings", david, s6.ID), "what is still useful after the downtime goes out")

	// Then to the end of the cycle.
	c.until("review", alice)
	c.until("retention_warning", alice)

	// Every message once, on its day, to the right people, in French.
	final := e.state(t, c.a)
	seen := map[string]bool{}
	for _, m := range c.sent {
		require.False(t, seen[m.Key], "%s sent twice", m.Key)
		seen[m.Key] = true
		switch m.Kind {
		case workflow.KindDigest, workflow.KindSummary, workflow.KindNoticeDecline:
			require.Equal(t, claire, m.MemberID, "%s goes to the animator only", m.Kind)
		case workflow.KindPrepare, workflow.KindClientPlan, workflow.KindPrepareReminder, workflow.KindPlanReminder:
			require.Equal(t, final.Session(m.SessionID).ClientID, m.MemberID, "%s goes to the session's client", m.Kind)
		case workflow.KindFollowup:
			s := final.Session(m.SessionID)
			require.Equal(t, final.Session(prevID(final, s)).ClientID, m.MemberID, "followup goes to the previous client")
		}
		if m.MemberID == bob && m.ID > pausedFrom {
			require.Contains(t, []workflow.Kind{workflow.KindInvitation, workflow.KindCancellation}, m.Kind,
				"paused Bob got %s", m.Kind)
		}
		require.False(t, m.SentAt.Before(m.DueAt), "%s sent before it was due", m.Key)
		switch {
		case m.Kind == workflow.KindInvitation || m.Kind == workflow.KindCancellation ||
			strings.HasPrefix(string(m.Kind), "notice_"):
			// Event-driven: due from the change that calls for them.
		case m.Kind == workflow.KindPrepare && m.SessionID == s3.ID:
			// The swapped-in client is asked as soon as the swap is confirmed.
		case m.DueAt.After(s6.Start.AddDate(0, 0, -4)) && m.DueAt.Before(s6.Start.AddDate(0, 0, 1)):
			// Caught up after the downtime.
		default:
			require.Equal(t, m.DueAt, m.SentAt, "%s sent on its moment", m.Key)
		}
	}
	require.Len(t, e.smtp.Messages(), len(c.sent), "the SMTP server received exactly the messages recorded as sent")
	for _, m := range e.smtp.Messages() {
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		subj, _ := ent.Header.Text("Subject")
		require.True(t, strings.HasPrefix(subj, "[Codev Managers Lyon] "), subj)
		require.Equal(t, "fr", ent.Header.Get("Content-Language"))
		require.NotContains(t, subj, "déléguer", "no answer text in subjects")
	}
	for _, k := range []string{"welcome", "invitation", "prepare", "followup", "digest", "session_reminder",
		"client_plan", "learnings", "review", "retention_warning"} {
		require.NotEmpty(t, c.kinds(k), "no %s was sent", k)
	}
}

func prevID(st *workflow.State, s *workflow.Session) int64 {
	var prev int64
	for _, o := range st.Scheduled() {
		if o.Number < s.Number {
			prev = o.ID
		}
	}
	return prev
}

// step moves the clock to now, reconciles, and waits until every recorded
// message is sent, collecting them.
func (c *cycle) step(now time.Time) {
	c.t.Helper()
	ctx := context.Background()
	c.e.clock.Set(now)
	_, err := c.a.svc.Reconcile(ctx)
	require.NoError(c.t, err)
	var st *workflow.State
	require.Eventually(c.t, func() bool {
		st = c.e.state(c.t, c.a)
		for _, m := range st.Messages {
			if m.Status == workflow.MessagePending || m.Status == workflow.MessageSending {
				return false
			}
		}
		return true
	}, 30*time.Second, 10*time.Millisecond, "messages sent at %s", now)
	byMessageID := map[string]string{}
	for _, r := range c.e.smtp.Messages() {
		ent, err := message.Read(bytes.NewReader(r.Data))
		require.NoError(c.t, err)
		id := strings.Trim(ent.Header.Get("Message-Id"), "<>")
		require.NoError(c.t, ent.Walk(func(_ []int, p *message.Entity, err error) error {
			if ct, _, _ := p.Header.ContentType(); ct == "text/plain" && err == nil {
				b, _ := io.ReadAll(p.Body)
				byMessageID[id] = string(b)
			}
			return nil
		}))
	}
	max := c.seen
	for _, m := range st.Messages {
		if m.ID > c.seen && m.Status == workflow.MessageSent {
			c.sent = append(c.sent, m)
			c.mail[m.ID] = byMessageID[m.MessageID]
			require.NotEmpty(c.t, c.mail[m.ID], "message %s was recorded sent but not received", m.Key)
		}
		if m.ID > max {
			max = m.ID
		}
	}
	c.seen = max
}

// until steps through the timeline until a message of kind to member (and
// session, when given) was sent, and returns it.
func (c *cycle) until(kind string, member int64, session ...int64) *workflow.Message {
	c.t.Helper()
	for range 400 {
		if m := c.find(kind, member, session...); m != nil {
			return m
		}
		next, err := c.a.svc.NextDue(context.Background())
		require.NoError(c.t, err)
		require.False(c.t, next.IsZero(), "timeline ended before a %s to member %d", kind, member)
		c.step(next)
	}
	c.t.Fatalf("no %s to member %d", kind, member)
	return nil
}

func (c *cycle) find(kind string, member int64, session ...int64) *workflow.Message {
	for _, m := range c.sent {
		if string(m.Kind) == kind && m.MemberID == member && (len(session) == 0 || m.SessionID == session[0]) {
			return m
		}
	}
	return nil
}

func (c *cycle) kinds(kind string) []*workflow.Message {
	var out []*workflow.Message
	for _, m := range c.sent {
		if string(m.Kind) == kind {
			out = append(out, m)
		}
	}
	return out
}

// reply answers a message as its recipient's mail client would: to the
// tokenised Reply-To, quoting the original.
func (c *cycle) reply(from string, to *workflow.Message, body string) {
	c.t.Helper()
	quoted := "> " + strings.ReplaceAll(strings.TrimSpace(c.mail[to.ID]), "\n", "\n> ")
	token := c.a.svc.Signer().Sign(workflow.TokenReply, to.ID)
	c.deliver(mailFrom(from, "codev+"+token+"@example.org", "Re: codev", to.MessageID,
		body+"\nLe 1 janv. 2027 à 18:00, Codev <codev@example.org> a écrit :\n"+quoted+"\n"))
}

func (c *cycle) deliver(raw string) {
	c.t.Helper()
	c.imap.Deliver(c.t, "INBOX", []byte(raw))
}

// waitInbound waits until n inbound messages were processed in all.
func (c *cycle) waitInbound(n int) {
	c.t.Helper()
	require.Eventually(c.t, func() bool {
		return c.e.inboundCount(c.t, c.a) == n && c.e.pendingCount(c.t, c.a) == 0
	}, 30*time.Second, 20*time.Millisecond, fmt.Sprintf("%d inbound messages processed", n))
	// Processing enqueues a reconcile; let the sends it causes finish.
	c.step(c.e.clock.Now())
}
