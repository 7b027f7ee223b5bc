package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// group is a harness with the test group applied and its first messages
// (welcomes, invitations) sent.
type group struct {
	*harness
	id    int64
	state *workflow.State
}

func newGroup(t *testing.T, opts ...harnessOption) *group {
	t.Helper()
	h := newHarness(t, start, opts...)
	id := h.apply(newSpec())
	h.run()
	h.mail.take()
	return &group{harness: h, id: id, state: h.state(id)}
}

// m returns the group's member with that address, as loaded now.
func (g *group) m(email string) *workflow.Member {
	g.t.Helper()
	return member(g.t, g.harness.state(g.id), email)
}

// welcome is the welcome sent to a member.
func (g *group) welcome(email string) *workflow.Message {
	g.t.Helper()
	return g.message(g.id, workflow.KindWelcome, g.m(email).ID, 0)
}

// invitation is the invitation to session n sent to a member.
func (g *group) invitation(email string, n int) *workflow.Message {
	g.t.Helper()
	return g.message(g.id, workflow.KindInvitation, g.m(email).ID, g.state.SessionNumber(n).ID)
}

// notices returns the notices of kind the animator got since the last take.
func (g *group) notices(kind workflow.Kind) []*workflow.Email {
	g.t.Helper()
	g.run()
	out := g.mail.to(claire, kind)
	g.mail.take()
	return out
}

