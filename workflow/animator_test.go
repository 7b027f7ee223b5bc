package workflow_test

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// signInLink finds the token of the sign-in link in an email.
var signInLink = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/login/([a-z2-7]+)`)

func signInToken(t *testing.T, e *workflow.Email) string {
	t.Helper()
	m := signInLink.FindStringSubmatch(e.Text)
	require.NotNil(t, m, "no sign-in link in %q", e.Text)
	return m[1]
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	g := newGroup(t, withAdmins("root@example.org"))

	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(g.svc.RequestSignIn(g.ctx, "not an address", baseURL, "fr")))
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(g.svc.RequestSignIn(g.ctx, "@example.org", baseURL, "fr")))
	require.NoError(t, g.svc.RequestSignIn(g.ctx, "stranger@example.org", baseURL, "fr"))
	require.NoError(t, g.svc.RequestSignIn(g.ctx, alice, baseURL, "fr"), "a member who animates nothing")
	require.Empty(t, g.mail.take(), "unknown addresses get nothing, and the caller cannot tell")

	require.NoError(t, g.svc.RequestSignIn(g.ctx, " Claire@Example.org ", baseURL, "en"))
	sent := g.mail.take()
	require.Len(t, sent, 1)
	e := sent[0]
	require.Equal(t, workflow.KindSignIn, e.Kind)
	require.Equal(t, claire, e.To.Email)
	require.Equal(t, workflow.LangFR, e.Lang, "the group's language wins")
	require.Equal(t, mailbox.String(), e.ReplyTo, "no reply token: nothing to answer")
	token := signInToken(t, e)
	require.Zero(t, count(g.harness.state(g.id), workflow.KindSignIn, ""), "the link is never recorded in the outbox")

	email, err := g.svc.ConsumeSignIn(g.ctx, strings.ToUpper(token))
	require.NoError(t, err)
	require.Equal(t, claire, email)
	_, err = g.svc.ConsumeSignIn(g.ctx, token)
	require.ErrorIs(t, err, workflow.ErrNotFound, "a link works once")
	_, err = g.svc.ConsumeSignIn(g.ctx, "short")
	require.ErrorIs(t, err, workflow.ErrNotFound)

	// An admin who animates no group gets the link in the language asked.
	require.NoError(t, g.svc.RequestSignIn(g.ctx, "root@example.org", baseURL, "en"))
	sent = g.mail.take()
	require.Len(t, sent, 1)
	require.Equal(t, workflow.LangEN, sent[0].Lang)
	token = signInToken(t, sent[0])
	g.clock.Advance(workflow.SignInValidity + time.Second)
	_, err = g.svc.ConsumeSignIn(g.ctx, token)
	require.ErrorIs(t, err, workflow.ErrNotFound, "an expired link")

	g.mail.failWith(errors.New("connection refused"))
	err = g.svc.RequestSignIn(g.ctx, claire, baseURL, "fr")
	require.ErrorContains(t, err, "error sending a sign-in link: connection refused")
}

func TestManagedGroups(t *testing.T) {
	t.Parallel()
	g := newGroup(t, withAdmins("root@example.org"))
	other := newSpec()
	other.Name, other.Animator = "Atelier Nantes", workflow.Person{Name: "Denis Roy", Email: "denis@example.org"}
	otherID := g.apply(other)

	names := func(email string) []string {
		groups, err := g.svc.ManagedGroups(g.ctx, email)
		require.NoError(t, err)
		out := []string{}
		for _, gr := range groups {
			out = append(out, gr.Name)
		}
		return out
	}
	require.Equal(t, []string{"Managers Lyon"}, names("CLAIRE@example.org"))
	require.Equal(t, []string{"Atelier Nantes"}, names("denis@example.org"))
	require.Equal(t, []string{"Atelier Nantes", "Managers Lyon"}, names("root@example.org"), "admins see every group, by name")
	require.Empty(t, names(alice))

	st := g.harness.state(g.id)
	require.True(t, g.svc.Manages(st, claire))
	require.True(t, g.svc.Manages(st, "Root@Example.org"))
	require.False(t, g.svc.Manages(st, "denis@example.org"))
	require.False(t, g.svc.Manages(st, alice))
	require.False(t, g.svc.Manages(st, ""))
	require.True(t, g.svc.IsAdmin("root@example.org"))
	require.False(t, g.svc.IsAdmin(""))

	_, err := g.svc.GroupState(g.ctx, 999)
	require.ErrorIs(t, err, workflow.ErrNotFound)

	// A member's feed token cannot be rotated through another group.
	_, err = g.svc.RotateFeedToken(g.ctx, otherID, g.m(alice).ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
}

// heldFromPersonalAddress holds Alice's answer to her welcome, sent from
// another address of hers.
func heldFromPersonalAddress(t *testing.T, g *group) *workflow.Inbound {
	t.Helper()
	in := g.reply(g.welcome(alice), "alice.dupont@perso.example", workflow.ParsedMail{Text: "J'accepte la charte."})
	require.Equal(t, workflow.InboundHeld, in.Status)
	return in
}

func TestHeldMessages(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	in := heldFromPersonalAddress(t, g)
	stray := g.deliver(workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "no text"})

	held, err := g.svc.Held(g.ctx, g.id)
	require.NoError(t, err)
	require.Len(t, held, 1)
	require.Equal(t, in.ID, held[0].ID)
	require.Empty(t, held[0].Raw, "listed without raw bytes")
	unmatched, err := g.svc.Held(g.ctx, 0)
	require.NoError(t, err)
	require.Len(t, unmatched, 1, "group 0 lists what no group claims, for admins")
	require.Equal(t, stray.ID, unmatched[0].ID)
	n, err := g.svc.HeldCount(g.ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	// Claire has been asked nothing; Denis is in no group of the message.
	err = g.svc.ApplyHeld(g.ctx, in.ID, g.m(claire).ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "nothing has been asked of member")
	require.ErrorIs(t, g.svc.ApplyHeld(g.ctx, in.ID, 999), workflow.ErrNotFound)

	require.NoError(t, g.svc.ApplyHeld(g.ctx, in.ID, g.m(alice).ID))
	applied := g.inbound(in.ID)
	require.Equal(t, workflow.InboundProcessed, applied.Status)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonAppliedByAnimator, Args: []int64{g.m(alice).ID}}.String(), applied.Reason)
	require.Empty(t, applied.Raw)
	st := g.harness.state(g.id)
	require.Len(t, st.Answers, 1)
	require.Equal(t, g.welcome(alice).ID, st.Answers[0].RequestID)
	require.False(t, g.welcome(alice).AnsweredAt.IsZero())

	require.Equal(t, workflow.ECONFLICT, workflow.ErrorCode(g.svc.ApplyHeld(g.ctx, in.ID, g.m(alice).ID)))
	require.Equal(t, workflow.ECONFLICT, workflow.ErrorCode(g.svc.IgnoreHeld(g.ctx, in.ID)))

	require.NoError(t, g.svc.IgnoreHeld(g.ctx, stray.ID))
	ignored := g.inbound(stray.ID)
	require.Equal(t, workflow.InboundIgnored, ignored.Status)
	require.Equal(t, string(workflow.ReasonIgnoredByAnimator), ignored.Reason)
	require.Empty(t, ignored.Raw)
	n, err = g.svc.HeldCount(g.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestApplyHeldRefusals(t *testing.T) {
	t.Parallel()
	g := newGroup(t)

	// An answer to the reminder, held: applied, it is filed under the ask.
	g.walk(day(s1, -30))
	rem := g.message(g.id, workflow.KindCharterReminder, g.m(bob).ID, 0)
	in := g.reply(rem, "bob@perso.example", workflow.ParsedMail{Text: "OK pour la charte"})
	require.NoError(t, g.svc.ApplyHeld(g.ctx, in.ID, g.m(bob).ID))
	require.Equal(t, g.welcome(bob).ID, g.inbound(in.ID).RequestID)

	// Without a token, the member's latest ask is answered.
	in = g.deliver(workflow.ParsedMail{Kind: workflow.MailReply, From: "chloe@perso.example", Text: "J'accepte"})
	require.Equal(t, workflow.InboundHeld, in.Status)
	require.NoError(t, g.svc.ApplyHeld(g.ctx, in.ID, g.m(chloe).ID))
	require.Equal(t, g.welcome(chloe).ID, g.inbound(in.ID).RequestID)

	empty := g.deliver(workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Text: " ", Recipients: []string{g.replyTo(g.welcome(alice))}})
	err := g.svc.ApplyHeld(g.ctx, empty.ID, g.m(alice).ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "has no text to apply")

	big := g.store1(workflow.ParsedMail{Kind: workflow.MailReply, From: alice, Recipients: []string{g.replyTo(g.welcome(alice))}},
		func(in *workflow.Inbound) { in.Kind, in.Size = workflow.MailOversize, 30<<20 })
	require.NoError(t, g.svc.ProcessInbound(g.ctx, big.ID))
	err = g.svc.ApplyHeld(g.ctx, big.ID, g.m(alice).ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "was not kept (too large)")

	spec := newSpec()
	spec.Members = spec.Members[1:]
	_, err = g.svc.ApplyGroup(g.ctx, spec)
	require.NoError(t, err)
	err = g.svc.ApplyHeld(g.ctx, empty.ID, g.m(alice).ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "is not an active member of the message's group")
}

func TestFeed(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	require.NoError(t, g.svc.CancelSession(g.ctx, g.id, 3))
	st := g.harness.state(g.id)

	f, err := g.svc.Feed(g.ctx, st.Group.FeedToken)
	require.NoError(t, err)
	require.Equal(t, "Codev Managers Lyon", f.Name)
	require.Len(t, f.Events, 3)
	for i, ev := range f.Events {
		s := st.Sessions[i]
		want := workflow.SessionEvent(st.Group, s)
		want.Cancelled = s.Cancelled()
		if s.Cancelled() {
			want.Summary = "Annulé : " + want.Summary
		}
		require.Equal(t, want, ev, "the invitations' UID and SEQUENCE, no attendee")
	}
	require.True(t, f.Events[2].Cancelled)
	require.Equal(t, "Annulé : Codev Managers Lyon – séance 3", f.Events[2].Summary)

	mine, err := g.svc.Feed(g.ctx, g.m(alice).FeedToken)
	require.NoError(t, err)
	require.Equal(t, f, mine, "a member's feed is the group's calendar")

	_, err = g.svc.Feed(g.ctx, "no-such-token-at-all")
	require.ErrorIs(t, err, workflow.ErrNotFound)

	// Rotating a token stops the old URL at once.
	url, err := g.svc.RotateFeedToken(g.ctx, g.id, 0)
	require.NoError(t, err)
	newToken := strings.TrimSuffix(strings.TrimPrefix(url, baseURL+"/cal/"), ".ics")
	require.NotEqual(t, st.Group.FeedToken, newToken)
	_, err = g.svc.Feed(g.ctx, st.Group.FeedToken)
	require.ErrorIs(t, err, workflow.ErrNotFound)
	_, err = g.svc.Feed(g.ctx, newToken)
	require.NoError(t, err)
	url, err = g.svc.RotateFeedToken(g.ctx, g.id, g.m(alice).ID)
	require.NoError(t, err)
	require.Equal(t, g.svc.FeedURL(g.m(alice).FeedToken), url)

	// A removed member's feed stops working.
	spec := newSpec()
	spec.Members = spec.Members[:2]
	_, err = g.svc.ApplyGroup(g.ctx, spec)
	require.NoError(t, err)
	_, err = g.svc.Feed(g.ctx, g.m(chloe).FeedToken)
	require.ErrorIs(t, err, workflow.ErrNotFound)
}

func TestServiceBasics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, start)
	require.Equal(t, start, h.svc.Now())
	require.Same(t, h.signer, h.svc.Signer())
	require.NoError(t, h.svc.Ping(h.ctx))
	require.NoError(t, h.svc.EnqueueReconcile(h.ctx))
	next, err := h.svc.NextDue(h.ctx)
	require.NoError(t, err)
	require.True(t, next.IsZero(), "no group, nothing planned")
	id := h.apply(newSpec())
	h.run()
	next, err = h.svc.NextDue(h.ctx)
	require.NoError(t, err)
	require.Equal(t, workflow.Days(3).At(start, paris), next,
		"the charter reminder: five days after the welcome is Sunday 6 December, so the Friday before at the same time")
	require.Equal(t, "Managers Lyon", h.state(id).Group.Name)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
