package sqlstore_test

// The conformance suite of workflow.Store (workflow/storetest) runs here
// too, so that this package's coverage comes from its own tests: on SQLite
// always, and on PostgreSQL when CODEV_TEST_DATABASE_URL names a server.
// Without one, the postgres package runs the suite on a throwaway cluster;
// starting that cluster here as well would add half a minute to every run
// of this package.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/internal/sqlitetest"
	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
	"github.com/codev-org/codev/workflow/storetest"
)

func TestMain(m *testing.M) {
	var code int
	if os.Getenv(pgtest.URLEnv) != "" {
		code = pgtest.Wrap(m).Run()
	} else {
		code = m.Run()
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// openSQLite opens a store on a fresh copy of the migrated database.
func openSQLite(t *testing.T) workflow.Store { return sqlitetest.Open(t) }

func TestStoreSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, openSQLite, &storetest.Options{
		CountJobs: func(t *testing.T, s workflow.Store, kind string) int {
			return countJobs(t, s.(*sqlite.Store).DB().QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind))
		},
		WorkSend: func(t *testing.T, s workflow.Store, work func(ctx context.Context, jobID int64) error) string {
			client, err := s.(*sqlite.Store).NewRiverClient(workSendConfig(work))
			require.NoError(t, err)
			return runClient[*sql.Tx](t, client)
		},
	})
}

func TestStorePostgres(t *testing.T) {
	t.Parallel()
	if os.Getenv(pgtest.URLEnv) == "" {
		t.Skip("set " + pgtest.URLEnv + " to run the suite on PostgreSQL here; the postgres package runs it on a throwaway cluster")
	}
	open := func(t *testing.T, url string) *postgres.Store {
		s, err := postgres.Open(t.Context(), url, nil)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}
	storetest.Run(t, func(t *testing.T) workflow.Store { return open(t, pgtest.NewDatabase(t)) }, &storetest.Options{
		CountJobs: func(t *testing.T, s workflow.Store, kind string) int {
			return countJobs(t, s.(*postgres.Store).Pool().QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind))
		},
		WorkSend: func(t *testing.T, s workflow.Store, work func(ctx context.Context, jobID int64) error) string {
			client, err := s.(*postgres.Store).NewRiverClient(workSendConfig(work))
			require.NoError(t, err)
			return runClient[pgx.Tx](t, client)
		},
		Reopen: func(t *testing.T, s workflow.Store) workflow.Store {
			return open(t, s.(*postgres.Store).Pool().Config().ConnString())
		},
	})
}

func countJobs(t *testing.T, row interface{ Scan(...any) error }) int {
	t.Helper()
	var n int
	require.NoError(t, row.Scan(&n))
	return n
}

// workSendConfig is a River configuration whose one worker, for the send
// kind, returns work(ctx, job.ID).
func workSendConfig(work func(ctx context.Context, jobID int64) error) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[jobs.SendArgs]) error {
		return work(ctx, job.ID)
	}))
	return &river.Config{
		FetchCooldown:     10 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            slog.New(slog.DiscardHandler),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		Workers:           workers,
		TestOnly:          true,
	}
}

// runClient starts client, waits for the first job to leave the running
// state, stops the client, and returns that state.
func runClient[TTx any](t *testing.T, client *river.Client[TTx]) string {
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
