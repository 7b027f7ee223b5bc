// Package sqlite implements workflow.Store on SQLite with modernc.org/sqlite
// (pure Go), and gives River its driver (riversqlite) on the same database, so
// that jobs commit with the state changes that enqueue them.
//
// It is the zero-setup store for one machine: one process per database file.
// The database runs in WAL mode with a busy timeout and foreign keys on,
// through a single connection shared with River (River's advice against
// SQLITE_BUSY), so transactions should be short, and a function given to
// InTx must not use the Store itself (a nested InTx would wait forever for
// the connection). Beside workflow.Store, Store has what the commands need to
// run codev on it (internal/stores): Migrate and PendingMigrations (the
// schema is created by Migrate; Open does not migrate), JobCounts, and
// WatchOrphans, which rescues the jobs of a previous run that died.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/codev-org/codev/internal/sqlstore"
	"github.com/codev-org/codev/workflow"
)

// pragmas are set on the connection by modernc.org/sqlite's _pragma DSN
// parameters: write-ahead logging, a 5 s wait rather than SQLITE_BUSY, and
// foreign keys, which SQLite leaves off by default. _txlock=immediate starts
// every transaction with BEGIN IMMEDIATE: a deferred transaction that reads
// and then writes fails at once with SQLITE_BUSY, busy_timeout or not, when
// another process (`codev group apply` beside `codev serve`) wrote in
// between; an immediate one waits its turn instead.
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"

// pollInterval is how often River's workers look for new jobs (see
// NewRiverClient).
const pollInterval = 50 * time.Millisecond

// Store is the SQLite workflow.Store.
type Store struct {
	db     *sql.DB
	river  *river.Client[*sql.Tx] // insert-only: enqueues and completes in our transactions
	logger *slog.Logger

	mu    sync.Mutex
	locks map[string]bool // names held through TryLock
}

var _ workflow.Store = (*Store)(nil)

// Open opens (creating it if needed) the database file at path. logger may
// be nil.
func Open(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: error opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite: error opening %s: %w", path, err)
	}
	client, err := river.NewClient(riversqlite.New(db), &river.Config{Logger: logger})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite: error creating river client: %w", err)
	}
	return &Store{db: db, river: client, logger: logger, locks: map[string]bool{}}, nil
}

// DSN returns the modernc.org/sqlite data source name that Open uses for the
// file at path: a file: URI (path escaped) with codev's pragmas.
func DSN(path string) string {
	path = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + path + "?" + pragmas
}

// DB returns the database, for tests and tools that read it directly.
func (s *Store) DB() *sql.DB { return s.db }

// NewRiverClient returns a River client on the store's database, configured
// by cfg (workers, queues, periodic jobs). Jobs that the store enqueues are
// worked by such a client; a worker completes its job in a store transaction
// with workflow.Tx.CompleteJob and the context River gave it.
//
// SQLite has no LISTEN/NOTIFY: workers find new jobs by polling, every
// second by River's default, which made a reply wait up to a second
// (bench/). Unless cfg sets FetchPollInterval, the client polls every
// pollInterval, or every FetchCooldown if that is longer (River requires
// it). cfg itself is not changed.
func (s *Store) NewRiverClient(cfg *river.Config) (*river.Client[*sql.Tx], error) {
	c := *cfg
	if c.FetchPollInterval == 0 {
		c.FetchPollInterval = max(pollInterval, cmp.Or(c.FetchCooldown, river.FetchCooldownDefault))
	}
	client, err := river.NewClient(riversqlite.New(s.db), &c)
	if err != nil {
		return nil, fmt.Errorf("sqlite: error creating river client: %w", err)
	}
	return client, nil
}

// InTx implements workflow.Store. fn's error is returned as is.
func (s *Store) InTx(ctx context.Context, fn func(tx workflow.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: error beginning transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	jobs := sqlstore.NewJobs[*riversqlite.Driver](s.river, tx)
	if err := fn(sqlstore.NewTx(sqlstore.NewSQLExecutor(tx), sqlstore.SQLite, jobs)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: error committing transaction: %w", err)
	}
	return nil
}

// TryLock implements workflow.Store with an in-process lock: SQLite serves
// one process per database file, so a lock only has to exclude the other
// goroutines of this Store.
func (s *Store) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks[name] {
		return nil, false, nil
	}
	s.locks[name] = true
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			delete(s.locks, name)
		})
	}
	return release, true, nil
}

// Close implements workflow.Store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlite: error closing database: %w", err)
	}
	return nil
}
