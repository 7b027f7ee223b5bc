package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/groupfile"
	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// buildCodev compiles cmd/codev into dir. It is built without the race
// detector even when the tests run with it: under it codev sends about ten
// times slower, and these tests are about crashes, not data races (the
// in-process end-to-end tests run the same code with the detector). In CI,
// `go vet ./...` has already compiled every dependency without it, so this
// only compiles cmd/codev and links.
func buildCodev(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "codev")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// process is `codev serve` run as a subprocess, so that it can be killed.
type process struct {
	t      *testing.T
	bin    string
	env    []string
	log    string // the processes' stderr, appended across restarts
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

func newProcess(t *testing.T, bin string, env map[string]string) *process {
	t.Helper()
	p := &process{t: t, bin: bin, log: filepath.Join(t.TempDir(), "serve.log")}
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	p.env = append(p.env, "CODEV_LOG_LEVEL=warn", "PATH="+os.Getenv("PATH"))
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("codev serve log (end):\n%s", b)
		}
	})
	return p
}

// start starts codev serve.
func (p *process) start() {
	p.t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(p.t, err)
	p.starts++
	fmt.Fprintf(f, "=== start %d at %s\n", p.starts, time.Now().Format(time.StampMicro))
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = p.env
	p.cmd.Stdout, p.cmd.Stderr = f, f
	// Die with the test binary.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	require.NoError(p.t, p.cmd.Start())
	f.Close()
	p.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(p.cmd, p.exited)
}

// kill sends SIGKILL and returns when it was sent, once the process is gone.
func (p *process) kill() time.Time {
	if p.cmd == nil {
		return time.Time{}
	}
	at := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	p.cmd = nil
	return at
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop() {
	p.t.Helper()
	if p.cmd == nil {
		return
	}
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		p.t.Fatal("codev serve did not stop within 60s of SIGTERM")
	}
	p.cmd = nil
}

// running reports whether the process is still alive (it did not crash).
func (p *process) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// groupFile is a group of 6 members with sessions monthly from first.
func groupFile(n int, first time.Time, sessions int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: Groupe %03d\nlanguage: fr\ntimezone: Europe/Paris\nvisio: https://meet.example.org/g%03d\n", n, n)
	fmt.Fprintf(&b, "animator: {name: Animatrice %03d, email: anim%03d@example.org}\nmembers:\n", n, n)
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&b, "  - {name: Membre %d-%d, email: m%03d-%d@example.org}\n", n, i, n, i)
	}
	fmt.Fprintf(&b, "sessions: {first: %q, every: month, count: %d, duration: 2h}\n", first.Format("2006-01-02 15:04"), sessions)
	return b.String()
}

// applyGroups applies n generated groups with the real clock, as `codev
// group apply` does, in one process (much faster than n commands under the
// race detector).
func applyGroups(t *testing.T, e *e2e, n int, first time.Time, sessions int) {
	t.Helper()
	e.m.Clock = nil // the subprocess runs on the real clock
	ctx := context.Background()
	svc, db, err := e.m.offline(ctx)
	require.NoError(t, err)
	defer db.Close()
	for i := 1; i <= n; i++ {
		spec, err := groupfile.Parse(strings.NewReader(groupFile(i, first, sessions)))
		require.NoError(t, err)
		_, err = svc.ApplyGroup(ctx, spec)
		require.NoError(t, err)
	}
}

// firstSession is a session start that lies days ahead, at 18:00 in Paris.
func firstSession(days int) time.Time {
	paris, _ := time.LoadLocation("Europe/Paris")
	d := time.Now().In(paris).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, paris)
}

// openDB opens the test's database beside the subprocess.
func openDB(t *testing.T, e *e2e) *database {
	t.Helper()
	db, err := openDatabase(context.Background(), e.env["CODEV_DATABASE_URL"], nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// countMessages counts the recorded messages, of every group, that keep
// accepts.
func countMessages(t *testing.T, db *database, keep func(*workflow.Message) bool) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.InTx(context.Background(), func(tx workflow.Tx) error {
		n = 0
		groups, err := tx.Groups(context.Background())
		if err != nil {
			return err
		}
		for _, g := range groups {
			msgs, err := tx.Messages(context.Background(), g.ID)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if keep(m) {
					n++
				}
			}
		}
		return nil
	}))
	return n
}

// inboundStatuses are every status a stored inbound message can have.
var inboundStatuses = []string{workflow.InboundPending, workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored}

// countInbound counts the stored inbound messages that keep accepts.
func countInbound(t *testing.T, db *database, keep func(*workflow.Inbound) bool) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.InTx(context.Background(), func(tx workflow.Tx) error {
		n = 0
		for _, status := range inboundStatuses {
			ins, err := tx.InboundByStatus(context.Background(), status)
			if err != nil {
				return err
			}
			for _, in := range ins {
				require.Equal(t, status, in.Status)
				if keep(in) {
					n++
				}
			}
		}
		return nil
	}))
	return n
}

// countAnswers counts the stored answers of every group.
func countAnswers(t *testing.T, db *database) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.InTx(context.Background(), func(tx workflow.Tx) error {
		n = 0
		groups, err := tx.Groups(context.Background())
		if err != nil {
			return err
		}
		for _, g := range groups {
			answers, err := tx.Answers(context.Background(), g.ID)
			if err != nil {
				return err
			}
			n += int64(len(answers))
		}
		return nil
	}))
	return n
}

// receivedByID indexes what the SMTP server got by Message-ID.
func receivedByID(msgs []smtptest.Received) map[string][]smtptest.Received {
	out := map[string][]smtptest.Received{}
	for _, m := range msgs {
		id := mailroom.MessageID(m.Data)
		out[id] = append(out[id], m)
	}
	return out
}

// waitUntil polls cond every interval until it holds or timeout passes.
func waitUntil(t *testing.T, timeout, interval time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(interval)
	}
}

// recordedMessages returns the status of every recorded message by its
// Message-ID ("(none) KEY" for a message never given one).
func recordedMessages(t *testing.T, db *database) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, db.InTx(context.Background(), func(tx workflow.Tx) error {
		groups, err := tx.Groups(context.Background())
		if err != nil {
			return err
		}
		for _, g := range groups {
			msgs, err := tx.Messages(context.Background(), g.ID)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				key := m.MessageID
				if key == "" {
					key = "(none) " + m.Key
				}
				out[key] = string(m.Status)
			}
		}
		return nil
	}))
	return out
}
