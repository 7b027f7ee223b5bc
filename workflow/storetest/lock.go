package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// tryLock takes name on s and returns whether it got it, and the release.
func tryLock(t *testing.T, s workflow.Store, name string) (func(), bool) {
	t.Helper()
	release, ok, err := s.TryLock(t.Context(), name)
	require.NoError(t, err)
	if ok {
		require.NotNil(t, release)
		t.Cleanup(release) // releasing twice is harmless
	}
	return release, ok
}

func testLock(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("Exclusive", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		release, ok := tryLock(t, bundle.store, "imap")
		require.True(t, ok)
		_, ok = tryLock(t, bundle.store, "imap")
		require.False(t, ok, "held")
		_, ok = tryLock(t, bundle.store, "other")
		require.True(t, ok, "another name is another lock")

		release()
		release()
		_, ok = tryLock(t, bundle.store, "imap")
		require.True(t, ok, "released")
	})

	t.Run("ExclusiveAcrossStores", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)
		if bundle.opts.Reopen == nil {
			t.Skip("no Options.Reopen: this store's locks are in-process")
		}
		other := bundle.opts.Reopen(t, bundle.store)

		release, ok := tryLock(t, bundle.store, "imap")
		require.True(t, ok)
		_, ok = tryLock(t, other, "imap")
		require.False(t, ok, "held by the first store")

		release()
		releaseOther, ok := tryLock(t, other, "imap")
		require.True(t, ok, "released by the first store")
		_, ok = tryLock(t, bundle.store, "imap")
		require.False(t, ok, "held by the second store")
		releaseOther()
	})
}
