// Package storetest is the conformance suite of workflow.Store: every
// behaviour the domain relies on (not-found errors, ordering, uniqueness,
// round-trips, replace semantics, transactional enqueue, locks) is tested
// once, here, and each adapter's tests run it:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, newStore, &storetest.Options{CountJobs: countJobs, WorkSend: workSend})
//	}
package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// Options are the adapter hooks some checks need. A nil hook skips the checks
// that need it.
type Options struct {
	// CountJobs returns the number of River jobs of kind in s's database,
	// whatever their state.
	CountJobs func(t *testing.T, s workflow.Store, kind string) int

	// WorkSend starts a River client on s with a worker for the "send" kind
	// that returns work(ctx, job.ID) with the context River gives it, waits
	// until the one send job the suite enqueued is worked, stops the client,
	// and returns the job's state then ("completed", "retryable", ...).
	WorkSend func(t *testing.T, s workflow.Store, work func(ctx context.Context, jobID int64) error) string

	// Reopen returns a second Store on s's database. When set, TryLock is also
	// checked across the two stores, as between two processes.
	Reopen func(t *testing.T, s workflow.Store) workflow.Store
}

// testBundle is what each test starts with: a new, migrated, empty store.
type testBundle struct {
	store workflow.Store
	opts  *Options
}

// Run runs the suite against stores made by newStore, which must return a new
// store on a new, migrated database, closed when t ends. opts may be nil.
func Run(t *testing.T, newStore func(t *testing.T) workflow.Store, opts *Options) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		return &testBundle{store: newStore(t), opts: opts}
	}

	t.Run("Groups", func(t *testing.T) { t.Parallel(); testGroups(t, setup) })
	t.Run("Members", func(t *testing.T) { t.Parallel(); testMembers(t, setup) })
	t.Run("Sessions", func(t *testing.T) { t.Parallel(); testSessions(t, setup) })
	t.Run("Messages", func(t *testing.T) { t.Parallel(); testMessages(t, setup) })
	t.Run("Inbound", func(t *testing.T) { t.Parallel(); testInbound(t, setup) })
	t.Run("Answers", func(t *testing.T) { t.Parallel(); testAnswers(t, setup) })
	t.Run("RSVPs", func(t *testing.T) { t.Parallel(); testRSVPs(t, setup) })
	t.Run("Tx", func(t *testing.T) { t.Parallel(); testTx(t, setup) })
	t.Run("Jobs", func(t *testing.T) { t.Parallel(); testJobs(t, setup) })
	t.Run("Lock", func(t *testing.T) { t.Parallel(); testLock(t, setup) })
	t.Run("Privacy", func(t *testing.T) { t.Parallel(); testPrivacy(t, setup) })
	t.Run("Wake", func(t *testing.T) { t.Parallel(); testWake(t, setup) })
	t.Run("RequestTexts", func(t *testing.T) { t.Parallel(); testRequestTexts(t, setup) })
}

// inTx runs fn in a transaction that must commit.
func (b *testBundle) inTx(t *testing.T, fn func(ctx context.Context, tx workflow.Tx)) {
	t.Helper()
	ctx := t.Context()
	require.NoError(t, b.store.InTx(ctx, func(tx workflow.Tx) error {
		fn(ctx, tx)
		return nil
	}))
}

// requireNotFound checks that err wraps workflow.ErrNotFound.
func requireNotFound(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, workflow.ErrNotFound)
	require.Equal(t, workflow.ENOTFOUND, workflow.ErrorCode(err))
}

// requireConflict checks that err is an ECONFLICT error.
func requireConflict(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, workflow.ECONFLICT, workflow.ErrorCode(err), "error %v", err)
}

// requireEmptyList checks that a list method returned an empty, non-nil
// slice and no error.
func requireEmptyList[T any](t *testing.T, list []T, err error) {
	t.Helper()
	require.NoError(t, err)
	require.NotNil(t, list)
	require.Empty(t, list)
}
