// Package postgres implements workflow.Store on PostgreSQL with pgx/v5, and
// gives River its driver (riverpgxv5) on the same pool, so that jobs commit
// with the state changes that enqueue them.
//
// Beside workflow.Store, Store has what the commands need to run codev on
// it (internal/stores): Migrate and PendingMigrations (the schema is created
// by Migrate; Open does not migrate), JobCounts, and WatchOrphans, which
// rescues the jobs of processes that died. Several processes may share one
// database: River elects the leader that runs periodic jobs, and TryLock and
// WatchOrphans take PostgreSQL advisory locks.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/codev-org/codev/internal/sqlstore"
	"github.com/codev-org/codev/workflow"
)

// Store is the PostgreSQL workflow.Store.
type Store struct {
	pool   *pgxpool.Pool
	river  *river.Client[pgx.Tx] // insert-only: enqueues and completes in our transactions
	logger *slog.Logger
	// orphanEvery is how often WatchOrphans looks for orphaned jobs
	// (orphanInterval; tests shorten it).
	orphanEvery time.Duration

	mu    sync.Mutex
	locks map[string]func() // release of each lock held through TryLock, for Close
}

var _ workflow.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string; pool settings such as pool_max_conns go in it) and
// checks that it answers. logger may be nil.
func Open(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgres: error opening pool: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: error connecting: %w", err)
	}
	// FetchCooldown also spaces out the notifications this insert-only client
	// sends when it inserts jobs: at River's default of 100 ms, a job inserted
	// soon after another waited for the workers' next poll, up to a second
	// (a reply's processing, measured by bench/). At the minimum, every
	// insert wakes the workers.
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger, FetchCooldown: river.FetchCooldownMin})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: error creating river client: %w", err)
	}
	return &Store{pool: pool, river: client, logger: logger, orphanEvery: orphanInterval, locks: map[string]func(){}}, nil
}

// Pool returns the connection pool, for tests and tools that read the
// database directly (bench).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// NewRiverClient returns a River client on the store's pool, configured by
// cfg (workers, queues, periodic jobs). Jobs that the store enqueues are
// worked by such a client; a worker completes its job in a store transaction
// with workflow.Tx.CompleteJob and the context River gave it.
func (s *Store) NewRiverClient(cfg *river.Config) (*river.Client[pgx.Tx], error) {
	client, err := river.NewClient(riverpgxv5.New(s.pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: error creating river client: %w", err)
	}
	return client, nil
}

// InTx implements workflow.Store. fn's error is returned as is.
func (s *Store) InTx(ctx context.Context, fn func(tx workflow.Tx) error) error {
	var fnErr error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		jobs := sqlstore.NewJobs[*riverpgxv5.Driver](s.river, tx)
		fnErr = fn(sqlstore.NewTx(sqlstore.NewPgxExecutor(tx), sqlstore.Postgres, jobs))
		return fnErr
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("postgres: error in transaction: %w", err)
	}
	return nil
}

// Close implements workflow.Store. It releases the locks still held, then
// waits for the other connections in use to be returned.
func (s *Store) Close() error {
	s.mu.Lock()
	releases := make([]func(), 0, len(s.locks))
	for _, release := range s.locks {
		releases = append(releases, release)
	}
	s.mu.Unlock()
	for _, release := range releases {
		release()
	}
	s.pool.Close()
	return nil
}
