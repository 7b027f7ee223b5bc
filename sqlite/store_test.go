package sqlite_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/migrations"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
	"github.com/codev-org/codev/workflow/storetest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// open opens a store on a new file, migrated, closed when t ends.
func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "codev.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, migrations.MigrateSQLite(t.Context(), s.DB()))
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()

	storetest.Run(t, func(t *testing.T) workflow.Store { return open(t) }, &storetest.Options{
		CountJobs: func(t *testing.T, s workflow.Store, kind string) int {
			var n int
			err := s.(*sqlite.Store).DB().QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n)
			require.NoError(t, err)
			return n
		},
		WorkSend: workSend,
		// No Reopen: locks are in-process, one process per file.
	})
}

// workSend works the one send job with a River client from NewRiverClient.
func workSend(t *testing.T, s workflow.Store, work func(ctx context.Context, jobID int64) error) string {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[jobs.SendArgs]) error {
		return work(ctx, job.ID)
	}))
	client, err := s.(*sqlite.Store).NewRiverClient(&river.Config{
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            slog.New(slog.DiscardHandler),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:           workers,
		TestOnly:          true,
	})
	require.NoError(t, err)
	return runClient(t, client)
}

// runClient starts client, waits for the first job to leave the running
// state, stops the client, and returns that state.
func runClient(t *testing.T, client *river.Client[*sql.Tx]) string {
	t.Helper()
	events, cancel := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	require.NoError(t, client.Start(t.Context()))
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

func TestDSN(t *testing.T) {
	t.Parallel()

	require.Equal(t,
		"file:/var/lib/codev/codev.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate",
		sqlite.DSN("/var/lib/codev/codev.db"))
	require.Equal(t, "file:/tmp/a%3Fb%23c%25d.db?", sqlite.DSN("/tmp/a?b#c%d.db")[:len("file:/tmp/a%3Fb%23c%25d.db?")])
}

func TestOpenSetsPragmas(t *testing.T) {
	t.Parallel()

	dir := filepath.Join(t.TempDir(), "a?b#c%d")
	s, err := sqlite.Open(t.Context(), dir+".db", nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.FileExists(t, dir+".db", "the escaped path names the file")

	var mode string
	var fk, busy int
	require.NoError(t, s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	require.NoError(t, s.DB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	require.NoError(t, s.DB().QueryRow(`PRAGMA busy_timeout`).Scan(&busy))
	require.Equal(t, "wal", mode)
	require.Equal(t, 1, fk)
	require.Equal(t, 5000, busy)
	require.Equal(t, 1, s.DB().Stats().MaxOpenConnections)
}