func TestProcessInbound(t *testing.T) {
	t.Parallel()
	rsvp := func(g *group, partstat string, seq int) workflow.ParsedMail {
		return workflow.ParsedMail{Kind: workflow.MailCalendarReply, From: bob, RSVP: &workflow.ParsedRSVP{
			UID: g.state.SessionNumber(1).UID, Attendee: bob, PartStat: partstat, Sequence: seq, Stamp: start}}
	}
	tests := []struct {
		name   string
		mail   func(g *group) workflow.ParsedMail
		status string
		reason string
		// notice is the kind of the notice the animator gets, if any.
		notice workflow.Kind
		check  func(t *testing.T, g *group, in *workflow.Inbound)
	}{
		{
			name: "AutoReply",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailAutoReply, Reason: "Auto-Submitted"}
			},
			status: workflow.InboundIgnored, reason: string(workflow.ReasonAutoReply),
		},
		{
			name: "NotUnderstood",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "no text part"}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonNotUnderstood),
		},
		{
			name: "NoToken",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: "Bonjour", Recipients: []string{"codev@codev.test"}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonNoToken),
		},
		{
			name: "TamperedToken",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: "Bonjour",
					Recipients: []string{"codev+" + g.signer.Sign(workflow.TokenPreferences, g.welcome(alice).ID) + "@codev.test"}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonTokenTampered),
		},
		{
			name: "TokenOfNoMessage",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: "Bonjour",
					Recipients: []string{mailbox.Tagged(g.signer.Sign(workflow.TokenReply, 999999))}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonNoToken),
		},
		{
			name: "TokenInInReplyTo",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: "Alice@Example.org", Text: "J'accepte la charte.",
					Recipients: []string{"codev@codev.test"}, InReplyTo: []string{g.welcome(alice).MessageID}}
			},
			status: workflow.InboundProcessed, reason: string(workflow.ReasonAnswersRecorded),
			check: func(t *testing.T, g *group, in *workflow.Inbound) {
				st := g.harness.state(g.id)
				require.Len(t, st.Answers, 1)
				a := st.Answers[0]
				require.Equal(t, g.welcome(alice).ID, a.RequestID)
				require.Equal(t, 0, a.Question, "unnumbered: one free answer")
				require.Equal(t, "J'accepte la charte.", a.Text)
				require.Equal(t, in.ID, a.InboundID)
				require.False(t, a.Shared)
				require.False(t, g.welcome(alice).AnsweredAt.IsZero())
			},
		},
		{
			name: "ConsentToShare",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: "Oui. Ceci peut être partagé avec le groupe.",
					Recipients: []string{g.replyTo(g.welcome(alice))}}
			},
			status: workflow.InboundProcessed, reason: string(workflow.ReasonAnswersRecorded),
			check: func(t *testing.T, g *group, _ *workflow.Inbound) {
				// Consent is an explicit yes to the yes/no question of a
				// request that asks one (call for topics, preparation), read
				// from that answer only: the welcome asks none.
				require.False(t, g.harness.state(g.id).Answers[0].Shared)
			},
		},
		{
			name: "ForgedSender",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: "mallory@example.net", Text: "Je ne viendrai plus",
					Recipients: []string{g.replyTo(g.welcome(alice))}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonSenderNotMember),
			notice: workflow.KindNoticeHeld,
			check: func(t *testing.T, g *group, in *workflow.Inbound) {
				require.Equal(t, g.m(alice).ID, in.MemberID, "matched for the animator, not applied")
				require.Equal(t, g.welcome(alice).ID, in.RequestID)
				require.Empty(t, g.harness.state(g.id).Answers)
				require.True(t, g.welcome(alice).AnsweredAt.IsZero())
			},
		},
		{
			name: "EmptyReply",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: " \n", Recipients: []string{g.replyTo(g.welcome(alice))}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonEmptyReply),
			notice: workflow.KindNoticeHeld,
		},
		{
			name: "TransientBounce",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailBounce}
			},
			status: workflow.InboundProcessed, reason: string(workflow.ReasonBounceTransient),
		},
		{
			name: "ForgedBounce",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailBounce, Permanent: true, Recipients: []string{"codev@codev.test"}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonBounceNoToken),
			check: func(t *testing.T, g *group, _ *workflow.Inbound) {
				require.False(t, g.m(alice).Bounced, "a forged bounce must not silence a member")
			},
		},
		{
			name: "PermanentBounce",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailBounce, Permanent: true,
					Recipients: []string{g.replyTo(g.welcome(alice))}}
			},
			status: workflow.InboundProcessed, reason: string(workflow.ReasonBounceRecorded),
			notice: workflow.KindNoticeBounce,
			check: func(t *testing.T, g *group, in *workflow.Inbound) {
				require.True(t, g.m(alice).Bounced)
				require.Equal(t, g.m(alice).ID, in.MemberID)
				// What falls due for her later is recorded as skipped.
				g.walk(day(s1, -21))
				prep := g.message(g.id, workflow.KindPrepare, g.m(alice).ID, g.state.SessionNumber(1).ID)
				require.Equal(t, workflow.MessageSkipped, prep.Status)
				require.Equal(t, "the member's address bounced", prep.Reason)
				require.Empty(t, g.mail.to(alice, workflow.KindPrepare))
			},
		},
		{
			name: "CalendarReplyWithoutEvent",
			mail: func(*group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailCalendarReply, From: bob}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonRSVPIncomplete),
		},
		{
			name: "CalendarReplyUnknownEvent",
			mail: func(g *group) workflow.ParsedMail {
				p := rsvp(g, "ACCEPTED", 0)
				p.RSVP.UID = "someone-else@example.org"
				return p
			},
			status: workflow.InboundIgnored, reason: string(workflow.ReasonRSVPUnknownEvent),
		},
		{
			name: "CalendarReplyFromAStranger",
			mail: func(g *group) workflow.ParsedMail {
				p := rsvp(g, "ACCEPTED", 0)
				p.RSVP.Attendee = "mallory@example.net"
				return p
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonRSVPNotMember),
			notice: workflow.KindNoticeHeld,
		},
		{
			name:   "CalendarReplyDelegated",
			mail:   func(g *group) workflow.ParsedMail { return rsvp(g, "delegated", 0) },
			status: workflow.InboundHeld, reason: string(workflow.ReasonRSVPBadStatus),
			notice: workflow.KindNoticeHeld, // held messages of a group are told to its animator
		},
		{
			name:   "CalendarReplyAccepted",
			mail:   func(g *group) workflow.ParsedMail { return rsvp(g, "Accepted", 0) },
			status: workflow.InboundProcessed, reason: string(workflow.ReasonRSVPAccepted),
			check: func(t *testing.T, g *group, _ *workflow.Inbound) {
				st := g.harness.state(g.id)
				r := st.RSVP(st.SessionNumber(1).ID, g.m(bob).ID)
				require.NotNil(t, r)
				require.Equal(t, workflow.RSVPAccepted, r.PartStat)
				// An older answer (by DTSTAMP) does not replace it.
				p := rsvp(g, "DECLINED", 0)
				p.RSVP.Stamp = start.Add(-time.Hour)
				in := g.deliver(p)
				require.Equal(t, workflow.InboundIgnored, in.Status)
				require.Equal(t, string(workflow.ReasonRSVPSuperseded), in.Reason)
				st = g.harness.state(g.id)
				require.Equal(t, workflow.RSVPAccepted, st.RSVP(st.SessionNumber(1).ID, g.m(bob).ID).PartStat)
				require.Empty(t, g.notices(workflow.KindNoticeDecline))
			},
		},
		{
			name:   "CalendarReplyDeclined",
			mail:   func(g *group) workflow.ParsedMail { return rsvp(g, "DECLINED", 0) },
			status: workflow.InboundProcessed, reason: string(workflow.ReasonRSVPDeclined),
			notice: workflow.KindNoticeDecline,
		},
		{
			name: "CalendarReplyToAnOlderTime",
			mail: func(g *group) workflow.ParsedMail {
				require.NoError(g.t, g.svc.RescheduleSession(g.ctx, g.id, 1, s1.Add(time.Hour)))
				g.run()
				g.mail.take()
				return rsvp(g, "ACCEPTED", 0)
			},
			status: workflow.InboundIgnored, reason: string(workflow.ReasonRSVPOldSequence),
		},
		{
			name: "Oversize",
			mail: func(g *group) workflow.ParsedMail {
				return workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Recipients: []string{g.replyTo(g.welcome(alice))}}
			},
			status: workflow.InboundHeld, reason: string(workflow.ReasonOversize),
			notice: workflow.KindNoticeHeld,
			check: func(t *testing.T, g *group, in *workflow.Inbound) {
				require.Equal(t, workflow.MailOversize, in.Kind)
				require.Equal(t, g.welcome(alice).ID, in.RequestID)
				require.Equal(t, g.id, in.GroupID)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGroup(t)
			p := tc.mail(g)
			var edit func(*workflow.Inbound)
			if tc.name == "Oversize" {
				edit = func(in *workflow.Inbound) { in.Kind, in.Size = workflow.MailOversize, 30<<20 }
			}
			in := g.store1(p, edit)
			require.NoError(t, g.svc.ProcessInbound(g.ctx, in.ID))
			in = g.inbound(in.ID)
			require.Equal(t, tc.status, in.Status, in.Reason)
			require.Contains(t, in.Reason, tc.reason)
			if tc.status == workflow.InboundHeld {
				require.NotEmpty(t, in.Raw, "a held message keeps its bytes for the animator")
			} else {
				require.Empty(t, in.Raw, "raw bytes are deleted once dealt with")
			}
			notices := map[workflow.Kind]int{}
			g.run()
			for _, e := range g.mail.take() {
				require.Equal(t, claire, e.To.Email, "only the animator is told: %s", e.Kind)
				notices[e.Kind]++
				require.NotContains(t, e.Text, "Je ne viendrai plus", "a notice never quotes a message")
			}
			if tc.notice != "" {
				require.Equal(t, map[workflow.Kind]int{tc.notice: 1}, notices)
			} else {
				require.Empty(t, notices)
			}
			// Processing again changes nothing, and tells nobody again.
			require.NoError(t, g.svc.ProcessInbound(g.ctx, in.ID))
			again := g.inbound(in.ID)
			require.Equal(t, in.Status, again.Status)
			require.Equal(t, in.Reason, again.Reason)
			g.run()
			require.Empty(t, g.mail.take())
			if tc.check != nil {
				tc.check(t, g, in)
			}
		})
	}
}

func TestProcessInboundParserFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opt    harnessOption
		reason string
	}{
		{"NoParser", withoutParser(), string(workflow.ReasonNoParser)},
		{"ParserPanics", withParser(func([]byte) *workflow.ParsedMail { panic("boom") }), string(workflow.ReasonParserFailed)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGroup(t, tc.opt)
			in := g.deliver(workflow.ParsedMail{})
			require.Equal(t, workflow.InboundHeld, in.Status)
			require.Equal(t, tc.reason, in.Reason)
		})
	}
}

func TestDeliverStoresOnceAndMovesTheCursor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, start)
	cursor := func() (uint32, uint32) {
		var vv, uid uint32
		h.tx(func(tx workflow.Tx) error {
			var err error
			vv, uid, err = tx.Cursor(h.ctx, "INBOX")
			return err
		})
		return vv, uid
	}
	in := h.store1(workflow.ParsedMail{Kind: workflow.MailAutoReply}, func(in *workflow.Inbound) { in.UID = 10 })
	require.Equal(t, workflow.InboundPending, in.Status)
	require.False(t, in.ReceivedAt.IsZero(), "the service's clock dates it")
	vv, uid := cursor()
	require.Equal(t, [2]uint32{7, 10}, [2]uint32{vv, uid})

	again := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: 10, MessageID: in.MessageID, Raw: []byte("x")}
	added, err := h.svc.Deliver(h.ctx, again)
	require.NoError(t, err)
	require.False(t, added, "the same message is stored once")

	// An older UID leaves the cursor; a new UIDVALIDITY resets it.
	older := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: 3, Raw: []byte("y")}
	added, err = h.svc.Deliver(h.ctx, older)
	require.NoError(t, err)
	require.True(t, added)
	vv, uid = cursor()
	require.Equal(t, [2]uint32{7, 10}, [2]uint32{vv, uid})
	renumbered := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 8, UID: 1, Raw: []byte("z")}
	_, err = h.svc.Deliver(h.ctx, renumbered)
	require.NoError(t, err)
	vv, uid = cursor()
	require.Equal(t, [2]uint32{8, 1}, [2]uint32{vv, uid})

	require.NoError(t, h.svc.ProcessInbound(h.ctx, in.ID))
	require.Equal(t, workflow.InboundIgnored, h.inbound(in.ID).Status)
	require.ErrorIs(t, h.svc.ProcessInbound(h.ctx, 999), workflow.ErrNotFound)
}

// TestReplyToAReminder checks that an answer to a reminder is filed under
// the ask it reminds, once.
func TestReplyToAReminder(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	g.walk(day(s1, -30))
	rem := g.message(g.id, workflow.KindCharterReminder, g.m(bob).ID, 0)
	require.Equal(t, workflow.MessageSent, rem.Status)
	in := g.reply(rem, bob, workflow.ParsedMail{Text: "J'accepte la charte."})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	welcome := g.welcome(bob)
	require.Equal(t, welcome.ID, in.RequestID)
	require.False(t, welcome.AnsweredAt.IsZero())
	st := g.harness.state(g.id)
	require.Len(t, st.Answers, 1)
	require.Equal(t, workflow.KindWelcome, st.Answers[0].Kind)
}
