package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testTx(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("CommitIsVisibleLater", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		var g *workflow.Group
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) { g = createGroup(t, ctx, tx, "alpha") })
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			got, err := tx.Group(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, g, got)
		})
	})

	t.Run("ErrorRollsBackAndIsReturned", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		errBoom := errors.New("boom")
		err := bundle.store.InTx(t.Context(), func(tx workflow.Tx) error {
			ctx := t.Context()
			createWorld(t, ctx, tx, "alpha")
			require.NoError(t, tx.SetCursor(ctx, "INBOX", 1, 2))
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			_, err := tx.GroupByName(ctx, "alpha")
			requireNotFound(t, err)
			groups, err := tx.Groups(ctx)
			requireEmptyList(t, groups, err)
			validity, uid, err := tx.Cursor(ctx, "INBOX")
			require.NoError(t, err)
			require.Zero(t, validity+uid)
		})
	})

	t.Run("DomainErrorIsReturnedAsIs", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		want := workflow.Errorf(workflow.EINVALID, "bad")
		err := bundle.store.InTx(t.Context(), func(tx workflow.Tx) error { return want })
		require.Equal(t, workflow.EINVALID, workflow.ErrorCode(err))
		require.ErrorIs(t, err, want)
	})

	t.Run("SecretIsStable", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		var first []byte
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			var err error
			first, err = tx.Secret(ctx)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(first), 32)
		})
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			again, err := tx.Secret(ctx)
			require.NoError(t, err)
			require.Equal(t, first, again)
		})
	})
}
