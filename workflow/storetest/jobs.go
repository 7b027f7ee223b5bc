package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// Job kinds, as in package workflow/jobs.
const (
	kindSend      = "send"
	kindReconcile = "reconcile"
	kindInbound   = "inbound"
)

func testJobs(t *testing.T, setup func(t *testing.T) *testBundle) {
	countJobs := func(t *testing.T, bundle *testBundle, kind string) int {
		t.Helper()
		if bundle.opts.CountJobs == nil {
			t.Skip("no Options.CountJobs for this store")
		}
		return bundle.opts.CountJobs(t, bundle.store, kind)
	}

	t.Run("EnqueueCommitsWithTx", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			require.NoError(t, tx.EnqueueSend(ctx, 1))
			require.NoError(t, tx.EnqueueSend(ctx, 2))
			require.NoError(t, tx.EnqueueInbound(ctx, 3))
			require.NoError(t, tx.EnqueueReconcile(ctx))
		})
		require.Equal(t, 2, countJobs(t, bundle, kindSend))
		require.Equal(t, 1, countJobs(t, bundle, kindInbound))
		require.Equal(t, 1, countJobs(t, bundle, kindReconcile))
	})

	t.Run("EnqueueRollsBackWithTx", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		errBoom := errors.New("boom")
		err := bundle.store.InTx(t.Context(), func(tx workflow.Tx) error {
			ctx := t.Context()
			require.NoError(t, tx.EnqueueSend(ctx, 1))
			require.NoError(t, tx.EnqueueInbound(ctx, 2))
			require.NoError(t, tx.EnqueueReconcile(ctx))
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		for _, kind := range []string{kindSend, kindInbound, kindReconcile} {
			require.Zero(t, countJobs(t, bundle, kind), kind)
		}
	})

	t.Run("ReconcileDoesNotPileUp", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		for range 3 {
			bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
				require.NoError(t, tx.EnqueueReconcile(ctx))
				require.NoError(t, tx.EnqueueReconcile(ctx))
			})
		}
		require.Equal(t, 1, countJobs(t, bundle, kindReconcile))
	})

	t.Run("CompleteJobNeedsWorkerContext", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		err := bundle.store.InTx(t.Context(), func(tx workflow.Tx) error {
			return tx.CompleteJob(t.Context(), 1)
		})
		require.Error(t, err, "an error, not a panic")
	})

	workSend := func(t *testing.T, bundle *testBundle, work func(ctx context.Context, jobID int64) error) string {
		t.Helper()
		if bundle.opts.WorkSend == nil {
			t.Skip("no Options.WorkSend for this store")
		}
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) { require.NoError(t, tx.EnqueueSend(ctx, 1)) })
		return bundle.opts.WorkSend(t, bundle.store, work)
	}

	t.Run("CompleteJobCommitsWithTx", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		state := workSend(t, bundle, func(ctx context.Context, jobID int64) error {
			err := bundle.store.InTx(ctx, func(tx workflow.Tx) error { return tx.CompleteJob(ctx, jobID) })
			if err != nil {
				return err
			}
			return errors.New("failure after the completion committed")
		})
		require.Equal(t, "completed", state, "the committed completion wins over the worker's error")
	})

	t.Run("CompleteJobRollsBackWithTx", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		errBoom := errors.New("boom")
		state := workSend(t, bundle, func(ctx context.Context, jobID int64) error {
			return bundle.store.InTx(ctx, func(tx workflow.Tx) error {
				if err := tx.CompleteJob(ctx, jobID); err != nil {
					return err
				}
				return errBoom
			})
		})
		// River makes a failed job available again at once when its retry is
		// due soon, retryable otherwise.
		require.Contains(t, []string{"available", "retryable"}, state, "the completion rolled back, the job failed")
	})
}
