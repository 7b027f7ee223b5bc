package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// devRun is a `codev dev` started through Main.Run, as `go run ./cmd/codev
// dev` starts it.
type devRun struct {
	t      *testing.T
	url    string // the page address it printed
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startDev runs `codev dev --data dir --addr 127.0.0.1:0 args...` and waits
// for the address it prints. It is stopped when the test ends.
func startDev(t *testing.T, dir string, args ...string) *devRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &devRun{t: t, out: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	m := &Main{Stdin: strings.NewReader(""), Stdout: d.out, Stderr: d.out, Getenv: func(string) string { return "" }}
	go func() { d.done <- m.Run(ctx, append([]string{"dev", "--data", dir, "--addr", "127.0.0.1:0"}, args...)) }()
	t.Cleanup(func() { d.stop() })
	printed := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)/`)
	deadline := time.After(60 * time.Second)
	for {
		if m := printed.FindStringSubmatch(d.out.String()); m != nil {
			d.url = m[1]
			return d
		}
		select {
		case code := <-d.done:
			d.done <- code
			t.Fatalf("codev dev exited with %d before printing its address:\n%s", code, d.out.String())
		case <-deadline:
			t.Fatalf("codev dev printed no address in 60s:\n%s", d.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop interrupts codev dev, as Ctrl-C does, and checks that it exits 0.
func (d *devRun) stop() {
	d.cancel()
	code := <-d.done
	d.done <- code
	require.Equal(d.t, 0, code, d.out.String())
}

// get returns a page's body, failing on any status but 200.
func (d *devRun) get(path string) string {
	d.t.Helper()
	resp, err := http.Get(d.url + path)
	require.NoError(d.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(d.t, err)
	require.Equal(d.t, http.StatusOK, resp.StatusCode, string(body))
	return string(body)
}

// post submits a form as the page's buttons do, following the redirect.
func (d *devRun) post(path string, form url.Values) string {
	d.t.Helper()
	resp, err := http.PostForm(d.url+path, form)
	require.NoError(d.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(d.t, err)
	require.Equal(d.t, http.StatusOK, resp.StatusCode, string(body))
	return string(body)
}

var devNow = regexp.MustCompile(`id="now">([^<]+)<`)

// now reads the dev time the page shows.
func (d *devRun) now() time.Time {
	d.t.Helper()
	m := devNow.FindStringSubmatch(d.get("/"))
	require.NotNil(d.t, m)
	t, err := time.Parse("Mon 2 Jan 2006 15:04 MST", m[1])
	require.NoError(d.t, err)
	return t
}

// TestDevPrintsAddress runs `codev dev` as the binary does and finds the
// page, the English demo group, River UI and codev's own routes at the
// address it printed.
func TestDevPrintsAddress(t *testing.T) {
	t.Parallel()
	d := startDev(t, t.TempDir(), "--lang", "en")
	require.Contains(t, d.out.String(), `seeded the demo group "Team Leads Leeds"`)
	page := d.get("/")
	require.Contains(t, page, "Team Leads Leeds")
	require.Contains(t, page, "sarah@example.org")
	require.Contains(t, page, `href="`+d.url+`/cal/`, "the group's feed link")
	require.Contains(t, d.get("/healthz"), "ok", "codev's own routes are served beside the page")
	require.Contains(t, d.get("/admin/jobs/"), "<html", "River UI")
	require.Contains(t, d.get("/admin/jobs/api/jobs?state=completed"), `"data"`)
}

// TestDevRestartKeepsState stops and starts `codev dev` on one data folder:
// the group is not seeded again, and the clock and the mailboxes are kept.
func TestDevRestartKeepsState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := startDev(t, dir)
	require.Contains(t, d.out.String(), `seeded the demo group "Managers Lyon"`)
	start := d.now()
	// The welcome and six invitations reach each member.
	require.Eventually(t, func() bool { return strings.Contains(d.get("/inbox/alice@example.org"), "7 emails") },
		30*time.Second, 100*time.Millisecond)
	d.post("/clock", url.Values{"move": {"week"}, "back": {"/"}})
	moved := d.now()
	require.GreaterOrEqual(t, moved.Sub(start), 7*24*time.Hour-time.Hour, "a week later (an hour less across a change of summer time)")
	d.stop()

	again := startDev(t, dir, "--lang", "en")
	require.NotContains(t, again.out.String(), "seeded", "an existing group is kept, whatever --lang says")
	page := again.get("/")
	require.Equal(t, 1, strings.Count(page, `<section class="group">`))
	require.Contains(t, page, "Managers Lyon")
	require.WithinDuration(t, moved, again.now(), 2*time.Minute, "the dev clock goes on from where it was")
	require.Contains(t, again.get("/inbox/alice@example.org"), "[Codev Managers Lyon] Bienvenue", "mailboxes are kept")
}

// TestDevPortInUse names the way out when the address is taken.
func TestDevPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	addr := ln.Addr().String()
	port, _ := strconv.Atoi(addr[strings.LastIndexByte(addr, ':')+1:])
	out := &syncBuffer{}
	m := &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), []string{"dev", "--data", t.TempDir(), "--addr", addr})
	require.Equal(t, 1, code)
	require.Contains(t, out.String(), "codev dev: address "+addr+" is already in use: stop the other process or pass --addr 127.0.0.1:"+strconv.Itoa(port+1))
}

func TestNextPort(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in, want string }{
		{"Default", "127.0.0.1:8080", "127.0.0.1:8081"},
		{"IPv6", "[::1]:9000", "[::1]:9001"},
		{"NoPort", "localhost", "127.0.0.1:8081"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, nextPort(tt.in))
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the goroutine that runs codev dev
// and the test that reads its output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
