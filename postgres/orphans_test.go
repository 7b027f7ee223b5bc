package postgres

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/workflow"
)

// TestWatchOrphans runs two processes' stores on one database: the jobs of
// a client that is gone are rescued, those of a live client and of this one
// are not, and the jobs of a client whose process ends are rescued then.
func TestWatchOrphans(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	url := pgtest.NewDatabase(t)
	s, err := Open(ctx, url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	s.orphanEvery = 50 * time.Millisecond
	other, err := Open(ctx, url, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, other.Close()) })
	releaseLive, err := other.announce(ctx, "codev_live")
	require.NoError(t, err)
	defer releaseLive()

	require.NoError(t, s.InTx(ctx, func(tx workflow.Tx) error {
		if err := tx.EnqueueReconcile(ctx); err != nil {
			return err
		}
		if err := tx.EnqueueInbound(ctx, 1); err != nil {
			return err
		}
		return tx.EnqueueSend(ctx, 1)
	}))
	for kind, client := range map[string]string{"reconcile": "codev_dead", "inbound": "codev_live", "send": "codev_self"} {
		_, err := s.pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempted_at = now(),
			attempted_by = ARRAY['codev_old', $1] WHERE kind = $2`, client, kind)
		require.NoError(t, err)
	}
	state := func(kind string) string {
		var st string
		require.NoError(t, s.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = $1`, kind).Scan(&st))
		return st
	}

	stop, err := s.WatchOrphans(ctx, "codev_self")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return state("reconcile") == "available" }, 10*time.Second, 10*time.Millisecond,
		"the dead client's job is rescued")
	time.Sleep(4 * s.orphanEvery)
	require.Equal(t, "running", state("inbound"), "a live client's job is left alone")
	require.Equal(t, "running", state("send"), "this process's job is left alone")

	releaseLive()
	require.Eventually(t, func() bool { return state("inbound") == "available" }, 10*time.Second, 10*time.Millisecond,
		"the job of a client whose process ended is rescued")

	dead, err := other.orphans(ctx, "codev_other")
	require.NoError(t, err)
	require.Empty(t, dead, "codev_self is announced while it watches")
	stop()
	dead, err = other.orphans(ctx, "codev_other")
	require.NoError(t, err)
	require.Equal(t, []string{"codev_self"}, dead, "stop ends the announcement")
	require.Equal(t, "running", state("send"), "nobody watches any more")
}

// TestRescueNeedsTwoSightings checks that a client found gone once is not
// rescued at once: it may be a live process whose connection dropped for a
// moment. Its jobs are rescued at the next pass.
func TestRescueNeedsTwoSightings(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s, err := Open(ctx, pgtest.NewDatabase(t), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	s.orphanEvery = time.Second
	require.NoError(t, s.InTx(ctx, func(tx workflow.Tx) error { return tx.EnqueueReconcile(ctx) }))
	_, err = s.pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempted_by = ARRAY['codev_gone']`)
	require.NoError(t, err)
	start := time.Now()
	stop, err := s.WatchOrphans(ctx, "codev_self")
	require.NoError(t, err)
	defer stop()
	counts := func() map[string]int64 {
		c, err := s.JobCounts(ctx)
		require.NoError(t, err)
		return c
	}
	time.Sleep(s.orphanEvery / 2) // the first pass, at once, found it
	require.Equal(t, map[string]int64{"running": 1}, counts(), "not rescued on the first sighting")
	require.Eventually(t, func() bool { return counts()["available"] == 1 }, 10*time.Second, 10*time.Millisecond)
	require.GreaterOrEqual(t, time.Since(start), s.orphanEvery, "rescued at the second pass")
}
