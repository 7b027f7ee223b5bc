package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(Wrap(m))
}

// connect opens a connection to url, closed when t ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, conn.Close(context.Background())) })
	return conn
}

func TestNewDatabase(t *testing.T) {
	t.Parallel()

	t.Run("Migrated", func(t *testing.T) {
		t.Parallel()
		conn := connect(t, NewDatabase(t))

		var secrets, jobs int
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM settings`).Scan(&secrets))
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT count(*) FROM river_job`).Scan(&jobs))
		require.Equal(t, 1, secrets)
		require.Zero(t, jobs)
	})

	t.Run("Isolated", func(t *testing.T) {
		t.Parallel()
		url1, url2 := NewDatabase(t), NewDatabase(t)
		require.NotEqual(t, url1, url2)

		_, err := connect(t, url1).Exec(t.Context(), `INSERT INTO imap_cursors VALUES ('INBOX', 1, 2)`)
		require.NoError(t, err)
		var n int
		require.NoError(t, connect(t, url2).QueryRow(t.Context(), `SELECT count(*) FROM imap_cursors`).Scan(&n))
		require.Zero(t, n)
	})

	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		conn := connect(t, NewEmptyDatabase(t))

		var exists bool
		require.NoError(t, conn.QueryRow(t.Context(), `SELECT to_regclass('settings') IS NOT NULL`).Scan(&exists))
		require.False(t, exists)
	})

	t.Run("DroppedWhenTestEnds", func(t *testing.T) {
		t.Parallel()
		var url string
		t.Run("Inner", func(t *testing.T) { url = NewEmptyDatabase(t) })

		_, err := pgx.Connect(t.Context(), url)
		require.ErrorContains(t, err, "does not exist")
	})
}

// Not parallel: it changes PATH.
func TestFindBinariesSaysWhatIsMissing(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty)

	_, err := findBinaries(filepath.Join(empty, "*", "bin"))
	require.ErrorContains(t, err, "no initdb and postgres binaries")

	bin := filepath.Join(empty, "16", "bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	for _, name := range []string{"initdb", "postgres"} {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), nil, 0o755))
	}
	dir, err := findBinaries(filepath.Join(empty, "*", "bin"))
	require.NoError(t, err)
	require.Equal(t, bin, dir)
}
