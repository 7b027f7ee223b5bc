package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// debianBinGlob is where Debian's packages put the server binaries, off PATH.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// stopTimeout bounds a fast shutdown before the server is killed.
const stopTimeout = 30 * time.Second

// serverSettings trade durability for speed: the cluster is thrown away.
func serverSettings() []string {
	return []string{"fsync=off", "full_page_writes=off", "synchronous_commit=off", "max_connections=200"}
}

// cluster is a throwaway PostgreSQL server running from a temporary directory.
type cluster struct {
	dir  string // holds data/, the socket and postgres.log
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the server exits
}

// startCluster initializes a cluster in a temporary directory and starts it.
func startCluster(ctx context.Context) (*cluster, error) {
	bin, err := findBinaries(debianBinGlob)
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "codev-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("error creating directory: %w", err)
	}
	c := &cluster{dir: dir}
	if err := c.init(ctx, bin, cred); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	if err := c.run(ctx, bin, cred); err != nil {
		_ = c.stop()
		return nil, err
	}
	return c, nil
}

// findBinaries returns the directory holding initdb and postgres: PATH's,
// else the newest matching glob.
func findBinaries(glob string) (string, error) {
	if p, err := exec.LookPath("postgres"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob(glob)
	slices.SortFunc(dirs, func(a, b string) int { return majorVersion(b) - majorVersion(a) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", errors.New("no initdb and postgres binaries on PATH or under " + glob)
}

// majorVersion is the version in a path like /usr/lib/postgresql/15/bin.
func majorVersion(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// credential returns the postgres user's when running as root, which
// PostgreSQL refuses; nil otherwise.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs a postgres user to run the server as: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("error parsing uid of postgres: %w", err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("error parsing gid of postgres: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// command returns bin/name with args, run in the cluster's directory as cred.
func (c *cluster) command(ctx context.Context, bin string, cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// init runs initdb: trust authentication for user postgres, UTF8, C locale.
func (c *cluster) init(ctx context.Context, bin string, cred *syscall.Credential) error {
	if cred != nil {
		if err := os.Chown(c.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("error giving %s to the postgres user: %w", c.dir, err)
		}
	}
	cmd := c.command(ctx, bin, cred, "initdb", "-D", filepath.Join(c.dir, "data"), "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("error running initdb: %w\n%s", err, out)
	}
	return nil
}

// run starts the server on a free port (on its previous port when it ran
// before) and waits until it accepts connections.
func (c *cluster) run(ctx context.Context, bin string, cred *syscall.Credential) error {
	if c.port == 0 {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.port = port
	}
	logFile, err := os.OpenFile(filepath.Join(c.dir, "postgres.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("error creating server log: %w", err)
	}
	defer logFile.Close()
	args := []string{"-D", filepath.Join(c.dir, "data"), "-p", strconv.Itoa(c.port),
		"-k", c.dir, "-c", "listen_addresses=127.0.0.1"}
	for _, s := range serverSettings() {
		args = append(args, "-c", s)
	}
	// Not CommandContext: the server outlives ctx, which only bounds the start.
	c.cmd = c.command(context.Background(), bin, cred, "postgres", args...)
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	// Kill the server should the test binary die without stopping it.
	c.cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("error starting postgres: %w", err)
	}
	c.done = make(chan struct{})
	go func() {
		_ = c.cmd.Wait()
		close(c.done)
	}()
	return c.waitReady(ctx)
}

// waitReady polls until the server accepts a connection, exits, or ctx ends.
func (c *cluster) waitReady(ctx context.Context) error {
	for {
		conn, err := pgx.Connect(ctx, c.url())
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.done:
			return fmt.Errorf("postgres exited: %s", c.log())
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections: %w: %s", err, c.log())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// url is the URL of the cluster's postgres database.
func (c *cluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// log returns the server's log, for errors.
func (c *cluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	return strings.TrimSpace(string(b))
}

// stop shuts the server down (fast shutdown, then kill) and removes its
// directory.
func (c *cluster) stop() error {
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(stopTimeout):
			_ = c.cmd.Process.Kill()
			<-c.done
			err = errors.New("postgres did not stop in time and was killed")
		}
	}
	if rerr := os.RemoveAll(c.dir); rerr != nil && err == nil {
		err = fmt.Errorf("error removing %s: %w", c.dir, rerr)
	}
	return err
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("error finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
