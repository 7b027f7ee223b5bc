package workflow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func TestRescheduleSession(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	later := s2.Add(2 * time.Hour)
	require.NoError(t, g.svc.RescheduleSession(g.ctx, g.id, 2, later))
	s := g.harness.state(g.id).SessionNumber(2)
	require.True(t, s.Start.Equal(later))
	require.Equal(t, 1, s.Sequence)
	g.run()
	sent := g.mail.take()
	require.Len(t, sent, 4, "an updated invitation to each participant")
	for _, e := range sent {
		require.Equal(t, workflow.KindInvitation, e.Kind)
		require.Equal(t, 1, e.Invite.Sequence)
		require.Contains(t, e.Text, "Séance 2 sur 3 déplacée", "the rescheduled variant")
		require.Contains(t, e.Text, "Elle était prévue le mardi 9 février 2027 à 18\u00a0h\u00a000", "it says the old date")
	}

	require.NoError(t, g.svc.RescheduleSession(g.ctx, g.id, 2, later), "moving a session to its time is no change")
	require.Equal(t, 1, g.harness.state(g.id).SessionNumber(2).Sequence)

	for _, tc := range []struct {
		name   string
		number int
		start  time.Time
		code   string
		msg    string
	}{
		{"Unknown", 9, later, workflow.ENOTFOUND, "has no session 9"},
		{"Past", 2, start.Add(-time.Hour), workflow.EINVALID, "that is in the past"},
		{"TooCloseToThePrevious", 2, s1.Add(3 * 24 * time.Hour), workflow.EINVALID, "less than a week after session 1"},
		{"TooCloseToTheNext", 2, s3.Add(-3 * 24 * time.Hour), workflow.EINVALID, "less than a week before session 3"},
	} {
		err := g.svc.RescheduleSession(g.ctx, g.id, tc.number, tc.start)
		require.Equal(t, tc.code, workflow.ErrorCode(err), "%s: %v", tc.name, err)
		require.ErrorContains(t, err, tc.msg, tc.name)
	}
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(g.svc.RescheduleSession(g.ctx, 999, 1, later)))
}

func TestCancelSession(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	require.NoError(t, g.svc.CancelSession(g.ctx, g.id, 3))
	s := g.harness.state(g.id).SessionNumber(3)
	require.True(t, s.Cancelled())
	require.Equal(t, 1, s.Sequence)
	g.run()
	sent := g.mail.take()
	require.Len(t, sent, 4)
	for _, e := range sent {
		require.Equal(t, workflow.KindCancellation, e.Kind)
		require.Equal(t, workflow.MethodCancel, e.Invite.Method)
		require.Equal(t, 1, e.Invite.Sequence)
	}
	err := g.svc.CancelSession(g.ctx, g.id, 3)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "is cancelled")

	g.clock.Set(s1.Add(time.Hour))
	err = g.svc.CancelSession(g.ctx, g.id, 1)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "only future sessions can be changed")
}

func TestSwapClients(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	require.NoError(t, g.svc.SwapClients(g.ctx, g.id, 1, 3))
	st := g.harness.state(g.id)
	require.Equal(t, g.m(chloe).ID, st.SessionNumber(1).ClientID)
	require.Equal(t, g.m(alice).ID, st.SessionNumber(3).ClientID)
	require.True(t, st.SessionNumber(1).Pinned && st.SessionNumber(3).Pinned)
	g.run()
	require.Empty(t, g.mail.take(), "calendar events carry no client: no invitation changes")

	err := g.svc.SwapClients(g.ctx, g.id, 2, 2)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))

	spec := newSpec()
	spec.Members[1].Unavailable = []int{3}
	_, err = g.svc.ApplyGroup(g.ctx, spec)
	require.NoError(t, err)
	err = g.svc.SwapClients(g.ctx, g.id, 2, 3)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "Bob Martin (bob@example.org) cannot attend session 3")
}

