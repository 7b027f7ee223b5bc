package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/codev-org/codev/sqlite"
)

// codev is the binary under test, built once.
type codev struct {
	bin string
	dir string // scratch directory
}

func buildCodev(ctx context.Context, dir string) (*codev, error) {
	bin := filepath.Join(dir, "codev")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/codev")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	return &codev{bin: bin, dir: dir}, nil
}

// store is one database codev runs on, and a connection to watch it.
type store struct {
	kind string // sqlite or postgres
	url  string // CODEV_DATABASE_URL
	db   *sql.DB
	pool *pgxpool.Pool
}

func (b *bench) newStore(ctx context.Context, kind, name string) (*store, error) {
	s := &store{kind: kind}
	if kind == "postgres" {
		url, err := b.pg.NewDatabase(ctx, false)
		if err != nil {
			return nil, err
		}
		s.url = url
	} else {
		s.url = "sqlite:" + filepath.Join(b.codev.dir, name+".db")
	}
	if err := b.codev.run(ctx, s.env(nil), "migrate"); err != nil {
		return nil, err
	}
	var err error
	if kind == "postgres" {
		s.pool, err = pgxpool.New(ctx, s.url)
	} else {
		s.db, err = sql.Open("sqlite", sqlite.DSN(strings.TrimPrefix(s.url, "sqlite:")))
	}
	return s, err
}

func (s *store) close() {
	if s.pool != nil {
		s.pool.Close()
	}
	if s.db != nil {
		_ = s.db.Close()
	}
}

// count runs a one-number query.
func (s *store) count(ctx context.Context, query string) (int64, error) {
	var n int64
	if s.pool != nil {
		return n, s.pool.QueryRow(ctx, query).Scan(&n)
	}
	return n, s.db.QueryRowContext(ctx, query).Scan(&n)
}

// env is codev's environment on this store, with extra variables.
func (s *store) env(extra map[string]string) []string {
	env := []string{
		"CODEV_DATABASE_URL=" + s.url,
		"CODEV_FROM=codev@example.org",
		"CODEV_BASE_URL=https://codev.example.org",
		"CODEV_ADDR=127.0.0.1:0",
		"CODEV_RECONCILE_INTERVAL=1h",
		"CODEV_LOG_LEVEL=" + cmpOr(os.Getenv("BENCH_LOG_LEVEL"), "warn"),
		"PATH=" + os.Getenv("PATH"),
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// run runs a codev command to completion.
func (c *codev) run(ctx context.Context, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("codev %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// applyGroups writes and applies n groups of 6 members.
func (c *codev) applyGroups(ctx context.Context, s *store, n, sessions int) error {
	paris, _ := time.LoadLocation("Europe/Paris")
	d := time.Now().In(paris).AddDate(0, 0, 42)
	first := time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, paris)
	for i := 1; i <= n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "name: Groupe %03d\nlanguage: fr\ntimezone: Europe/Paris\nvisio: https://meet.example.org/g%03d\n", i, i)
		fmt.Fprintf(&b, "animator: {name: Animatrice %03d, email: anim%03d@example.org}\nmembers:\n", i, i)
		for m := 1; m <= 6; m++ {
			fmt.Fprintf(&b, "  - {name: Membre %d-%d, email: m%03d-%d@example.org}\n", i, m, i, m)
		}
		fmt.Fprintf(&b, "sessions: {first: %q, every: month, count: %d, duration: 2h}\n", first.Format("2006-01-02 15:04"), sessions)
		f := filepath.Join(c.dir, fmt.Sprintf("group-%03d.yaml", i))
		if err := os.WriteFile(f, []byte(b.String()), 0o600); err != nil {
			return err
		}
		if err := c.run(ctx, s.env(nil), "group", "apply", "-f", f); err != nil {
			return err
		}
	}
	return nil
}

// server is a running codev serve.
type server struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

func (c *codev) serve(env []string) (*server, error) {
	log := filepath.Join(c.dir, fmt.Sprintf("serve-%d.log", time.Now().UnixNano()))
	f, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(c.bin, "serve")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan struct{}), log: log}
	go func() { _ = cmd.Wait(); close(s.done) }()
	return s, nil
}

// stop ends codev serve with SIGTERM.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// rss is the resident memory of the process, in bytes.
func (s *server) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// wait polls cond until it holds, the server exits, or timeout passes.
func (s *server) wait(timeout, every time.Duration, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-s.done:
			b, _ := os.ReadFile(s.log)
			return fmt.Errorf("codev serve exited while waiting for %s:\n%s", what, b)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(every)
	}
}
