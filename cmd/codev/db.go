package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/codev-org/codev/migrations"
	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
)

// database is one of the two stores with what cmd needs around it:
// migrations and a River client of the matching driver.
type database struct {
	workflow.Store
	kind       string // "postgres" or "sqlite"
	migrate    func(context.Context) error
	pending    func(context.Context) ([]string, error)
	startRiver func(context.Context, *river.Config) (*jobQueue, error)
}

// jobQueue is a started River client: how to stop it, and River UI's
// handler for it (mounted by `codev dev`).
type jobQueue struct {
	stop func(context.Context) error
	// ui builds River UI's handler, served under prefix, running its
	// background services until ctx is done.
	ui func(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error)
}

// startQueue starts a River client of any driver.
func startQueue[TTx any](ctx context.Context, c *river.Client[TTx]) (*jobQueue, error) {
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return &jobQueue{stop: c.Stop, ui: func(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error) {
		h, err := riverui.NewHandler(&riverui.HandlerOpts{Endpoints: riverui.NewEndpoints(c, nil), Logger: log, Prefix: prefix})
		if err != nil {
			return nil, fmt.Errorf("error building River UI: %w", err)
		}
		if err := h.Start(ctx); err != nil {
			return nil, fmt.Errorf("error starting River UI: %w", err)
		}
		return h, nil
	}}, nil
}

// defaultSQLite is the embedded default: a file in the working directory.
const defaultSQLite = "codev.db"

// openDatabase opens the store CODEV_DATABASE_URL names: postgres://… or
// postgresql://… for PostgreSQL, sqlite:PATH for SQLite, empty for the
// default SQLite file.
func openDatabase(ctx context.Context, url string, log *slog.Logger) (*database, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s, err := postgres.Open(ctx, url, log)
		if err != nil {
			return nil, err
		}
		return &database{
			Store: s, kind: "postgres",
			migrate: func(ctx context.Context) error { return migrations.MigratePostgres(ctx, s.Pool()) },
			pending: func(ctx context.Context) ([]string, error) { return migrations.PendingPostgres(ctx, s.Pool()) },
			startRiver: func(ctx context.Context, cfg *river.Config) (*jobQueue, error) {
				c, err := s.NewRiverClient(cfg)
				if err != nil {
					return nil, err
				}
				return startQueue(ctx, c)
			},
		}, nil
	case url == "" || strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			path = defaultSQLite
		}
		s, err := sqlite.Open(ctx, path, log)
		if err != nil {
			return nil, err
		}
		return &database{
			Store: s, kind: "sqlite",
			migrate: func(ctx context.Context) error { return migrations.MigrateSQLite(ctx, s.DB()) },
			pending: func(ctx context.Context) ([]string, error) { return migrations.PendingSQLite(ctx, s.DB()) },
			startRiver: func(ctx context.Context, cfg *river.Config) (*jobQueue, error) {
				c, err := s.NewRiverClient(cfg)
				if err != nil {
					return nil, err
				}
				return startQueue(ctx, c)
			},
		}, nil
	}
	return nil, fmt.Errorf("CODEV_DATABASE_URL: %q is neither postgres://… nor sqlite:PATH", redact(url))
}

// ready fails with what to run when the database is not migrated.
func (d *database) ready(ctx context.Context) error {
	p, err := d.pending(ctx)
	if err != nil {
		return fmt.Errorf("error checking migrations: %w", err)
	}
	if len(p) > 0 {
		return fmt.Errorf("the database is not migrated (%d migration(s) pending, first %s): run `codev migrate` first", len(p), p[0])
	}
	return nil
}

// secret loads the token signing key.
func (d *database) signer(ctx context.Context) (*workflow.Signer, error) {
	var key []byte
	err := d.InTx(ctx, func(tx workflow.Tx) error {
		var err error
		key, err = tx.Secret(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error loading the signing secret: %w", err)
	}
	return workflow.NewSigner(key), nil
}

// redact hides the password of a URL for error messages.
func redact(u string) string {
	if at := strings.LastIndexByte(u, '@'); at > 0 {
		if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
			return u[:scheme+3] + "…" + u[at:]
		}
	}
	return u
}

// generator makes random calendar UIDs and feed tokens.
type generator struct{ domain string }

func (g generator) UID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return fmt.Sprintf("session-%s-%s-%s-%s-%s@%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:], g.domain)
}

func (g generator) Token() string { return strings.ToLower(rand.Text()) }
