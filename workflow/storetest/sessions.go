package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testSessions(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			client := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "ada@example.org", 1)
			want := newSession(g.ID, client.ID, 1)
			want.Start = inCET(day(12))
			want.Duration = 90 * time.Minute
			want.Status = workflow.SessionCancelled
			require.NoError(t, tx.CreateSession(ctx, want))
			require.NotZero(t, want.ID)

			got, err := tx.Session(ctx, want.ID)
			require.NoError(t, err)
			require.Equal(t, time.UTC, got.Start.Location())
			want.Start = day(12)
			require.Equal(t, want, got)

			got, err = tx.SessionByUID(ctx, want.UID)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	})

	t.Run("NoClient", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			s := createSession(t, ctx, tx, g.ID, 0, 1)
			got, err := tx.Session(ctx, s.ID)
			require.NoError(t, err)
			require.Zero(t, got.ClientID)
			require.Equal(t, s, got)
		})
	})

	t.Run("OrderedByNumber", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			other := createGroup(t, ctx, tx, "beta")
			createSession(t, ctx, tx, other.ID, 0, 1)
			s3 := createSession(t, ctx, tx, g.ID, 0, 3)
			s1 := createSession(t, ctx, tx, g.ID, 0, 1)
			s2 := createSession(t, ctx, tx, g.ID, 0, 2)

			sessions, err := tx.Sessions(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Session{s1, s2, s3}, sessions)
		})
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			client := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "ada@example.org", 1)
			s := createSession(t, ctx, tx, g.ID, client.ID, 1)
			s.Number = 2
			s.Start = day(20)
			s.Duration = 3 * time.Hour
			s.ClientID = 0
			s.Status = workflow.SessionCancelled
			s.Sequence = 7
			s.Pinned = true
			s.UID = "other@codev.test"
			s.MovedFrom = day(10)
			require.NoError(t, tx.UpdateSession(ctx, s))

			got, err := tx.Session(ctx, s.ID)
			require.NoError(t, err)
			require.Equal(t, s, got)

			// MovedFrom is cleared when the session's next change does
			// not move it.
			s.MovedFrom = time.Time{}
			require.NoError(t, tx.UpdateSession(ctx, s))
			got, err = tx.Session(ctx, s.ID)
			require.NoError(t, err)
			require.True(t, got.MovedFrom.IsZero())
		})
	})

	t.Run("DuplicateUIDConflicts", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			s1 := createSession(t, ctx, tx, g.ID, 0, 1)
			dup := newSession(g.ID, 0, 2)
			dup.UID = s1.UID
			requireConflict(t, tx.CreateSession(ctx, dup))

			s2 := createSession(t, ctx, tx, g.ID, 0, 2)
			s2.UID = s1.UID
			requireConflict(t, tx.UpdateSession(ctx, s2))

			// Empty UIDs don't conflict, and the transaction is still usable.
			for n := 3; n <= 4; n++ {
				s := newSession(g.ID, 0, n)
				s.UID = ""
				require.NoError(t, tx.CreateSession(ctx, s))
			}
			sessions, err := tx.Sessions(ctx, g.ID)
			require.NoError(t, err)
			require.Len(t, sessions, 4)
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			s := newSession(g.ID, 0, 1)
			s.UID = ""
			require.NoError(t, tx.CreateSession(ctx, s))

			_, err := tx.Session(ctx, s.ID+100)
			requireNotFound(t, err)
			_, err = tx.SessionByUID(ctx, "nope")
			requireNotFound(t, err)
			_, err = tx.SessionByUID(ctx, "")
			requireNotFound(t, err)

			s.ID += 100
			requireNotFound(t, tx.UpdateSession(ctx, s))

			sessions, err := tx.Sessions(ctx, g.ID+100)
			requireEmptyList(t, sessions, err)
		})
	})
}
