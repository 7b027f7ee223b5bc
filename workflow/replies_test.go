package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// What a reply does beyond storing answers depends on the message it
// answers (replyHandlers): these tests go through ProcessInbound.

func TestDeclineInWords(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	inv := g.invitation(bob, 1)
	in := g.reply(inv, bob, workflow.ParsedMail{Text: "Bonjour, désolé, je ne pourrai pas être là le 12."})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, string(workflow.ReasonDeclineInWords), in.Reason)
	st := g.harness.state(g.id)
	r := st.RSVP(st.SessionNumber(1).ID, g.m(bob).ID)
	require.NotNil(t, r)
	require.Equal(t, workflow.RSVPDeclined, r.PartStat)
	require.Empty(t, st.Answers, "a decline is not an answer")
	require.Len(t, g.notices(workflow.KindNoticeDecline), 1)

	// Anything else in reply to an invitation is a note for the animator.
	in = g.reply(g.invitation(chloe, 1), chloe, workflow.ParsedMail{Text: "Merci, à bientôt !"})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, string(workflow.ReasonAnswersRecorded), in.Reason)
	require.Len(t, g.harness.state(g.id).Answers, 1)
	require.Empty(t, g.notices(workflow.KindNoticeDecline))
}

func TestDeclinesInWords(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"Je ne pourrai pas venir, désolée":       true,
		"Je serai absente ce jour-là":            true,
		"Sorry, I can’t make it":                 true,
		"I won't be able to attend":              true,
		"Empêché\u00a0: déplacement":             true,
		"Je serai là, merci !":                   false,
		"Looking forward to it":                  false,
		"Je peux venir, mais je serai en retard": false,
	} {
		require.Equal(t, want, workflow.DeclinesInWords(text), "%q", text)
	}
}

// clientDeclines makes Alice, client of session 1, decline it, and returns
// the notice the animator got about it.
func clientDeclines(t *testing.T, g *group) *workflow.Message {
	t.Helper()
	in := g.reply(g.invitation(alice, 1), alice, workflow.ParsedMail{Text: "Je serai absente, désolée."})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	g.run()
	key := workflow.MessageKey(workflow.KindNoticeDecline, g.state.SessionNumber(1).ID, g.m(claire).ID, int(g.m(alice).ID))
	notice := g.harness.state(g.id).Message(key)
	require.NotNil(t, notice, "the notice is keyed by the member who declined")
	return notice
}

func TestConfirmSwap(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	notice := clientDeclines(t, g)
	sent := g.mail.take()
	require.Len(t, sent, 1)
	require.Contains(t, sent[0].Text, "Bob Martin", "the notice proposes the next client")

	// A reply that is not « oui » is a note, and swaps nothing.
	in := g.reply(notice, claire, workflow.ParsedMail{Text: "Je vais voir avec elle."})
	require.Equal(t, string(workflow.ReasonAnswersRecorded), in.Reason)
	require.Equal(t, g.m(alice).ID, g.harness.state(g.id).SessionNumber(1).ClientID)

	in = g.reply(notice, claire, workflow.ParsedMail{Text: "Oui, merci !"})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonSwapConfirmed, Args: []int64{1, 2}}.String(), in.Reason)
	st := g.harness.state(g.id)
	s1, s2 := st.SessionNumber(1), st.SessionNumber(2)
	require.Equal(t, g.m(bob).ID, s1.ClientID)
	require.Equal(t, g.m(alice).ID, s2.ClientID)
	require.True(t, s1.Pinned && s2.Pinned, "re-applying the file keeps the swap")
	res, err := g.svc.ApplyGroup(g.ctx, newSpec())
	require.NoError(t, err)
	require.Empty(t, res.Changes)

	// The same confirmation again finds the client changed.
	in = g.reply(notice, claire, workflow.ParsedMail{Text: "oui"})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, string(workflow.ReasonSwapStale), in.Reason)
}

func TestConfirmSwapWithNobodyToSwapWith(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	for _, m := range []string{bob, chloe} {
		in := g.reply(g.invitation(m, 1), m, workflow.ParsedMail{Text: "I cannot come, sorry."})
		require.Equal(t, workflow.InboundProcessed, in.Status)
	}
	notice := clientDeclines(t, g)
	in := g.reply(notice, claire, workflow.ParsedMail{Text: "Yes"})
	require.Equal(t, workflow.InboundHeld, in.Status)
	require.Equal(t, string(workflow.ReasonSwapNoCandidate), in.Reason)
	require.Equal(t, g.m(alice).ID, g.harness.state(g.id).SessionNumber(1).ClientID)
}

