package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testRequestTexts(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("KeptApartFromTheMessageAndForgotten", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "texts")
			other := addMessage(t, ctx, tx, w.group.ID, w.sessions[1].ID, w.members[1].ID, workflow.KindPrepare)

			text, err := tx.RequestText(ctx, w.message.ID)
			require.NoError(t, err)
			require.Empty(t, text, "no text until one is recorded")
			const sent = "Bonjour Alice,\n\n1. En une phrase : quel est votre problème ?\n\n-- \nPied « Managers »\u00a0: lien"
			require.NoError(t, tx.SetRequestText(ctx, w.message.ID, sent))
			require.NoError(t, tx.SetRequestText(ctx, other.ID, "autre"))
			text, err = tx.RequestText(ctx, w.message.ID)
			require.NoError(t, err)
			require.Equal(t, sent, text, "the text round-trips byte for byte")

			// Updating the message keeps its text: UpdateMessage does not carry it.
			w.message.Status = workflow.MessageSent
			require.NoError(t, tx.UpdateMessage(ctx, w.message))
			text, err = tx.RequestText(ctx, w.message.ID)
			require.NoError(t, err)
			require.Equal(t, sent, text)

			requireNotFound(t, tx.SetRequestText(ctx, 999999, "x"))
			_, err = tx.RequestText(ctx, 999999)
			requireNotFound(t, err)

			n, err := tx.ForgetRequestTexts(ctx, w.group.ID, w.message.MemberID)
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "one member's texts")
			text, err = tx.RequestText(ctx, other.ID)
			require.NoError(t, err)
			require.Equal(t, "autre", text, "another member's text stays")
			n, err = tx.ForgetRequestTexts(ctx, w.group.ID, 0)
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "the group's remaining texts")
			n, err = tx.ForgetRequestTexts(ctx, w.group.ID, 0)
			require.NoError(t, err)
			require.Zero(t, n, "nothing the second time")
		})
	})
}
