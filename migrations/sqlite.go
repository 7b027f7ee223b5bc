package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// sqliteBootstrap creates the table recording applied migrations.
const sqliteBootstrap = `CREATE TABLE IF NOT EXISTS codev_migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`

// MigrateSQLite brings the database db up to date: River's tables, codev's
// tables, and the signing secret. Running it on an up-to-date database
// changes nothing. db should be opened as the sqlite package opens it (one
// connection, foreign keys on). Unlike MigratePostgres, it must not run
// concurrently on one database: SQLite serves one process, which migrates
// once at a time.
func MigrateSQLite(ctx context.Context, db *sql.DB) error {
	return migrate(ctx, &sqliteDatabase{db: db})
}

// PendingSQLite lists the migrations MigrateSQLite would apply: River's
// first, named "river/NNN_name", then codev's, named "NNNN_name". It is empty
// on an up-to-date database.
func PendingSQLite(ctx context.Context, db *sql.DB) ([]string, error) {
	return pending(ctx, &sqliteDatabase{db: db})
}

// sqliteDatabase is the SQLite database.
type sqliteDatabase struct {
	db *sql.DB
}

func (d *sqliteDatabase) dir() string       { return "sqlite" }
func (d *sqliteDatabase) bootstrap() string { return sqliteBootstrap }

// lock does nothing: SQLite serves one process per file, which runs one
// migration at a time.
func (d *sqliteDatabase) lock(context.Context) (func(), error) { return func() {}, nil }

func (d *sqliteDatabase) exec(ctx context.Context, query string, args ...any) (int64, error) {
	return execResult(d.db.ExecContext(ctx, query, args...))
}

func (d *sqliteDatabase) inTx(ctx context.Context, fn func(q querier) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if err := fn(sqliteQuerier{tx}); err != nil {
		return err
	}
	return tx.Commit()
}

func (d *sqliteDatabase) applied(ctx context.Context) ([]string, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'codev_migrations'`).Scan(&n)
	if err != nil || n == 0 {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM codev_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}

func (d *sqliteDatabase) migrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	return rivermigrate.New(riversqlite.New(d.db), riverConfig())
}

func (d *sqliteDatabase) riverMigrate(ctx context.Context) error {
	m, err := d.migrator()
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func (d *sqliteDatabase) riverPending(ctx context.Context) ([]rivermigrate.Migration, error) {
	m, err := d.migrator()
	if err != nil {
		return nil, err
	}
	return riverPendingFrom(ctx, m)
}

// sqliteQuerier runs statements in a database/sql transaction.
type sqliteQuerier struct {
	tx *sql.Tx
}

func (q sqliteQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	return execResult(q.tx.ExecContext(ctx, query, args...))
}

// execResult returns the rows affected of a database/sql result.
func execResult(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("error reading rows affected: %w", err)
	}
	return n, nil
}
