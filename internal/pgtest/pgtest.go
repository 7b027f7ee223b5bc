// Package pgtest gives tests PostgreSQL databases.
//
// A test binary that needs PostgreSQL runs its tests through Main (or Wrap,
// for goleak.VerifyTestMain). When CODEV_TEST_DATABASE_URL is set, databases
// are created on that server (its user needs CREATEDB); otherwise a throwaway
// cluster is started from the local initdb and postgres binaries (on PATH or
// under /usr/lib/postgresql/*/bin), in a temporary directory, listening on
// 127.0.0.1 and on a unix socket in that directory, with durability off for
// speed. When run as root, the cluster runs as the postgres user, since
// PostgreSQL refuses to run as root (the temporary directory, $TMPDIR or
// /tmp, must then be reachable by that user). It is stopped and removed when
// the tests end; should the test binary be killed, the server dies with it
// but its directory (codev-pgtest-*) stays. Without binaries or URL, the test
// binary fails and says what to install.
//
// NewDatabase gives each test its own migrated database, copied from a
// template migrated once per test binary; NewEmptyDatabase gives an empty one.
// Both are dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/codev-org/codev/migrations"
)

// URLEnv names the variable holding the URL of a server to use rather than
// a throwaway cluster.
const URLEnv = "CODEV_TEST_DATABASE_URL"

// setupTimeout bounds starting the server and creating a database.
const setupTimeout = 2 * time.Minute

// current is the server of this test binary, set by Runner.Run. A package
// variable because tests reach it through NewDatabase(t), with no handle; it
// holds only test state.
var current struct {
	mu  sync.Mutex
	srv *server
}

// Runner runs a test binary's tests with a PostgreSQL server.
type Runner struct {
	m *testing.M
}

// Wrap returns a Runner for m, whose Run fits goleak.VerifyTestMain:
//
//	func TestMain(m *testing.M) { goleak.VerifyTestMain(pgtest.Wrap(m)) }
//
// so that leaks are looked for after the server is stopped.
func Wrap(m *testing.M) *Runner { return &Runner{m: m} }

// Main runs m's tests with a PostgreSQL server and exits:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) { os.Exit(Wrap(m).Run()) }

// Run starts or connects to the server, runs the tests, stops the server and
// returns the exit code. A server that cannot be had fails the run.
func (r *Runner) Run() int {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	srv, err := start(ctx)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		return 1
	}
	current.mu.Lock()
	current.srv = srv
	current.mu.Unlock()

	code := r.m.Run()

	current.mu.Lock()
	current.srv = nil
	current.mu.Unlock()
	if err := srv.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// NewDatabase returns the URL of a new database migrated by
// migrations.MigratePostgres, dropped when t ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// NewEmptyDatabase returns the URL of a new empty database, dropped when t
// ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

func newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	current.mu.Lock()
	srv := current.srv
	current.mu.Unlock()
	if srv == nil {
		t.Fatal("pgtest: no server: run the tests through pgtest.Main or pgtest.Wrap in TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	name := "codev_test_" + randomHex()
	if err := srv.createDatabase(ctx, name, migrated); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if err := srv.dropDatabase(ctx, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return srv.databaseURL(name)
}

// server is a PostgreSQL server and an admin connection to it.
type server struct {
	url     *url.URL // admin URL; databases differ by path
	cluster *cluster // nil when given by URLEnv

	mu       sync.Mutex // serializes admin statements: a template database can't be copied twice at once
	admin    *pgx.Conn
	template string // migrated template database, "" until first needed
}

// start connects to the server named by URLEnv or starts a cluster.
func start(ctx context.Context) (*server, error) {
	srv := &server{}
	raw := os.Getenv(URLEnv)
	if raw == "" {
		c, err := startCluster(ctx)
		if err != nil {
			return nil, fmt.Errorf("error starting PostgreSQL (set %s, or install PostgreSQL: apt-get install postgresql): %w", URLEnv, err)
		}
		srv.cluster = c
		raw = c.url()
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		srv.stopCluster()
		return nil, fmt.Errorf("%s must be a postgres:// URL", URLEnv)
	}
	srv.url = u
	srv.admin, err = pgx.Connect(ctx, raw)
	if err != nil {
		srv.stopCluster()
		return nil, fmt.Errorf("error connecting to %s: %w", u.Redacted(), err)
	}
	return srv, nil
}

// databaseURL is the URL of database name on the server.
func (s *server) databaseURL(name string) string {
	u := *s.url
	u.Path = "/" + name
	return u.String()
}

// createDatabase creates database name, empty or as a copy of the migrated
// template.
func (s *server) createDatabase(ctx context.Context, name string, migrated bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	query := "CREATE DATABASE " + name
	if migrated {
		if err := s.ensureTemplate(ctx); err != nil {
			return err
		}
		query += " TEMPLATE " + s.template
	}
	if _, err := s.admin.Exec(ctx, query); err != nil {
		return fmt.Errorf("error creating database %s: %w", name, err)
	}
	return nil
}

// ensureTemplate creates and migrates the template database once. Its name is
// random so that test binaries sharing a server don't share it.
func (s *server) ensureTemplate(ctx context.Context) error {
	if s.template != "" {
		return nil
	}
	name := "codev_template_" + randomHex()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("error creating template database: %w", err)
	}
	pool, err := pgxpool.New(ctx, s.databaseURL(name))
	if err != nil {
		return fmt.Errorf("error connecting to template database: %w", err)
	}
	err = migrations.MigratePostgres(ctx, pool)
	pool.Close() // a template must have no connection when copied
	if err != nil {
		_, _ = s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return fmt.Errorf("error migrating template database: %w", err)
	}
	s.template = name
	return nil
}

// dropDatabase drops database name, closing its remaining connections.
func (s *server) dropDatabase(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("error dropping database %s: %w", name, err)
	}
	return nil
}

// stop drops the template, closes the admin connection and stops the cluster.
func (s *server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	var err error
	if s.template != "" {
		err = s.dropDatabase(ctx, s.template)
	}
	if cerr := s.admin.Close(ctx); cerr != nil && err == nil {
		err = fmt.Errorf("error closing admin connection: %w", cerr)
	}
	if s.cluster != nil {
		if serr := s.cluster.stop(); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

// stopCluster stops the cluster after a failed start.
func (s *server) stopCluster() {
	if s.cluster != nil {
		_ = s.cluster.stop()
	}
}

// randomHex returns 16 random hex digits, for database names.
func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
