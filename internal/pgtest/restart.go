package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a PostgreSQL server started for one test alone, which the test
// may restart to check that its code recovers from a database restart. The
// server that NewDatabase uses is shared by the tests of a binary and must
// never be disturbed.
type Cluster struct {
	c    *cluster
	bin  string
	cred *syscall.Credential
}

// NewCluster starts a throwaway cluster for t, stopped and removed when t
// ends. It skips t when URLEnv names a server: the tests then run without
// local binaries, and that server cannot be restarted.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	if os.Getenv(URLEnv) != "" {
		t.Skipf("pgtest: %s is set: no local cluster to restart", URLEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	bin, err := findBinaries(debianBinGlob)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cred, err := credential()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	dir, err := os.MkdirTemp("", "codev-pgtest-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	c := &Cluster{c: &cluster{dir: dir}, bin: bin, cred: cred}
	t.Cleanup(func() {
		if err := c.c.stop(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	if err := c.c.init(ctx, bin, cred); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := c.c.run(ctx, bin, cred); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return c
}

// NewDatabase creates an empty database on the cluster and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.c.url())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	name := "codev_test_" + randomHex()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: error creating database %s: %v", name, err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.c.port, name)
}

// Restart stops the server with a fast shutdown (every session is cut, as
// in a failover or a crash-restart), leaves it down for down, and starts it
// again on the same port and data.
func (c *Cluster) Restart(t testing.TB, down time.Duration) {
	t.Helper()
	if err := c.halt(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	time.Sleep(down)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := c.c.run(ctx, c.bin, c.cred); err != nil {
		t.Fatalf("pgtest: error restarting: %v", err)
	}
}

// halt stops the server and keeps its directory.
func (c *Cluster) halt() error {
	if err := c.c.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("error stopping postgres: %w", err)
	}
	select {
	case <-c.c.done:
		return nil
	case <-time.After(stopTimeout):
		_ = c.c.cmd.Process.Kill()
		<-c.c.done
		return errors.New("postgres did not stop in time and was killed")
	}
}
