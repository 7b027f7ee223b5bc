package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testMessages(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			got, err := tx.Message(ctx, w.message.ID)
			require.NoError(t, err)
			require.Equal(t, w.message, got)
			require.True(t, got.SentAt.IsZero())
			require.True(t, got.AnsweredAt.IsZero())

			m := w.message
			m.Status = workflow.MessageSent
			m.Reason = "why"
			m.MessageID = "abc.123@codev.test"
			m.SentAt = day(4)
			m.Attempts = 2
			m.AnsweredAt = day(5)
			m.DueAt = day(6)
			m.Sequence = 3
			m.Kind = workflow.KindPrepareReminder
			m.Key = "new-key"
			m.SessionID = w.sessions[1].ID
			m.MemberID = w.members[1].ID
			require.NoError(t, tx.UpdateMessage(ctx, m))

			got, err = tx.Message(ctx, m.ID)
			require.NoError(t, err)
			require.Equal(t, m, got)

			got, err = tx.MessageByMessageID(ctx, m.MessageID)
			require.NoError(t, err)
			require.Equal(t, m, got)
		})
	})

	t.Run("GroupWide", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			m := addMessage(t, ctx, tx, w.group.ID, 0, w.members[0].ID, workflow.KindWelcome)
			got, err := tx.Message(ctx, m.ID)
			require.NoError(t, err)
			require.Zero(t, got.SessionID)
			require.Equal(t, m, got)
		})
	})

	t.Run("TimesRoundTripInUTCToTheMicrosecond", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			for i, due := range []time.Time{
				time.Date(2026, 10, 25, 1, 59, 59, 999999999, time.UTC), // nanoseconds are dropped
				time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC),
				time.Date(2199, 12, 31, 23, 59, 59, 999999000, time.UTC),
				inCET(time.Date(2026, 3, 29, 2, 30, 0, 500000000, time.UTC)),
			} {
				m := newMessage(w.group.ID, w.sessions[0].ID, w.members[1].ID, workflow.KindFollowup)
				m.Sequence = 10 + i
				m.Key = workflow.MessageKey(m.Kind, m.SessionID, m.MemberID, m.Sequence)
				m.DueAt, m.SentAt, m.AnsweredAt = due, due, due
				added, err := tx.AddMessage(ctx, m)
				require.NoError(t, err)
				require.True(t, added)

				got, err := tx.Message(ctx, m.ID)
				require.NoError(t, err)
				want := due.UTC().Truncate(time.Microsecond)
				for _, tm := range []time.Time{got.DueAt, got.SentAt, got.AnsweredAt} {
					require.Equal(t, want, tm)
					require.Equal(t, time.UTC, tm.Location())
				}
			}
		})
	})

	t.Run("DuplicateKeyNotAdded", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			dup := newMessage(w.group.ID, w.sessions[0].ID, w.members[0].ID, workflow.KindPrepare)
			dup.Key = w.message.Key
			dup.Status = workflow.MessageSkipped
			added, err := tx.AddMessage(ctx, dup)
			require.NoError(t, err)
			require.False(t, added)
			require.Zero(t, dup.ID)

			messages, err := tx.Messages(ctx, w.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Message{w.message}, messages, "the first one is unchanged")

			m := addMessage(t, ctx, tx, w.group.ID, w.sessions[1].ID, w.members[0].ID, workflow.KindPrepare)
			m.Key = w.message.Key
			requireConflict(t, tx.UpdateMessage(ctx, m))
			_, err = tx.Messages(ctx, w.group.ID)
			require.NoError(t, err, "the transaction is still usable")
		})
	})

	t.Run("OrderedByID", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			other := createWorld(t, ctx, tx, "beta")
			m2 := newMessage(w.group.ID, w.sessions[1].ID, w.members[1].ID, workflow.KindPrepare)
			m2.DueAt = day(1) // earlier due, later ID
			added, err := tx.AddMessage(ctx, m2)
			require.NoError(t, err)
			require.True(t, added)
			m3 := addMessage(t, ctx, tx, w.group.ID, w.sessions[0].ID, w.animator.ID, workflow.KindDigest)

			messages, err := tx.Messages(ctx, w.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Message{w.message, m2, m3}, messages)

			messages, err = tx.Messages(ctx, other.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Message{other.message}, messages)
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			_, err := tx.Message(ctx, w.message.ID+100)
			requireNotFound(t, err)
			_, err = tx.MessageByMessageID(ctx, "nope@codev.test")
			requireNotFound(t, err)
			_, err = tx.MessageByMessageID(ctx, "") // w.message has none yet
			requireNotFound(t, err)

			m := *w.message
			m.ID += 100
			m.Key = "other"
			requireNotFound(t, tx.UpdateMessage(ctx, &m))

			messages, err := tx.Messages(ctx, w.group.ID+100)
			requireEmptyList(t, messages, err)
		})
	})
}
