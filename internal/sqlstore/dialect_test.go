package sqlstore

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// The queries are written once with $n placeholders: modernc.org/sqlite must
// bind them by number, reused or out of order, as PostgreSQL does.
func TestSQLiteBindsNumberedPlaceholders(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)

	var a, b, c string
	var n int64
	err := db.QueryRow(`SELECT $2, $1, $2, $3`, "one", "two", int64(3)).Scan(&a, &b, &c, &n)
	require.NoError(t, err)
	require.Equal(t, []string{"two", "one", "two"}, []string{a, b, c})
	require.Equal(t, int64(3), n)
}

func TestTimeRoundTrip(t *testing.T) {
	t.Parallel()

	in := time.Date(2026, 3, 29, 3, 4, 5, 123456789, time.FixedZone("CEST", 7200))
	want := time.Date(2026, 3, 29, 1, 4, 5, 123456000, time.UTC)

	require.Equal(t, "2026-03-29T01:04:05.123456Z", SQLite.time(in))
	require.Equal(t, want, Postgres.time(in))
	require.Nil(t, SQLite.nullTime(time.Time{}))
	require.Nil(t, Postgres.nullTime(time.Time{}))

	db := openSQLite(t)
	var got time.Time
	require.NoError(t, db.QueryRow(`SELECT $1`, SQLite.time(in)).Scan(timeDest{&got}))
	require.Equal(t, want, got)
	require.NoError(t, db.QueryRow(`SELECT NULL`).Scan(timeDest{&got}))
	require.True(t, got.IsZero())

	require.NoError(t, timeDest{&got}.Scan(in))
	require.Equal(t, time.UTC, got.Location())
	require.Error(t, timeDest{&got}.Scan(42))
	require.Error(t, timeDest{&got}.Scan("yesterday"))
}

func TestTimeTextSorts(t *testing.T) {
	t.Parallel()

	early := SQLite.time(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).(string)
	late := SQLite.time(time.Date(2026, 1, 1, 0, 0, 0, 1000, time.UTC)).(string)
	require.Less(t, early, late)
	require.Len(t, late, len(early), "fixed width")
}

func TestIsUniqueViolation(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)

	_, err := db.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO t VALUES ('a', 'x', 'n')`)
	require.NoError(t, err)

	_, err = db.Exec(`INSERT INTO t VALUES ('a', 'y', 'n')`)
	require.True(t, isUniqueViolation(err), "primary key: %v", err)
	_, err = db.Exec(`INSERT INTO t VALUES ('b', 'x', 'n')`)
	require.True(t, isUniqueViolation(err), "unique: %v", err)
	_, err = db.Exec(`INSERT INTO t VALUES ('c', 'z', NULL)`)
	require.Error(t, err)
	require.False(t, isUniqueViolation(err), "not null: %v", err)

	require.True(t, isUniqueViolation(&pgconn.PgError{Code: "23505"}))
	require.False(t, isUniqueViolation(&pgconn.PgError{Code: "23503"}))
	require.False(t, isUniqueViolation(errors.New("UNIQUE constraint failed")))
	require.False(t, isUniqueViolation(nil))
}

func TestNullID(t *testing.T) {
	t.Parallel()

	require.Nil(t, nullID(0))
	require.Equal(t, int64(7), nullID(7))

	var id int64 = 9
	require.NoError(t, idDest{&id}.Scan(nil))
	require.Zero(t, id)
	require.NoError(t, idDest{&id}.Scan(int64(4)))
	require.Equal(t, int64(4), id)
	require.Error(t, idDest{&id}.Scan("4"))
}
