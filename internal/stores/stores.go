// Package stores opens the database a URL names and gives the commands what
// they need to run codev on it: the workflow.Store, migrations, a River
// client of the matching driver, job counts and the rescue of jobs orphaned
// by a process that died.
//
// It is the one package that names the store implementations (postgres,
// sqlite): each implements Store, and openers maps URL forms to them.
// Adding a store is a package implementing Store and one entry in openers;
// no command changes. River's generic client is wrapped here, once, so that
// neither the commands nor the domain see a driver type.
package stores

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
)

// Store is what a store package provides beside workflow.Store (whose
// TryLock is the cross-process lock) for the commands to run codev on it.
type Store interface {
	workflow.Store
	// Migrate creates or upgrades the schema, River's tables included. It
	// is safe to run again.
	Migrate(ctx context.Context) error
	// PendingMigrations lists the migrations Migrate would apply, none when
	// the database is up to date.
	PendingMigrations(ctx context.Context) ([]string, error)
	// JobCounts counts River's jobs by state: the queue depth.
	JobCounts(ctx context.Context) (map[string]int64, error)
	// WatchOrphans makes jobs left running by a process that died
	// available again, now and, where several processes share the
	// database, for as long as this one runs. self is this process's
	// River client ID. It is called before River starts; stop is called
	// after River stopped.
	WatchOrphans(ctx context.Context, self string) (stop func(), err error)
}

var (
	_ Store = (*postgres.Store)(nil)
	_ Store = (*sqlite.Store)(nil)
)

// ErrUnknownURL is wrapped by Open's error when the URL names no database
// codev knows.
var ErrUnknownURL = errors.New("unknown database URL")

// defaultSQLite is the database of an empty URL: a SQLite file in the
// working directory.
const defaultSQLite = "codev.db"

// Database is an open Store, with its kind and a way to start River
// clients of its driver.
type Database struct {
	Store
	// Kind names the database in messages: "postgres" or "sqlite".
	Kind string
	// start creates and starts a River client with cfg.
	start func(ctx context.Context, cfg *river.Config) (*Queue, error)
}

// StartQueue creates a River client on the database, configured by cfg
// (workers, queues, periodic jobs), and starts it. River stops abruptly,
// cancelling running jobs, when ctx ends: the caller gives it a context
// that outlives a graceful Queue.Stop.
func (d *Database) StartQueue(ctx context.Context, cfg *river.Config) (*Queue, error) {
	return d.start(ctx, cfg)
}

// Queue is a started River client.
type Queue struct {
	stop func(ctx context.Context) error
	ui   func(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error)
}

// Stop stops fetching jobs and waits for the running ones to finish, until
// ctx ends.
func (q *Queue) Stop(ctx context.Context) error { return q.stop(ctx) }

// UI builds River UI's handler for the client, served under prefix, and
// runs its background services until ctx is done.
func (q *Queue) UI(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error) {
	return q.ui(ctx, prefix, log)
}

// newDatabase wraps s and the River client constructor of its driver.
func newDatabase[TTx any](kind string, s Store, newClient func(*river.Config) (*river.Client[TTx], error)) *Database {
	return &Database{Store: s, Kind: kind, start: func(ctx context.Context, cfg *river.Config) (*Queue, error) {
		c, err := newClient(cfg)
		if err != nil {
			return nil, err
		}
		if err := c.Start(ctx); err != nil {
			return nil, fmt.Errorf("error starting River: %w", err)
		}
		return &Queue{stop: c.Stop, ui: func(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error) {
			h, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(c, nil), Logger: log, Prefix: prefix})
			if err != nil {
				return nil, fmt.Errorf("error building River UI: %w", err)
			}
			if err := h.Start(ctx); err != nil {
				return nil, fmt.Errorf("error starting River UI: %w", err)
			}
			return h, nil
		}}, nil
	}}
}

// opener is one kind of database and the URLs that name it.
type opener struct {
	// form is how its URLs are written, for messages.
	form string
	// target returns what open takes when url names this kind.
	target func(url string) (target string, ok bool)
	open   func(ctx context.Context, target string, log *slog.Logger) (*Database, error)
	// exists, when set, tells without creating it whether the database
	// at target was created.
	exists func(target string) error
}

// openers are the databases codev runs on, tried in order.
func openers() []opener {
	return []opener{
		{
			form: "postgres://user:pass@host/db",
			target: func(url string) (string, bool) {
				return url, strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
			},
			open: func(ctx context.Context, url string, log *slog.Logger) (*Database, error) {
				s, err := postgres.Open(ctx, url, log)
				if err != nil {
					return nil, err
				}
				return newDatabase("postgres", s, s.NewRiverClient), nil
			},
		},
		{
			form: "sqlite:PATH",
			target: func(url string) (string, bool) {
				if url != "" && !strings.HasPrefix(url, "sqlite:") {
					return "", false
				}
				return cmp.Or(strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//"), defaultSQLite), true
			},
			open: func(ctx context.Context, path string, log *slog.Logger) (*Database, error) {
				s, err := sqlite.Open(ctx, path, log)
				if err != nil {
					return nil, err
				}
				return newDatabase("sqlite", s, s.NewRiverClient), nil
			},
			exists: func(path string) error {
				if _, err := os.Stat(path); err != nil {
					return fmt.Errorf("SQLite file %s: %w", path, errors.Unwrap(err))
				}
				return nil
			},
		},
	}
}

// find returns the opener of url and what it opens.
func find(url string) (opener, string, error) {
	ops := openers()
	forms := make([]string, 0, len(ops))
	for _, o := range ops {
		if target, ok := o.target(url); ok {
			return o, target, nil
		}
		forms = append(forms, o.form)
	}
	return opener{}, "", fmt.Errorf("%w: %q is none of %s", ErrUnknownURL, Redact(url), strings.Join(forms, ", "))
}

// Open opens the database url names: postgres://… or postgresql://… for
// PostgreSQL, sqlite:PATH for SQLite (created if missing), empty for the
// SQLite file codev.db in the working directory. It does not migrate. An
// unknown form gives an error wrapping ErrUnknownURL. log may be nil.
func Open(ctx context.Context, url string, log *slog.Logger) (*Database, error) {
	o, target, err := find(url)
	if err != nil {
		return nil, err
	}
	return o.open(ctx, target, log)
}

// Exists reports whether the database url names was created, without
// creating it: an error wrapping fs.ErrNotExist for a SQLite file that is
// missing (Open would create an empty one). A server database is only
// found by connecting: Exists says nil, and Open tells.
func Exists(url string) error {
	o, target, err := find(url)
	if err != nil || o.exists == nil {
		return err
	}
	return o.exists(target)
}

// Forms lists how database URLs are written, for help and error messages:
// "postgres://user:pass@host/db or sqlite:PATH".
func Forms() string {
	ops := openers()
	forms := make([]string, 0, len(ops))
	for _, o := range ops {
		forms = append(forms, o.form)
	}
	return strings.Join(forms, " or ")
}

// Redact hides the password of a URL, for messages.
func Redact(u string) string {
	if at := strings.LastIndexByte(u, '@'); at > 0 {
		if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
			return u[:scheme+3] + "…" + u[at:]
		}
	}
	return u
}
