// Package migrations creates and upgrades codev's database schema, River's
// tables included, for PostgreSQL and SQLite.
//
// Each dialect has numbered, forward-only SQL files (postgres/0001_init.up.sql,
// sqlite/0001_init.up.sql, ...) embedded in the binary. Migrate applies River's
// migrations first (rivermigrate, DirectionUp), then every file not yet
// recorded in codev_migrations, each in its own transaction together with the
// row that records it, and finally makes sure a random signing secret exists
// in settings. Pending lists what Migrate would apply, so that `codev serve`
// can refuse to start on a database that `codev migrate` has not upgraded.
//
// Only cmd/codev and the test helper internal/pgtest import this package,
// and tests' TestMain.
package migrations

import (
	"context"
	"crypto/rand"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
)

//go:embed postgres/*.up.sql sqlite/*.up.sql
var files embed.FS

// secretName is the settings row that holds the key signing reply and link
// tokens; internal/sqlstore reads it under the same name.
const secretName = "signing_secret"

// secretSize is the length in bytes of a new signing secret.
const secretSize = 32

// recordSQL records a migration as applied; it inserts nothing when it was.
const recordSQL = `INSERT INTO codev_migrations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`

// secretSQL inserts the signing secret unless there is one.
const secretSQL = `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`

// riverPrefix starts the names that Pending gives River's migrations.
const riverPrefix = "river/"

// querier runs statements inside one transaction.
type querier interface {
	// exec runs a statement and returns the number of rows it affected. A
	// statement without args may hold several statements.
	exec(ctx context.Context, sql string, args ...any) (int64, error)
}

// database is what the migration steps need from one dialect.
type database interface {
	querier
	// dir is the folder of the dialect's files in the embedded FS.
	dir() string
	// bootstrap is the statement creating codev_migrations if missing.
	bootstrap() string
	// lock keeps other migrators of the database waiting until unlock.
	lock(ctx context.Context) (unlock func(), err error)
	// inTx runs fn in one transaction, committed when fn returns nil.
	inTx(ctx context.Context, fn func(q querier) error) error
	// applied returns the names recorded in codev_migrations, none when the
	// table does not exist yet.
	applied(ctx context.Context) ([]string, error)
	// riverMigrate applies River's migrations.
	riverMigrate(ctx context.Context) error
	// riverPending returns River's migrations not applied yet.
	riverPending(ctx context.Context) ([]rivermigrate.Migration, error)
}

// migrate applies River's migrations, then ours, then creates the signing
// secret when it is missing.
func migrate(ctx context.Context, db database) error {
	unlock, err := db.lock(ctx)
	if err != nil {
		return fmt.Errorf("error locking database for migration: %w", err)
	}
	defer unlock()
	if err := db.riverMigrate(ctx); err != nil {
		return fmt.Errorf("error applying river migrations: %w", err)
	}
	if _, err := db.exec(ctx, db.bootstrap()); err != nil {
		return fmt.Errorf("error creating codev_migrations: %w", err)
	}
	names, err := fileNames(db.dir())
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := applyFile(ctx, db, name); err != nil {
			return err
		}
	}
	secret := make([]byte, secretSize)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("error generating signing secret: %w", err)
	}
	if _, err := db.exec(ctx, secretSQL, secretName, secret); err != nil {
		return fmt.Errorf("error creating signing secret: %w", err)
	}
	return nil
}

// applyFile applies one migration file in one transaction. It records the
// name first: a name already recorded means the file was applied, so the
// file is skipped.
func applyFile(ctx context.Context, db database, name string) error {
	err := db.inTx(ctx, func(q querier) error {
		n, err := q.exec(ctx, recordSQL, name)
		if err != nil || n == 0 {
			return err
		}
		body, err := files.ReadFile(path.Join(db.dir(), name+".up.sql"))
		if err != nil {
			return err
		}
		_, err = q.exec(ctx, string(body))
		return err
	})
	if err != nil {
		return fmt.Errorf("error applying migration %s/%s: %w", db.dir(), name, err)
	}
	return nil
}

// pending lists River's migrations not applied yet, as "river/NNN_name", then
// ours, as "NNNN_name".
func pending(ctx context.Context, db database) ([]string, error) {
	river, err := db.riverPending(ctx)
	if err != nil {
		return nil, fmt.Errorf("error listing river migrations: %w", err)
	}
	out := make([]string, 0, len(river))
	for _, m := range river {
		out = append(out, fmt.Sprintf("%s%03d_%s", riverPrefix, m.Version, strings.ReplaceAll(m.Name, " ", "_")))
	}
	applied, err := db.applied(ctx)
	if err != nil {
		return nil, fmt.Errorf("error listing applied migrations: %w", err)
	}
	names, err := fileNames(db.dir())
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if !slices.Contains(applied, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// riverPendingFrom returns the migrations of m not yet applied.
func riverPendingFrom[TTx any](ctx context.Context, m *rivermigrate.Migrator[TTx]) ([]rivermigrate.Migration, error) {
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, err
	}
	var out []rivermigrate.Migration
	for _, v := range m.AllVersions() {
		if !slices.ContainsFunc(existing, func(e rivermigrate.Migration) bool { return e.Version == v.Version }) {
			out = append(out, v)
		}
	}
	return out, nil
}

// riverConfig keeps rivermigrate quiet: errors are returned, and its default
// logger writes to standard output.
func riverConfig() *rivermigrate.Config {
	return &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)}
}

// fileNames returns the names of dir's migrations, without ".up.sql", in the
// order they apply.
func fileNames(dir string) ([]string, error) {
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		return nil, fmt.Errorf("error reading embedded migrations %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".up.sql"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}
