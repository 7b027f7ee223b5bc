// Package sqlitetest gives tests a migrated SQLite store fast: the
// migrations run once per test binary, into a file that each test copies.
// Migrating a file for every test was most of the CPU of the workflow, web
// and sqlstore test suites.
package sqlitetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/migrations"
	"github.com/codev-org/codev/sqlite"
)

// migrated holds the bytes of a migrated, empty database, made once per
// test binary.
var migrated = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "codev-sqlitetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "codev.db")
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		return nil, err
	}
	if err := migrations.MigrateSQLite(context.Background(), s.DB()); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("error migrating the template database: %w", err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		return nil, err
	}
	return os.ReadFile(path)
})

// Open returns a store on a fresh copy of the migrated database, closed
// when t ends. Each copy gets a signing secret of its own, as every
// database that `codev migrate` creates has.
func Open(t testing.TB) *sqlite.Store {
	t.Helper()
	schema, err := migrated()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "codev.db")
	require.NoError(t, os.WriteFile(path, schema, 0o600))
	s, err := sqlite.Open(context.Background(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	_, err = s.DB().ExecContext(context.Background(), `UPDATE settings SET value = $1 WHERE name = 'signing_secret'`, secret)
	require.NoError(t, err)
	return s
}
