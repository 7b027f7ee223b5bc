package sqlite_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
)

// TestRiverPollsOften checks that workers find a new job well within
// River's default one-second poll: SQLite has no LISTEN/NOTIFY, so without
// NewRiverClient's shorter poll a reply would wait up to a second.
func TestRiverPollsOften(t *testing.T) {
	t.Parallel()
	s := open(t)
	ctx := t.Context()
	worked := make(chan time.Time, 1)
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[jobs.ReconcileArgs]) error {
		worked <- time.Now()
		return nil
	}))
	cfg := &river.Config{
		FetchCooldown: 5 * time.Millisecond, // as workflow/jobs.Config
		Logger:        slog.New(slog.DiscardHandler),
		Queues:        map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:       workers,
		TestOnly:      true,
	}
	client, err := s.NewRiverClient(cfg)
	require.NoError(t, err)
	require.Zero(t, cfg.FetchPollInterval, "the caller's config is left as it was")
	require.NoError(t, client.Start(ctx))
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(stopCtx))
	}()
	// Each wait is a random phase of the poll: with River's one-second
	// poll, ten waits all under 700 ms would happen 3 % of the time.
	var slowest time.Duration
	for range 10 {
		time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
		at := time.Now()
		require.NoError(t, s.InTx(ctx, func(tx workflow.Tx) error { return tx.EnqueueReconcile(ctx) }))
		select {
		case done := <-worked:
			slowest = max(slowest, done.Sub(at))
		case <-time.After(10 * time.Second):
			t.Fatal("the job was not worked")
		}
	}
	require.Less(t, slowest, 700*time.Millisecond)
	t.Logf("slowest pickup of 10: %s", slowest.Round(time.Millisecond))
}

// TestRiverDefaultConfig checks that a config without fetch settings is
// valid: the poll is never shorter than River's default cooldown.
func TestRiverDefaultConfig(t *testing.T) {
	t.Parallel()
	s := open(t)
	_, err := s.NewRiverClient(&river.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
}
