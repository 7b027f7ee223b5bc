package workflow_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// kinds lists "kind to address" for emails, in order.
func kinds(emails []*workflow.Email) []string {
	var out []string
	for _, e := range emails {
		out = append(out, string(e.Kind)+" to "+e.To.Email)
	}
	return out
}

// TestServiceCycle runs a planned group's whole cycle through the Service
// on a real store: what goes out when, what answers change, and the purge
// at the end.
func TestServiceCycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, start)
	id := h.apply(newSpec())
	st := h.state(id)
	a, b, c := member(t, st, alice), member(t, st, bob), member(t, st, chloe)
	sess1, sess2 := st.SessionNumber(1), st.SessionNumber(2)
	require.Equal(t, []int64{a.ID, b.ID, c.ID}, []int64{sess1.ClientID, sess2.ClientID, st.SessionNumber(3).ClientID},
		"the rotation follows the file's order")

	// At once: the welcome to each member, and one invitation per
	// participant and session.
	h.run()
	sent := h.mail.take()
	require.Len(t, sent, 3+4*3)
	require.ElementsMatch(t, []string{"welcome to " + alice, "welcome to " + bob, "welcome to " + chloe},
		kinds(slices.DeleteFunc(slices.Clone(sent), func(e *workflow.Email) bool { return e.Kind != workflow.KindWelcome })))
	for _, e := range sent {
		require.Equal(t, mailbox.String(), e.From.Email)
		require.True(t, strings.HasPrefix(e.ReplyTo, "codev+"), "tokenised Reply-To: %s", e.ReplyTo)
		require.Equal(t, e.ReplyTo, e.EnvelopeFrom, "bounces name the message (VERP)")
		require.NotEmpty(t, e.MessageID)
		require.True(t, strings.HasPrefix(e.ListUnsubscribe, baseURL+"/u/"))
		if e.Kind != workflow.KindInvitation {
			require.Nil(t, e.Invite)
			continue
		}
		inv := e.Invite
		require.NotNil(t, inv)
		require.Equal(t, workflow.MethodRequest, inv.Method)
		require.Equal(t, 0, inv.Sequence)
		require.Equal(t, "https://visio.example.org/lyon", inv.Location)
		require.Equal(t, []workflow.Person{e.To}, inv.Attendees)
		require.Equal(t, mailbox.String(), inv.Organizer.Email)
		require.Contains(t, inv.Summary, "Codev Managers Lyon – séance ")
		require.False(t, inv.Cancelled)
	}
	n, err := h.svc.Reconcile(h.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is recorded twice")

	// Alice accepts the charter: she alone gets no reminder of it.
	in := h.reply(h.message(id, workflow.KindWelcome, a.ID, 0), alice, workflow.ParsedMail{Text: "J'accepte la charte."})
	require.Equal(t, workflow.InboundProcessed, in.Status, in.Reason)
	require.Empty(t, in.Raw, "raw bytes are deleted once applied")
	h.walk(day(s1, -22))
	require.ElementsMatch(t, []string{"charter_reminder to " + bob, "charter_reminder to " + chloe}, kinds(h.mail.take()))

	// D−21: Alice is asked to prepare, and answers the numbered questions.
	h.walk(day(s1, -21))
	require.Equal(t, []string{"prepare to " + alice}, kinds(h.mail.take()))
	prep := h.message(id, workflow.KindPrepare, a.ID, sess1.ID)
	in = h.reply(prep, alice, workflow.ParsedMail{Text: "1. Un conflit\n7. Savoir dire non", Answers: map[int]string{
		1: "Un conflit dans mon équipe", 7: "Savoir dire non sans fâcher"}})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, prep.ID, in.RequestID)
	require.Equal(t, a.ID, in.MemberID)

	// Bob declines session 1 from his calendar: the animator is told.
	in = h.deliver(workflow.ParsedMail{Kind: workflow.MailCalendarReply, From: bob, RSVP: &workflow.ParsedRSVP{
		UID: sess1.UID, Attendee: bob, PartStat: "declined", Sequence: 0, Stamp: day(s1, -20)}})
	require.Equal(t, workflow.InboundProcessed, in.Status, in.Reason)
	require.Equal(t, string(workflow.ReasonRSVPDeclined), in.Reason)
	h.run()
	require.Equal(t, []string{"notice_decline to " + claire}, kinds(h.mail.take()))

	// D−2: no reminder to prepare (Alice answered); the digest carries her
	// request to the group. D−1: the session reminder, not to Bob.
	h.walk(day(s1, -2))
	sent = h.mail.take()
	require.Equal(t, []string{"digest to " + claire}, kinds(sent))
	require.Contains(t, sent[0].Text, "Savoir dire non sans fâcher")
	h.walk(day(s1, -1))
	require.ElementsMatch(t, []string{"session_reminder to " + claire, "session_reminder to " + alice,
		"session_reminder to " + chloe}, kinds(h.mail.take()))

	// An hour after the session is 21:00, after the daytime window: the
	// next morning at 08:00, the client's plan to Alice, learnings to the
	// others (Bob included: he may still have views). Nothing before.
	h.walk(time.Date(2027, 1, 13, 7, 59, 0, 0, paris))
	require.Empty(t, h.mail.take(), "nothing in the evening after the session")
	h.walk(time.Date(2027, 1, 13, 8, 1, 0, 0, paris))
	require.ElementsMatch(t, []string{"client_plan to " + alice, "learnings to " + bob, "learnings to " + chloe},
		kinds(h.mail.take()))
	rating := 4
	in = h.reply(h.message(id, workflow.KindLearnings, c.ID, sess1.ID), chloe, workflow.ParsedMail{
		Text: "1. Écouter sans conseiller", Answers: map[int]string{1: "Écouter sans conseiller"}, Rating: &rating})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	in = h.reply(h.message(id, workflow.KindLearnings, b.ID, sess1.ID), bob, workflow.ParsedMail{
		Text: "3. Le temps a débordé\n4. 5", Answers: map[int]string{3: "Le temps a débordé", 4: "5"}})
	require.Equal(t, workflow.InboundProcessed, in.Status)

	// D+2: the summary to Claire. The reminder of the plan to Alice comes
	// two days after its ask, Friday at 08:00.
	h.walk(day(s1, 2))
	sent = h.mail.take()
	require.Equal(t, []string{"summary to " + claire}, kinds(sent))
	h.walk(time.Date(2027, 1, 15, 7, 59, 0, 0, paris))
	require.Empty(t, h.mail.take(), "no reminder sooner than two days after the ask")
	h.walk(time.Date(2027, 1, 15, 8, 1, 0, 0, paris))
	sent = append(sent, h.mail.take()...)
	require.Equal(t, []string{"summary to " + claire, "plan_reminder to " + alice}, kinds(sent))
	for _, e := range sent {
		if e.Kind == workflow.KindPlanReminder {
			orig := h.message(id, workflow.KindClientPlan, a.ID, sess1.ID)
			require.Equal(t, []string{orig.MessageID}, e.InReplyTo, "the reminder threads under its ask")
			continue
		}
		require.Contains(t, e.Text, "Note moyenne\u00a0: 4,5 sur 5", "French decimal comma and no-break space")
		require.Contains(t, e.Text, "Écouter sans conseiller")
		require.Contains(t, e.Text, "Le temps a débordé")
	}

	// Before session 2, Alice (the previous client) is asked how her
	// experiments went, Bob prepares.
	h.walk(day(s2, -3))
	got := kinds(h.mail.take())
	require.Contains(t, got, "prepare to "+bob)
	require.Contains(t, got, "followup to "+alice)

	// The end of the cycle: review and retention warning to each member,
	// then the purge of free text, which the wake time brings about.
	h.walk(day(s3, 8))
	got = kinds(h.mail.take())
	for _, m := range []string{alice, bob, chloe} {
		require.Contains(t, got, "review to "+m)
	}
	st = h.state(id)
	require.NotEmpty(t, st.Answers)
	purge := workflow.PurgeAt(st.Group, st.SessionNumber(3))
	require.Equal(t, time.Date(2027, 9, 9, 20, 0, 0, 0, paris).UTC(), purge.UTC(), "six months after the last session")
	h.walk(purge.Add(-time.Minute))
	require.ElementsMatch(t, []string{"retention_warning to " + alice, "retention_warning to " + bob,
		"retention_warning to " + chloe}, kinds(h.mail.take()))
	require.NotEmpty(t, h.state(id).Answers)
	h.at(purge.Add(time.Minute))
	st = h.state(id)
	require.Empty(t, st.Answers, "free text is purged after the retention period")
	require.NotEmpty(t, st.RSVPs, "attendance is no content: it stays")
	next, err := h.svc.NextDue(h.ctx)
	require.NoError(t, err)
	require.True(t, next.IsZero(), "nothing is planned after the cycle, got %s", next)
	for _, m := range st.Messages {
		require.NotEqual(t, workflow.MessagePending, m.Status, "message %s", m.Key)
		require.NotEqual(t, workflow.MessageFailed, m.Status, "message %s", m.Key)
	}
	require.Equal(t, 2, count(st, workflow.KindPrepareReminder, workflow.MessageSent),
		"Bob and Chloé never answered their preparation; Alice did")
}
