package workflow_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// writeCounter is a Store that notes every write of a group file's rows
// and every reconcile enqueued, then passes them on to the real store.
type writeCounter struct {
	workflow.Store
	mu     sync.Mutex
	writes []string
}

func (s *writeCounter) InTx(ctx context.Context, fn func(tx workflow.Tx) error) error {
	return s.Store.InTx(ctx, func(tx workflow.Tx) error { return fn(&countingTx{Tx: tx, s: s}) })
}

func (s *writeCounter) note(w string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, w)
}

// take returns the writes noted since the last take.
func (s *writeCounter) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.writes
	s.writes = nil
	return out
}

type countingTx struct {
	workflow.Tx
	s *writeCounter
}

func (tx *countingTx) CreateGroup(ctx context.Context, g *workflow.Group) error {
	tx.s.note("create group")
	return tx.Tx.CreateGroup(ctx, g)
}

func (tx *countingTx) UpdateGroup(ctx context.Context, g *workflow.Group) error {
	tx.s.note("update group")
	return tx.Tx.UpdateGroup(ctx, g)
}

func (tx *countingTx) CreateMember(ctx context.Context, m *workflow.Member) error {
	tx.s.note("create member " + m.Email)
	return tx.Tx.CreateMember(ctx, m)
}

func (tx *countingTx) UpdateMember(ctx context.Context, m *workflow.Member) error {
	tx.s.note("update member " + m.Email)
	return tx.Tx.UpdateMember(ctx, m)
}

func (tx *countingTx) CreateSession(ctx context.Context, s *workflow.Session) error {
	tx.s.note("create session")
	return tx.Tx.CreateSession(ctx, s)
}

func (tx *countingTx) UpdateSession(ctx context.Context, s *workflow.Session) error {
	tx.s.note("update session")
	return tx.Tx.UpdateSession(ctx, s)
}

func (tx *countingTx) EnqueueReconcile(ctx context.Context) error {
	tx.s.note("enqueue reconcile")
	return tx.Tx.EnqueueReconcile(ctx)
}

// TestApplyGroupWritesOnlyWhatChanged proves that re-applying an unchanged
// group file writes no row and enqueues no reconcile, so the wake time the
// reconciler set stays (the store's triggers clear it on any write), and
// that a change writes only its rows.
func TestApplyGroupWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	var counter *writeCounter
	h := newHarness(t, start, withStore(func(s workflow.Store) workflow.Store {
		counter = &writeCounter{Store: s}
		return counter
	}))
	id := h.apply(newSpec())
	require.Equal(t, []string{"create group", "create member " + claire, "create member " + alice,
		"create member " + bob, "create member " + chloe, "create session", "create session", "create session",
		"enqueue reconcile"}, counter.take())
	st := h.state(id)
	for i, s := range st.Sessions {
		require.Equal(t, st.Peers()[i].ID, s.ClientID, "new members' stored IDs replace the provisional ones")
	}

	h.run()
	counter.take()
	awake := func() bool {
		var ids []int64
		h.tx(func(tx workflow.Tx) error {
			var err error
			ids, err = tx.GroupsToReconcile(h.ctx, h.clock.Now())
			return err
		})
		return slices.Contains(ids, id)
	}
	require.False(t, awake(), "reconciled: the group sleeps until its next message")

	res, err := h.svc.ApplyGroup(h.ctx, newSpec())
	require.NoError(t, err)
	require.Equal(t, id, res.GroupID)
	require.Empty(t, res.Changes)
	require.Empty(t, counter.take(), "an unchanged file writes nothing")
	require.False(t, awake(), "and leaves the wake time alone")

	// Renaming one member writes that row alone.
	spec := newSpec()
	spec.Members[1].Name = "Bob Martin-Durand"
	res, err = h.svc.ApplyGroup(h.ctx, spec)
	require.NoError(t, err)
	require.Equal(t, []string{"member " + bob + " updated"}, res.Changes)
	require.Equal(t, []string{"update member " + bob, "enqueue reconcile"}, counter.take())
	require.True(t, awake(), "a change wakes the group")
	h.run()
	counter.take()

	// Moving session 3 writes that session alone, and sends new
	// invitations at SEQUENCE 1.
	spec.Sessions[2] = s3.Add(24 * time.Hour)
	res, err = h.svc.ApplyGroup(h.ctx, spec)
	require.NoError(t, err)
	require.Equal(t, []string{"session 3 rescheduled"}, res.Changes)
	require.Equal(t, []string{"update session", "enqueue reconcile"}, counter.take())
	h.mail.take()
	h.run()
	sent := h.mail.take()
	require.Len(t, sent, 4, "one updated invitation per participant")
	for _, e := range sent {
		require.Equal(t, workflow.KindInvitation, e.Kind)
		require.Equal(t, 1, e.Invite.Sequence)
		require.True(t, e.Invite.Start.Equal(spec.Sessions[2]))
	}

	// New settings write the group row alone.
	spec.Language = workflow.LangEN
	res, err = h.svc.ApplyGroup(h.ctx, spec)
	require.NoError(t, err)
	require.Equal(t, []string{"group settings updated"}, res.Changes)
	require.Equal(t, []string{"update group", "enqueue reconcile"}, counter.take())
	require.Equal(t, workflow.LangEN, h.state(id).Group.Language)

	// A new member: one row created, and the rotation gives them no
	// session (every session has its client).
	spec.Members = append(spec.Members, workflow.MemberSpec{Name: "David Petit", Email: "david@example.org"})
	res, err = h.svc.ApplyGroup(h.ctx, spec)
	require.NoError(t, err)
	require.Equal(t, []string{"member david@example.org added"}, res.Changes)
	require.Equal(t, []string{"create member david@example.org", "enqueue reconcile"}, counter.take())
}

func TestApplyGroupRefusesAnInvalidFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t, start)
	spec := newSpec()
	spec.Timezone = "Mars/Olympus"
	_, err := h.svc.ApplyGroup(h.ctx, spec)
	require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
	require.True(t, workflow.IsInvalid(err))
	groups, err := h.svc.Groups(h.ctx)
	require.NoError(t, err)
	require.Empty(t, groups, "nothing stored")
}
