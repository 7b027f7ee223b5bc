package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// testWake checks the reconciler's schedule: GroupsToReconcile returns the
// groups whose wake time has come, and those changed since it was set, by
// any write to their state.
func testWake(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("DueAndChanged", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			a := createWorld(t, ctx, tx, "alpha")
			b := createWorld(t, ctx, tx, "beta")
			c := createWorld(t, ctx, tx, "gamma")
			due := func(n int) []int64 {
				t.Helper()
				ids, err := tx.GroupsToReconcile(ctx, day(n))
				require.NoError(t, err)
				return ids
			}
			require.Equal(t, []int64{a.group.ID, b.group.ID, c.group.ID}, due(1), "a new group is to be reconciled")

			require.NoError(t, tx.SetGroupWake(ctx, a.group.ID, inCET(day(10))))
			require.NoError(t, tx.SetGroupWake(ctx, b.group.ID, day(20)))
			require.NoError(t, tx.SetGroupWake(ctx, c.group.ID, time.Time{}))
			require.Empty(t, due(9))
			require.Equal(t, []int64{a.group.ID}, due(10), "due at its wake time")
			require.Equal(t, []int64{a.group.ID, b.group.ID}, due(28), "zero is never")
			require.NoError(t, tx.SetGroupWake(ctx, a.group.ID, day(10)), "setting the same time again")
			require.Equal(t, []int64{a.group.ID}, due(10), "setting the same time again leaves it set")
		})
	})

	t.Run("EveryChangeClearsIt", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			in := newInbound(1, "a@example.org")
			addInbound(t, ctx, tx, in)
			changes := []struct {
				name   string
				change func()
			}{
				{"group", func() { w.group.Visio += "/new"; require.NoError(t, tx.UpdateGroup(ctx, w.group)) }},
				{"new member", func() { createMember(t, ctx, tx, w.group.ID, workflow.RoleMember, "c@alpha.test", 3) }},
				{"member", func() { w.members[0].Paused = true; require.NoError(t, tx.UpdateMember(ctx, w.members[0])) }},
				{"new session", func() { createSession(t, ctx, tx, w.group.ID, w.members[0].ID, 3) }},
				{"session", func() { w.sessions[0].Sequence++; require.NoError(t, tx.UpdateSession(ctx, w.sessions[0])) }},
				{"new message", func() { addMessage(t, ctx, tx, w.group.ID, w.sessions[1].ID, w.members[1].ID, workflow.KindPrepare) }},
				{"message", func() {
					w.message.Status = workflow.MessageSent
					require.NoError(t, tx.UpdateMessage(ctx, w.message))
				}},
				{"answer", func() {
					require.NoError(t, tx.SaveAnswer(ctx, &workflow.Answer{GroupID: w.group.ID, SessionID: w.sessions[0].ID,
						MemberID: w.members[0].ID, RequestID: w.message.ID, Kind: w.message.Kind, Question: 1, Text: "x",
						InboundID: in.ID, CreatedAt: day(9)}))
				}},
				{"erased answers", func() {
					n, err := tx.DeleteAnswers(ctx, w.group.ID, 0)
					require.NoError(t, err)
					require.EqualValues(t, 1, n)
				}},
				{"RSVP", func() {
					require.NoError(t, tx.SaveRSVP(ctx, &workflow.RSVP{SessionID: w.sessions[0].ID, MemberID: w.members[0].ID,
						PartStat: workflow.RSVPAccepted}))
				}},
			}
			for _, c := range changes {
				require.NoError(t, tx.SetGroupWake(ctx, w.group.ID, day(20)))
				ids, err := tx.GroupsToReconcile(ctx, day(1))
				require.NoError(t, err)
				require.Empty(t, ids, "before: %s", c.name)
				c.change()
				ids, err = tx.GroupsToReconcile(ctx, day(1))
				require.NoError(t, err)
				require.Equal(t, []int64{w.group.ID}, ids, "a change of %s clears the wake time", c.name)
			}
		})
	})

	t.Run("LockMakesChangesWait", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)
		ctx := t.Context()
		var w *world
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) { w = createWorld(t, ctx, tx, "alpha") })

		// The reconciler locks the group, reads it, and sets its wake time;
		// a change made meanwhile must leave the group to be reconciled.
		locked, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 2)
		go func() {
			done <- bundle.store.InTx(ctx, func(tx workflow.Tx) error {
				if err := tx.LockGroup(ctx, w.group.ID); err != nil {
					return err
				}
				close(locked)
				<-release
				return tx.SetGroupWake(ctx, w.group.ID, day(20))
			})
		}()
		<-locked
		go func() {
			done <- bundle.store.InTx(ctx, func(tx workflow.Tx) error {
				w.members[0].Paused = true
				return tx.UpdateMember(ctx, w.members[0])
			})
		}()
		time.Sleep(100 * time.Millisecond) // the change is waiting, or about to
		close(release)
		require.NoError(t, <-done)
		require.NoError(t, <-done)
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			ids, err := tx.GroupsToReconcile(ctx, day(1))
			require.NoError(t, err)
			require.Equal(t, []int64{w.group.ID}, ids, "the change made while the group was locked is not lost")
		})
	})
}
