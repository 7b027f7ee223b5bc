package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/codev-org/codev/internal/stores"
	"github.com/codev-org/codev/workflow"
)

// database is the store CODEV_DATABASE_URL names, with what cmd needs
// around it (internal/stores): migrations, River clients of its driver, job
// counts, orphan rescue.
type database struct {
	*stores.Database
}

// openDatabase opens the store CODEV_DATABASE_URL names: postgres://… or
// postgresql://… for PostgreSQL, sqlite:PATH for SQLite, empty for the
// default SQLite file (stores.Open).
func openDatabase(ctx context.Context, url string, log *slog.Logger) (*database, error) {
	d, err := stores.Open(ctx, url, log)
	if errors.Is(err, stores.ErrUnknownURL) {
		return nil, fmt.Errorf("CODEV_DATABASE_URL: %w", err)
	}
	if err != nil {
		return nil, err
	}
	return &database{d}, nil
}

// ready fails with what to run when the database is not migrated.
func (d *database) ready(ctx context.Context) error {
	p, err := d.PendingMigrations(ctx)
	if err != nil {
		return fmt.Errorf("error checking migrations: %w", err)
	}
	if len(p) > 0 {
		return fmt.Errorf("the database is not migrated (%d migration(s) pending, first %s): run `codev migrate` first", len(p), p[0])
	}
	return nil
}

// signer loads the token signing key.
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