func TestSwapClientsWithoutClients(t *testing.T) {
	t.Parallel()
	h := newHarness(t, start)
	spec := newSpec()
	spec.Mode = workflow.ModeOpen
	id := h.apply(spec)
	err := h.svc.SwapClients(h.ctx, id, 1, 2)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "there is nothing to swap")
}

func TestSetPaused(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	b := g.m(bob)
	require.NoError(t, g.svc.SetPaused(g.ctx, b.ID, true))
	require.True(t, g.m(bob).Paused)
	require.NoError(t, g.svc.SetPaused(g.ctx, b.ID, true), "setting the current value changes nothing")

	// Paused, Bob gets invitations and cancellations only.
	g.walk(day(s2, -21))
	g.run()
	require.Empty(t, g.mail.to(bob, workflow.KindPrepare))
	require.Empty(t, g.mail.to(bob, workflow.KindCharterReminder))
	require.NotEmpty(t, g.mail.to(alice, workflow.KindSessionReminder))
	require.Empty(t, g.mail.to(bob, workflow.KindSessionReminder))
	g.mail.take()
	require.NoError(t, g.svc.CancelSession(g.ctx, g.id, 3))
	g.run()
	require.Len(t, g.mail.to(bob, workflow.KindCancellation), 1)

	require.NoError(t, g.svc.SetPaused(g.ctx, b.ID, false))
	require.False(t, g.m(bob).Paused)
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(g.svc.SetPaused(g.ctx, 999, true)))
}

func TestResendInvitation(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	c := g.m(chloe)
	for n := 1; n <= 2; n++ {
		require.NoError(t, g.svc.ResendInvitation(g.ctx, g.id, 2, c.ID))
		g.run()
		sent := g.mail.take()
		require.Len(t, sent, 1)
		require.Equal(t, workflow.KindInvitation, sent[0].Kind)
		require.Equal(t, chloe, sent[0].To.Email)
		require.Equal(t, 0, sent[0].Invite.Sequence, "the same event for calendars")
	}
	st := g.harness.state(g.id)
	key := workflow.MessageKey(workflow.KindInvitation, st.SessionNumber(2).ID, c.ID, 0)
	require.NotNil(t, st.Message(key+":resend:1"))
	require.NotNil(t, st.Message(key+":resend:2"))

	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(g.svc.ResendInvitation(g.ctx, g.id, 2, 999)))
	spec := newSpec()
	spec.Members = spec.Members[:2]
	_, err := g.svc.ApplyGroup(g.ctx, spec)
	require.NoError(t, err)
	err = g.svc.ResendInvitation(g.ctx, g.id, 2, c.ID)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.ErrorContains(t, err, "is no longer in group")
}

func TestRemovedMemberGetsCancellations(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	spec := newSpec()
	spec.Members = spec.Members[:2]
	_, err := g.svc.ApplyGroup(g.ctx, spec)
	require.NoError(t, err)
	g.run()
	sent := g.mail.to(chloe, workflow.KindCancellation)
	require.Len(t, sent, 3, "one CANCEL per session she was invited to")
	for _, e := range sent {
		require.Equal(t, workflow.MethodCancel, e.Invite.Method)
		require.Equal(t, 1, e.Invite.Sequence, "one above the REQUEST she holds")
		require.Equal(t, []workflow.Person{{Name: "Chloé Bernard", Email: chloe}}, e.Invite.Attendees)
	}
	n, err := g.svc.Reconcile(g.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a CANCEL goes out once")
}

func TestGroupByName(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	st, err := g.svc.GroupByName(g.ctx, "Managers Lyon")
	require.NoError(t, err)
	require.Equal(t, g.id, st.Group.ID)
	_, err = g.svc.GroupByName(g.ctx, "Nobody")
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))
	require.ErrorContains(t, err, `there is no group named "Nobody"`)
	states, err := g.svc.Groups(g.ctx)
	require.NoError(t, err)
	require.Len(t, states, 1)
	require.Len(t, states[0].Members, 4)
}
