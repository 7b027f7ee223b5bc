package migrations

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// pgBootstrap creates the table recording applied migrations.
const pgBootstrap = `CREATE TABLE IF NOT EXISTS codev_migrations (
    name       text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// MigratePostgres brings the database of pool up to date: River's tables,
// codev's tables, and the signing secret. Running it on an up-to-date
// database changes nothing. Concurrent runs wait for each other (an advisory
// lock held on one of pool's connections, so pool needs at least two), since
// River's migrations can't run concurrently.
func MigratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	return migrate(ctx, &pgDatabase{pool: pool})
}

// PendingPostgres lists the migrations MigratePostgres would apply: River's
// first, named "river/NNN_name", then codev's, named "NNNN_name". It is empty
// on an up-to-date database.
func PendingPostgres(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	return pending(ctx, &pgDatabase{pool: pool})
}

// pgDatabase is the PostgreSQL database.
type pgDatabase struct {
	pool *pgxpool.Pool
}

func (d *pgDatabase) dir() string       { return "postgres" }
func (d *pgDatabase) bootstrap() string { return pgBootstrap }

// migrateLockKey is the advisory lock key that serializes migrators.
const migrateLockKey = 0x636f646576 // "codev"

// unlockTimeout bounds giving the migration lock back.
const unlockTimeout = 10 * time.Second

func (d *pgDatabase) lock(ctx context.Context) (func(), error) {
	conn, err := d.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLockKey)); err != nil {
		conn.Release()
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, int64(migrateLockKey)); err != nil {
			// Closing the session releases its locks too.
			_ = conn.Hijack().Close(ctx)
			return
		}
		conn.Release()
	}, nil
}

func (d *pgDatabase) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := d.pool.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (d *pgDatabase) inTx(ctx context.Context, fn func(q querier) error) error {
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error { return fn(pgQuerier{tx}) })
}

func (d *pgDatabase) applied(ctx context.Context) ([]string, error) {
	var exists bool
	if err := d.pool.QueryRow(ctx, `SELECT to_regclass('codev_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, nil
	}
	rows, err := d.pool.Query(ctx, `SELECT name FROM codev_migrations`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (d *pgDatabase) migrator() (*rivermigrate.Migrator[pgx.Tx], error) {
	return rivermigrate.New(riverpgxv5.New(d.pool), riverConfig())
}

func (d *pgDatabase) riverMigrate(ctx context.Context) error {
	m, err := d.migrator()
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

func (d *pgDatabase) riverPending(ctx context.Context) ([]rivermigrate.Migration, error) {
	m, err := d.migrator()
	if err != nil {
		return nil, err
	}
	return riverPendingFrom(ctx, m)
}

// pgQuerier runs statements in a pgx transaction.
type pgQuerier struct {
	tx pgx.Tx
}

func (q pgQuerier) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := q.tx.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
