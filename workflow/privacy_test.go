package workflow_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func TestEraseMember(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	a := g.m(alice)
	oldToken := a.FeedToken
	g.reply(g.welcome(alice), alice, workflow.ParsedMail{Text: "J'accepte la charte."})
	held := heldFromPersonalAddress(t, g)
	g.reply(g.welcome(bob), bob, workflow.ParsedMail{Text: "J'accepte aussi."})
	g.run()
	g.mail.take() // the animator's notice of the held message
	prefs := g.signer.Sign(workflow.TokenPreferences, a.ID)
	_, err := g.svc.PreferencesByToken(g.ctx, prefs)
	require.NoError(t, err)

	_, err = g.svc.EraseMember(g.ctx, "nobody@example.org")
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))
	n, err := g.svc.EraseMember(g.ctx, " Alice@Example.org ")
	require.NoError(t, err)
	require.Equal(t, 1, n)

	st := g.harness.state(g.id)
	erased := st.Member(a.ID)
	require.True(t, erased.Erased())
	require.Equal(t, "—", erased.Name)
	require.Equal(t, "erased-"+itoa(a.ID)+"@invalid", erased.Email)
	require.False(t, erased.Active)
	require.True(t, erased.Bounced, "nothing is ever written to the .invalid address")
	require.NotEqual(t, oldToken, erased.FeedToken)
	require.Len(t, st.Answers, 1, "Bob's answer stays")
	require.Equal(t, g.m(bob).ID, st.Answers[0].MemberID)
	var gone error
	g.tx(func(tx workflow.Tx) error { _, gone = tx.Inbound(g.ctx, held.ID); return nil })
	require.ErrorIs(t, gone, workflow.ErrNotFound, "her inbound mail is deleted")

	_, err = g.svc.PreferencesByToken(g.ctx, prefs)
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err), "her links stop working")
	_, err = g.svc.ExportMemberByID(g.ctx, a.ID)
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(g.svc.SetPaused(g.ctx, a.ID, false)))

	// Removed from the sessions she was invited to, she is sent nothing:
	// her CANCELs are recorded as skipped.
	g.run()
	require.Empty(t, g.mail.take())
	require.Equal(t, 3, count(g.harness.state(g.id), workflow.KindCancellation, workflow.MessageSkipped))
}

func TestPreferencesByToken(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	b := g.m(bob)
	p, err := g.svc.PreferencesByToken(g.ctx, g.signer.Sign(workflow.TokenPreferences, b.ID))
	require.NoError(t, err)
	require.Equal(t, b.ID, p.Member.ID)
	require.Equal(t, g.id, p.Group.ID)
	require.Equal(t, claire, p.Animator.Email)
	for _, token := range []string{"garbage", g.signer.Sign(workflow.TokenReply, b.ID), g.signer.Sign(workflow.TokenPreferences, 999)} {
		_, err := g.svc.PreferencesByToken(g.ctx, token)
		require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err), "%q", token)
	}
}

func TestExports(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	g.reply(g.welcome(alice), alice, workflow.ParsedMail{Text: "J'accepte la charte."})
	g.reply(g.welcome(bob), bob, workflow.ParsedMail{Text: "Bob accepte aussi."})
	g.deliver(workflow.ParsedMail{Kind: workflow.MailCalendarReply, From: alice, RSVP: &workflow.ParsedRSVP{
		UID: g.state.SessionNumber(2).UID, Attendee: alice, PartStat: "ACCEPTED", Stamp: start}})

	x, err := g.svc.ExportGroup(g.ctx, "Managers Lyon")
	require.NoError(t, err)
	require.Equal(t, workflow.ExportedGroup{Name: "Managers Lyon", Language: "fr", Timezone: "Europe/Paris"}, x.Group)
	require.Len(t, x.Members, 4)
	require.Len(t, x.Sessions, 3)
	require.Equal(t, "2027-01-12T18:00:00+01:00", x.Sessions[0].Start, "times in the group's zone")
	require.Equal(t, alice, x.Sessions[0].ClientEmail)
	require.Equal(t, map[string]string{alice: "ACCEPTED"}, x.Sessions[1].RSVPs)
	require.Len(t, x.Answers, 2)
	require.NotEmpty(t, x.Requests)
	_, err = g.svc.ExportGroup(g.ctx, "Nobody")
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))

	mine, err := g.svc.ExportMember(g.ctx, "ALICE@example.org")
	require.NoError(t, err)
	require.Equal(t, alice, mine.Email)
	require.Len(t, mine.Groups, 1)
	mg := mine.Groups[0]
	require.Equal(t, alice, mg.Member.Email)
	require.Len(t, mg.Sessions, 1, "the sessions she is client of")
	require.Equal(t, []workflow.ExportedRSVP{{SessionNumber: 2, PartStat: "ACCEPTED"}}, mg.RSVPs)
	require.Len(t, mg.Answers, 1)
	require.Equal(t, "J'accepte la charte.", mg.Answers[0].Text)
	for _, r := range mg.Requests {
		require.Equal(t, alice, r.MemberEmail)
	}
	raw, err := json.Marshal(mine)
	require.NoError(t, err)
	for _, other := range []string{bob, chloe, "Bob accepte"} {
		require.False(t, strings.Contains(string(raw), other), "a member's export names nobody else: found %s", other)
	}
	byID, err := g.svc.ExportMemberByID(g.ctx, g.m(alice).ID)
	require.NoError(t, err)
	require.Equal(t, mine, byID)
	_, err = g.svc.ExportMember(g.ctx, "nobody@example.org")
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))
}
