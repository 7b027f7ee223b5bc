package stores_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/internal/stores"
	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(pgtest.Wrap(m))
}

var quiet = slog.New(slog.DiscardHandler)

// open opens url, closed when t ends.
func open(t *testing.T, url string) *stores.Database {
	t.Helper()
	d, err := stores.Open(t.Context(), url, quiet)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return d
}

// emptyURLs are a new, unmigrated database of each kind.
func emptyURLs(t *testing.T) map[string]string {
	return map[string]string{
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "codev.db"),
		"postgres": pgtest.NewEmptyDatabase(t),
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pg := pgtest.NewDatabase(t)
	require.True(t, strings.HasPrefix(pg, "postgres://"), pg)
	for _, c := range []struct{ url, kind string }{
		{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite"},
		{"sqlite://" + filepath.Join(dir, "b.db"), "sqlite"},
		{pg, "postgres"},
		{"postgresql://" + strings.TrimPrefix(pg, "postgres://"), "postgres"},
	} {
		d := open(t, c.url)
		require.Equal(t, c.kind, d.Kind, c.url)
		require.NoError(t, d.InTx(t.Context(), func(workflow.Tx) error { return nil }), c.url)
	}
	require.FileExists(t, filepath.Join(dir, "a.db"))
	require.FileExists(t, filepath.Join(dir, "b.db"), "sqlite://PATH is sqlite:PATH")
}

// TestOpenDefault opens the empty URL: codev.db in the working directory.
func TestOpenDefault(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.ErrorIs(t, stores.Exists(""), fs.ErrNotExist)
	d := open(t, "")
	require.Equal(t, "sqlite", d.Kind)
	require.FileExists(t, filepath.Join(dir, "codev.db"))
	require.NoError(t, stores.Exists(""))
}

func TestOpenUnknownURL(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"mysql://codev:s3cret@db.example.org/codev", "codev.db", "file:codev.db"} {
		_, err := stores.Open(t.Context(), url, nil)
		require.ErrorIs(t, err, stores.ErrUnknownURL, url)
		require.NotContains(t, err.Error(), "s3cret", "the password is never printed")
		require.Contains(t, err.Error(), "postgres://user:pass@host/db, sqlite:PATH", "says what is understood")
		require.ErrorIs(t, stores.Exists(url), stores.ErrUnknownURL, url)
	}
}

func TestExists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "codev.db")
	err := stores.Exists("sqlite:" + path)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.Equal(t, "SQLite file "+path+": no such file or directory", err.Error())
	_, statErr := os.Stat(path)
	require.ErrorIs(t, statErr, fs.ErrNotExist, "Exists creates nothing")

	open(t, "sqlite:"+path)
	require.NoError(t, stores.Exists("sqlite:"+path))
	require.NoError(t, stores.Exists("postgres://nobody@127.0.0.1:1/none"), "a server is only found by connecting")
}

func TestFormsAndRedact(t *testing.T) {
	t.Parallel()
	require.Equal(t, "postgres://user:pass@host/db or sqlite:PATH", stores.Forms())
	require.Equal(t, "postgres://…@db.example.org/codev", stores.Redact("postgres://codev:s3cret@db.example.org/codev"))
	require.Equal(t, "postgres://…@h/db", stores.Redact("postgres://u:p@ss@h/db"), "an unencoded @ in the password stays hidden")
	require.Equal(t, "sqlite:/var/lib/codev.db", stores.Redact("sqlite:/var/lib/codev.db"))
	require.Equal(t, "user@host", stores.Redact("user@host"), "no scheme, nothing hidden")
}

