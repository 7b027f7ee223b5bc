package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
	"github.com/codev-org/codev/workflow/storetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(pgtest.Wrap(m))
}

// open opens a store on url, closed when t ends.
func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()

	storetest.Run(t, func(t *testing.T) workflow.Store {
		return open(t, pgtest.NewDatabase(t))
	}, &storetest.Options{
		CountJobs: func(t *testing.T, s workflow.Store, kind string) int {
			var n int
			err := s.(*postgres.Store).Pool().QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n)
			require.NoError(t, err)
			return n
		},
		WorkSend: workSend,
		Reopen: func(t *testing.T, s workflow.Store) workflow.Store {
			return open(t, s.(*postgres.Store).Pool().Config().ConnString())
		},
	})
}

// workSend works the one send job with a River client from NewRiverClient.
func workSend(t *testing.T, s workflow.Store, work func(ctx context.Context, jobID int64) error) string {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[jobs.SendArgs]) error {
		return work(ctx, job.ID)
	}))
	client, err := s.(*postgres.Store).NewRiverClient(&river.Config{
		Logger:   slog.New(slog.DiscardHandler),
		Queues:   map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:  workers,
		TestOnly: true,
	})
	require.NoError(t, err)
	return runClient(t, client)
}

// runClient starts client, waits for the first job to leave the running
// state, stops the client, and returns that state.
func runClient(t *testing.T, client *river.Client[pgx.Tx]) string {
	t.Helper()
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	ctx := t.Context()
	require.NoError(t, client.Start(ctx))
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, client.Stop(stopCtx))
	}()
	select {
	case ev := <-events:
		return string(ev.Job.State)
	case <-time.After(30 * time.Second):
		t.Fatal("the send job was not worked in time")
		return ""
	}
}

func TestCloseReleasesLocks(t *testing.T) {
	t.Parallel()

	url := pgtest.NewDatabase(t)
	first, err := postgres.Open(t.Context(), url, nil)
	require.NoError(t, err)
	second := open(t, url)

	_, ok, err := first.TryLock(t.Context(), "imap")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, first.Close(), "Close doesn't wait for a held lock")

	release, ok, err := second.TryLock(t.Context(), "imap")
	require.NoError(t, err)
	require.True(t, ok)
	release()
}

func TestOpenFailsOnUnreachableDatabase(t *testing.T) {
	t.Parallel()

	_, err := postgres.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=5", nil)
	require.ErrorContains(t, err, "postgres: error connecting")
}
