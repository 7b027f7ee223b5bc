package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testPrivacy(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("DeleteAnswersOfOneMemberOrAll", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "erase")
			other := addMessage(t, ctx, tx, w.group.ID, w.sessions[1].ID, w.members[1].ID, workflow.KindPrepare)
			for _, a := range []*workflow.Answer{
				{GroupID: w.group.ID, MemberID: w.members[0].ID, RequestID: w.message.ID, Kind: workflow.KindPrepare, Question: 1, Text: "a1"},
				{GroupID: w.group.ID, MemberID: w.members[0].ID, RequestID: w.message.ID, Kind: workflow.KindPrepare, Question: 2, Text: "a2"},
				{GroupID: w.group.ID, MemberID: w.members[1].ID, RequestID: other.ID, Kind: workflow.KindPrepare, Question: 1, Text: "b1"},
			} {
				require.NoError(t, tx.SaveAnswer(ctx, a))
			}
			in := newInbound(1, "a@erase.test")
			addInbound(t, ctx, tx, in)
			in.GroupID, in.MemberID = w.group.ID, w.members[0].ID
			require.NoError(t, tx.UpdateInbound(ctx, in))

			n, err := tx.DeleteAnswers(ctx, w.group.ID, w.members[0].ID)
			require.NoError(t, err)
			require.EqualValues(t, 2, n)
			left, err := tx.Answers(ctx, w.group.ID)
			require.NoError(t, err)
			require.Len(t, left, 1)
			require.Equal(t, "b1", left[0].Text)

			n, err = tx.DeleteInbound(ctx, w.group.ID, w.members[0].ID)
			require.NoError(t, err)
			require.EqualValues(t, 1, n)
			_, err = tx.Inbound(ctx, in.ID)
			requireNotFound(t, err)

			n, err = tx.DeleteAnswers(ctx, w.group.ID, 0)
			require.NoError(t, err)
			require.EqualValues(t, 1, n)
		})
	})

	t.Run("LoginWorksOnceBeforeExpiry", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)
		now := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			require.NoError(t, tx.CreateLogin(ctx, &workflow.Login{TokenHash: "h1", Email: "claire@example.org",
				CreatedAt: now, ExpiresAt: now.Add(15 * time.Minute)}))
			require.NoError(t, tx.CreateLogin(ctx, &workflow.Login{TokenHash: "h2", Email: "claire@example.org",
				CreatedAt: now, ExpiresAt: now.Add(15 * time.Minute)}))

			_, err := tx.ConsumeLogin(ctx, "unknown", now)
			requireNotFound(t, err)
			l, err := tx.ConsumeLogin(ctx, "h1", now.Add(time.Minute))
			require.NoError(t, err)
			require.Equal(t, "claire@example.org", l.Email)
			require.Equal(t, now.Add(time.Minute), l.UsedAt)
			_, err = tx.ConsumeLogin(ctx, "h1", now.Add(2*time.Minute))
			requireNotFound(t, err)
			_, err = tx.ConsumeLogin(ctx, "h2", now.Add(16*time.Minute))
			requireNotFound(t, err)
		})
	})
}
