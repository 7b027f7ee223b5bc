package migrations_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/migrations"
	"github.com/codev-org/codev/sqlite"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(pgtest.Wrap(m))
}

// dialect is one database kind under test.
type dialect struct {
	name       string
	concurrent bool // concurrent migrations are supported
	open       func(t *testing.T) dialectDB
	migrate    func(ctx context.Context, db dialectDB) error
	pending    func(ctx context.Context, db dialectDB) ([]string, error)
}

// dialectDB is an open, empty database of either kind, with a helper to
// read the signing secret.
type dialectDB struct {
	pool *pgxpool.Pool
	db   *sql.DB
}

func (d dialectDB) secret(t *testing.T) []byte {
	t.Helper()
	const q = `SELECT value FROM settings WHERE name = 'signing_secret'`
	var secret []byte
	if d.pool != nil {
		require.NoError(t, d.pool.QueryRow(context.Background(), q).Scan(&secret))
	} else {
		require.NoError(t, d.db.QueryRow(q).Scan(&secret))
	}
	return secret
}

func dialects() []dialect {
	return []dialect{
		{
			name:       "Postgres",
			concurrent: true,
			open: func(t *testing.T) dialectDB {
				pool, err := pgxpool.New(context.Background(), pgtest.NewEmptyDatabase(t))
				require.NoError(t, err)
				t.Cleanup(pool.Close)
				return dialectDB{pool: pool}
			},
			migrate: func(ctx context.Context, db dialectDB) error { return migrations.MigratePostgres(ctx, db.pool) },
			pending: func(ctx context.Context, db dialectDB) ([]string, error) {
				return migrations.PendingPostgres(ctx, db.pool)
			},
		},
		{
			name: "SQLite",
			open: func(t *testing.T) dialectDB {
				s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "codev.db"), nil)
				require.NoError(t, err)
				t.Cleanup(func() { require.NoError(t, s.Close()) })
				return dialectDB{db: s.DB()}
			},
			migrate: func(ctx context.Context, db dialectDB) error { return migrations.MigrateSQLite(ctx, db.db) },
			pending: func(ctx context.Context, db dialectDB) ([]string, error) { return migrations.PendingSQLite(ctx, db.db) },
		},
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()

	for _, d := range dialects() {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()

			t.Run("PendingListsEverythingOnEmptyDatabase", func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := d.open(t)

				pending, err := d.pending(ctx, db)
				require.NoError(t, err)
				require.Contains(t, pending, "river/001_create_river_migration")
				require.Equal(t, []string{"0001_init", "0002_logins", "0003_session_pinned", "0004_group_wake", "0005_timing", "0006_session_moved_from", "0007_request_text"}, pending[len(pending)-7:],
					"river's first, then ours, in order")
				require.True(t, strings.HasPrefix(pending[0], "river/"))
			})

			t.Run("MigrateThenNothingPending", func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := d.open(t)

				require.NoError(t, d.migrate(ctx, db))
				pending, err := d.pending(ctx, db)
				require.NoError(t, err)
				require.Empty(t, pending)
				require.GreaterOrEqual(t, len(db.secret(t)), 32)
			})

			t.Run("ConcurrentMigrationsWaitForEachOther", func(t *testing.T) {
				t.Parallel()
				if !d.concurrent {
					t.Skip("one migrator at a time on SQLite")
				}
				ctx := context.Background()
				db := d.open(t)

				errs := make([]error, 3)
				var wg sync.WaitGroup
				for i := range errs {
					wg.Go(func() { errs[i] = d.migrate(ctx, db) })
				}
				wg.Wait()
				for _, err := range errs {
					require.NoError(t, err)
				}
				pending, err := d.pending(ctx, db)
				require.NoError(t, err)
				require.Empty(t, pending)
			})

			t.Run("MigrateTwiceIsNoOp", func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := d.open(t)

				require.NoError(t, d.migrate(ctx, db))
				secret := db.secret(t)
				require.NoError(t, d.migrate(ctx, db))
				require.Equal(t, secret, db.secret(t), "the signing secret is kept")
				pending, err := d.pending(ctx, db)
				require.NoError(t, err)
				require.Empty(t, pending)
			})
		})
	}
}
