package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

func TestClusterRestart(t *testing.T) {
	t.Parallel()
	c := NewCluster(t)
	url := c.NewDatabase(t)
	conn := connect(t, url)
	_, err := conn.Exec(t.Context(), "CREATE TABLE t (v int); INSERT INTO t VALUES (42)")
	require.NoError(t, err)

	c.Restart(t, 100*time.Millisecond)
	// The old session was cut; a new one sees the data, on the same URL.
	require.Error(t, conn.Ping(t.Context()))
	conn2, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn2.Close(context.Background())
	var v int
	require.NoError(t, conn2.QueryRow(t.Context(), "SELECT v FROM t").Scan(&v))
	require.Equal(t, 42, v)
}