// openGroup is the test group in open rotation mode, at D−10 of session 1
// with Alice's and Bob's topics proposed and the list sent to Claire.
func openGroup(t *testing.T) (*group, *workflow.Message) {
	t.Helper()
	h := newHarness(t, start)
	spec := newSpec()
	spec.Mode = workflow.ModeOpen
	id := h.apply(spec)
	g := &group{harness: h, id: id, state: h.state(id)}
	for _, s := range g.state.Sessions {
		require.Zero(t, s.ClientID, "open mode assigns nobody in advance")
	}
	// The welcome goes out when the file is applied, as the reconciler
	// would send it, so that the charter reminder keeps to its own date
	// (Friday 4 December, D+5 being a Sunday) and not to D−14's.
	g.run()
	g.walk(day(s1, -14))
	for _, p := range []struct {
		email   string
		answers map[int]string
	}{
		{alice, map[int]string{1: "Recadrer un collaborateur", 2: "oui"}},
		{bob, map[int]string{1: "Reprendre une équipe"}},
	} {
		call := g.message(id, workflow.KindCallForTopics, g.m(p.email).ID, g.state.SessionNumber(1).ID)
		in := g.reply(call, p.email, workflow.ParsedMail{Text: p.answers[1], Answers: p.answers})
		require.Equal(t, workflow.InboundProcessed, in.Status)
	}
	g.mail.take()
	g.walk(day(s1, -10))
	sent := g.mail.take()
	require.Len(t, sent, 1)
	require.Equal(t, workflow.KindNoticeTopics, sent[0].Kind)
	require.Contains(t, sent[0].Text, "Recadrer un collaborateur")
	require.Contains(t, sent[0].Text, "Reprendre une équipe")
	return g, g.message(id, workflow.KindNoticeTopics, g.m(claire).ID, g.state.SessionNumber(1).ID)
}

func TestChooseClient(t *testing.T) {
	t.Parallel()
	g, list := openGroup(t)
	in := g.reply(list, claire, workflow.ParsedMail{Text: "Bonjour,\n\n2\n\nClaire"})
	require.Equal(t, workflow.InboundProcessed, in.Status, in.Reason)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonClientChosen, Args: []int64{1, g.m(bob).ID}}.String(), in.Reason)
	st := g.harness.state(g.id)
	s1 := st.SessionNumber(1)
	require.Equal(t, g.m(bob).ID, s1.ClientID)
	require.True(t, s1.Pinned)
	for _, a := range st.Answers {
		require.NotEqual(t, list.ID, a.RequestID, "the choice is not stored as an answer")
	}
	require.False(t, g.message(g.id, workflow.KindNoticeTopics, g.m(claire).ID, s1.ID).AnsweredAt.IsZero())
	// Claire chose on Saturday 2 January (D−10): the questionnaire, due
	// since D−21, waits for the next working morning rather than reach Bob
	// on a weekend evening, then goes at once.
	g.run()
	require.Empty(t, g.mail.to(bob, workflow.KindPrepare), "not on a weekend")
	g.walk(time.Date(2027, 1, 4, 7, 59, 0, 0, paris))
	require.Empty(t, g.mail.to(bob, workflow.KindPrepare), "not before 08:00")
	g.at(time.Date(2027, 1, 4, 8, 0, 0, 0, paris))
	require.Len(t, g.mail.to(bob, workflow.KindPrepare), 1, "the chosen client is asked to prepare on Monday at 08:00")
	g.mail.take()

	// The same choice again is no change; another one is held.
	in = g.reply(list, claire, workflow.ParsedMail{Text: "Bob"})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonChoiceSameClient, Args: []int64{g.m(bob).ID, 1}}.String(), in.Reason)
	in = g.reply(list, claire, workflow.ParsedMail{Text: "1"})
	require.Equal(t, workflow.InboundHeld, in.Status)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonChoiceHasClient, Args: []int64{1, g.m(bob).ID}}.String(), in.Reason)
	require.Len(t, g.notices(workflow.KindNoticeHeld), 1)

	// Session 2: Bob had his turn; naming him is held.
	g.walk(day(s2, -14))
	call := g.message(g.id, workflow.KindCallForTopics, g.m(chloe).ID, st.SessionNumber(2).ID)
	g.reply(call, chloe, workflow.ParsedMail{Text: "Négocier un budget", Answers: map[int]string{1: "Négocier un budget"}})
	g.walk(day(s2, -10))
	list2 := g.message(g.id, workflow.KindNoticeTopics, g.m(claire).ID, st.SessionNumber(2).ID)
	in = g.reply(list2, claire, workflow.ParsedMail{Text: "Bob Martin"})
	require.Equal(t, workflow.InboundHeld, in.Status)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonChoiceHadTurn, Args: []int64{g.m(bob).ID, 1}}.String(), in.Reason)
}

func TestChooseClientHeld(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		before func(g *group)
		reply  string
		reason string
	}{
		{name: "NotUnderstood", reply: "Je ne sais pas encore", reason: workflow.Reason{Code: workflow.ReasonChoiceNoMatch, Args: []int64{1}}.String()},
		{name: "NoSuchProposal", reply: "7", reason: workflow.Reason{Code: workflow.ReasonChoiceNoProposal, Args: []int64{1, 7, 2}}.String()},
		{
			name:   "SessionStarted",
			before: func(g *group) { g.clock.Set(s1.Add(10 * time.Minute)) },
			reply:  "1", reason: workflow.Reason{Code: workflow.ReasonChoiceStarted, Args: []int64{1}}.String(),
		},
		{
			name:   "SessionCancelled",
			before: func(g *group) { require.NoError(g.t, g.svc.CancelSession(g.ctx, g.id, 1)) },
			reply:  "1", reason: string(workflow.ReasonChoiceCancelled),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, list := openGroup(t)
			if tc.before != nil {
				tc.before(g)
			}
			in := g.reply(list, claire, workflow.ParsedMail{Text: tc.reply})
			require.Equal(t, workflow.InboundHeld, in.Status)
			require.Equal(t, tc.reason, in.Reason)
			for _, s := range g.harness.state(g.id).Sessions {
				require.Zero(t, s.ClientID, "nobody is chosen")
			}
		})
	}
}