// TestContract runs what the commands do with a database on each kind:
// migrate, check, start River, count jobs, serve River UI.
func TestContract(t *testing.T) {
	t.Parallel()
	for kind, url := range emptyURLs(t) {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d := open(t, url)
			require.Equal(t, kind, d.Kind)

			pending, err := d.PendingMigrations(ctx)
			require.NoError(t, err)
			require.NotEmpty(t, pending)
			require.True(t, strings.HasPrefix(pending[0], "river/"), "River's first: %v", pending)
			require.Contains(t, pending, "0001_init")
			require.NoError(t, d.Migrate(ctx))
			pending, err = d.PendingMigrations(ctx)
			require.NoError(t, err)
			require.Empty(t, pending)
			require.NoError(t, d.Migrate(ctx), "migrating again is safe")

			counts, err := d.JobCounts(ctx)
			require.NoError(t, err)
			require.Empty(t, counts)

			worked := make(chan struct{}, 1)
			workers := river.NewWorkers()
			river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[jobs.ReconcileArgs]) error {
				worked <- struct{}{}
				return nil
			}))
			q, err := d.StartQueue(ctx, &river.Config{
				Logger: quiet, Workers: workers, TestOnly: true,
				Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
			})
			require.NoError(t, err)
			stopped := false
			stop := func() {
				if stopped {
					return
				}
				stopped = true
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				require.NoError(t, q.Stop(sctx))
			}
			defer stop()
			require.NoError(t, d.InTx(ctx, func(tx workflow.Tx) error { return tx.EnqueueReconcile(ctx) }))
			select {
			case <-worked:
			case <-time.After(30 * time.Second):
				t.Fatal("the job was not worked")
			}
			require.Eventually(t, func() bool {
				counts, err := d.JobCounts(ctx)
				require.NoError(t, err)
				return counts["completed"] == 1
			}, 10*time.Second, 20*time.Millisecond)

			uctx, cancel := context.WithCancel(ctx)
			defer cancel()
			h, err := q.UI(uctx, "/admin/jobs", quiet)
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin/jobs/api/jobs?state=completed", nil))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			body, _ := io.ReadAll(rec.Body)
			require.Contains(t, string(body), `"kind":"reconcile"`)
			cancel()
			stop()
		})
	}
}

// TestWatchOrphans leaves a job running under a client that is gone, as a
// killed process does, and checks that each store makes it available again
// while a job of this process stays running.
func TestWatchOrphans(t *testing.T) {
	t.Parallel()
	urls := map[string]string{
		"sqlite":   "sqlite:" + filepath.Join(t.TempDir(), "codev.db"),
		"postgres": pgtest.NewDatabase(t),
	}
	for kind, url := range urls {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d := open(t, url)
			require.NoError(t, d.Migrate(ctx))
			require.NoError(t, d.InTx(ctx, func(tx workflow.Tx) error {
				if err := tx.EnqueueReconcile(ctx); err != nil {
					return err
				}
				return tx.EnqueueInbound(ctx, 1)
			}))
			markRunning(t, d, "reconcile", "codev_dead_1")
			markRunning(t, d, "inbound", "codev_self")
			stop, err := d.WatchOrphans(ctx, "codev_self")
			require.NoError(t, err)
			defer stop()
			// PostgreSQL rescues a client found gone twice, 5 s apart.
			require.Eventually(t, func() bool {
				counts, err := d.JobCounts(ctx)
				require.NoError(t, err)
				return counts["available"] == 1
			}, 20*time.Second, 50*time.Millisecond)
			counts, err := d.JobCounts(ctx)
			require.NoError(t, err)
			require.Equal(t, map[string]int64{"available": 1, "running": 1}, counts, "this process's job is left alone")
			require.Equal(t, "available", jobState(t, d, "reconcile"))
		})
	}
}

// markRunning marks the job of that kind running, last attempted by client.
func markRunning(t *testing.T, d *stores.Database, kind, client string) {
	t.Helper()
	var err error
	switch s := d.Store.(type) {
	case *postgres.Store:
		_, err = s.Pool().Exec(t.Context(), `UPDATE river_job SET state = 'running', attempted_at = now(),
			attempted_by = ARRAY[$1] WHERE kind = $2`, client, kind)
	case *sqlite.Store:
		_, err = s.DB().ExecContext(t.Context(), `UPDATE river_job SET state = 'running', attempted_at = datetime('now'),
			attempted_by = json_array($1) WHERE kind = $2`, client, kind)
	default:
		err = errors.New("unknown store")
	}
	require.NoError(t, err)
}

// jobState returns the state of the job of that kind.
func jobState(t *testing.T, d *stores.Database, kind string) string {
	t.Helper()
	var state string
	var err error
	switch s := d.Store.(type) {
	case *postgres.Store:
		err = s.Pool().QueryRow(t.Context(), `SELECT state FROM river_job WHERE kind = $1`, kind).Scan(&state)
	case *sqlite.Store:
		err = s.DB().QueryRowContext(t.Context(), `SELECT state FROM river_job WHERE kind = $1`, kind).Scan(&state)
	default:
		err = errors.New("unknown store")
	}
	require.NoError(t, err)
	return state
}
