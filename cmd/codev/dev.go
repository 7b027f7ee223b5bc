package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/codev-org/codev/internal/devmail"
	"github.com/codev-org/codev/web"
	"github.com/codev-org/codev/web/devpage"
	"github.com/codev-org/codev/workflow"
)

// devService is the service mailbox of `codev dev`: a name that cannot
// reach a real server.
const devService = "codev@codev.localhost"

func (m *Main) dev(ctx context.Context, args []string) error {
	fs := m.flags("dev", "dev [--data DIR] [--addr HOST:PORT] [--lang fr|en]\n\n"+
		"Runs everything in one process for a first look: an SQLite database in the\n"+
		"data folder (migrated automatically, reused across runs), an SMTP and an IMAP\n"+
		"server on loopback that hold every participant's mailbox and codev's, a demo\n"+
		"group (seeded when the database has none), the job workers, the IMAP watcher\n"+
		"and the dev page: inboxes, replies, RSVPs, digests, River UI and a clock that\n"+
		"walks the cycle. CODEV_* variables are not read, except CODEV_LOG_LEVEL.")
	data := fs.String("data", "codev-data", "data folder: database, dev clock and mailboxes; reused across runs")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address of the dev page; keep it on loopback")
	lang := fs.String("lang", workflow.LangFR, "language of the demo group seeded into an empty database: fr or en")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *lang != workflow.LangFR && *lang != workflow.LangEN {
		fmt.Fprintf(m.Stderr, "codev dev: --lang %q: use fr or en\n", *lang)
		return errUsage
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return err
	}
	ln, err := listenDev(*addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(m.Stderr, "codev dev: warning: %s is reachable from other machines and the dev page has no authentication\n", ln.Addr())
	}
	clock, err := loadDevClock(filepath.Join(*data, "clock"), demoDay(time.Now()))
	if err != nil {
		return err
	}
	defer clock.save()
	cfg := &Config{
		DatabaseURL: "sqlite:" + filepath.Join(*data, "codev.db"), From: devService,
		BaseURL: "http://" + ln.Addr().String(), Addr: ln.Addr().String(), LogFormat: "text",
		LogLevel: cmp.Or(m.Getenv("CODEV_LOG_LEVEL"), "warn"), ReconcileInterval: time.Minute,
	}
	log := cfg.Logger(m.Stderr)
	mail, err := devmail.Start(devmail.Config{Service: devService, Dir: filepath.Join(*data, "mail"), Now: clock.Now, Logger: log})
	if err != nil {
		return err
	}
	defer mail.Close()
	cfg.SMTPURL, cfg.IMAPURL = mail.SMTPURL(), mail.IMAPURL()
	return m.runDev(ctx, cfg, log, ln, clock, mail, *lang)
}

// runDev migrates, starts the service on the dev clock, seeds the demo
// group and serves the dev page until ctx is done.
func (m *Main) runDev(ctx context.Context, cfg *Config, log *slog.Logger, ln net.Listener, clock *devClock, mail *devmail.Server, lang string) error {
	if err := migrateDatabase(ctx, cfg.DatabaseURL, log); err != nil {
		return err
	}
	dm := *m // the service runs on the dev clock
	dm.Clock = clock
	a, err := dm.start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	seeded, err := seedDemo(ctx, a.svc, lang, clock.Now())
	if err != nil {
		return err
	}
	uictx, stopUI := context.WithCancel(ctx)
	defer stopUI()
	jobsUI, err := a.jobsUI(uictx, devpage.JobsPath, log)
	if err != nil {
		return err
	}
	page := devpage.New(devpage.Config{Service: a.svc, Clock: clock, Mail: mail, BaseURL: cfg.BaseURL,
		Web: a.web.Handler(), Jobs: jobsUI, Logger: log})
	if seeded != "" {
		fmt.Fprintf(m.Stdout, "codev dev: seeded the demo group %q\n", seeded)
	}
	fmt.Fprintf(m.Stdout, "codev dev: dev time %s, data in %s\n", clock.Now().Format(time.RFC1123), filepath.Dir(strings.TrimPrefix(cfg.DatabaseURL, "sqlite:")))
	fmt.Fprintf(m.Stdout, "codev dev: open %s/ (Ctrl-C to stop)\n", cfg.BaseURL)
	err = web.Serve(ctx, ln, page)
	a.web.Wait() // sign-in emails still being sent
	return err
}

// listenDev listens on addr, saying what to do when the port is taken.
func listenDev(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("address %s is already in use: stop the other process or pass --addr %s", addr, nextPort(addr))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (--addr): %w", addr, err)
	}
	return ln, nil
}

// nextPort returns addr with the port after its own.
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	p, perr := strconv.Atoi(port)
	if err != nil || perr != nil || p <= 0 || p >= 65535 {
		return "127.0.0.1:8081"
	}
	return net.JoinHostPort(host, strconv.Itoa(p+1))
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// migrateDatabase creates or upgrades the database, as `codev migrate`.
func migrateDatabase(ctx context.Context, url string, log *slog.Logger) error {
	db, err := openDatabase(ctx, url, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Migrate(ctx)
}

// devClock is the clock of `codev dev`: it runs from the time it was last
// set, and keeps that time in a file, so that a restarted `codev dev`
// resumes the cycle where it was.
type devClock struct {
	file string
	mu   sync.Mutex
	base time.Time // the dev time when it was set
	at   time.Time // the real time then (monotonic)
}

// loadDevClock reads the clock kept in file, or starts it at start.
func loadDevClock(file string, start time.Time) (*devClock, error) {
	c := &devClock{file: file, base: start, at: time.Now()}
	b, err := os.ReadFile(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return c, c.save()
	case err != nil:
		return nil, err
	}
	if c.base, err = time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b))); err != nil {
		return nil, fmt.Errorf("%s: not a time (delete the file to start the clock again): %w", file, err)
	}
	return c, nil
}

// Now returns the dev time.
func (c *devClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Since(c.at)).UTC()
}

// Set moves the clock to t and keeps it.
func (c *devClock) Set(t time.Time) error {
	c.mu.Lock()
	c.base, c.at = t.UTC(), time.Now()
	c.mu.Unlock()
	return c.save()
}

func (c *devClock) save() error {
	return os.WriteFile(c.file, []byte(c.Now().Format(time.RFC3339Nano)+"\n"), 0o600)
}

// demoDay is where a new dev clock starts: 9:00 in Paris on the day of now.
// The demo group's first session is 24 days later, so that the first
// messages are the welcome and the invitations, and the next one the
// client's questionnaire (D−21), three days on.
func demoDay(now time.Time) time.Time {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	d := now.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc).UTC()
}

// seedDemo applies the demo group when the database has no group. It
// returns the group's name, or "" when it did not seed.
func seedDemo(ctx context.Context, svc *workflow.Service, lang string, now time.Time) (string, error) {
	groups, err := svc.Groups(ctx)
	if err != nil || len(groups) > 0 {
		return "", err
	}
	spec := demoGroup(lang, now)
	if _, err := svc.ApplyGroup(ctx, spec); err != nil {
		return "", fmt.Errorf("error seeding the demo group: %w", err)
	}
	return spec.Name, nil
}

// demoGroup is a group of six peers and an animator whose monthly cycle of
// six sessions starts 24 days after now, at 18:00.
func demoGroup(lang string, now time.Time) *workflow.GroupSpec {
	spec := &workflow.GroupSpec{
		Name: "Managers Lyon", Language: workflow.LangFR, Timezone: "Europe/Paris",
		Visio: "https://meet.example.org/codev-managers-lyon", Mode: workflow.ModePlanned, Duration: 2 * time.Hour,
		Animator: workflow.Person{Name: "Claire Martin", Email: "claire@example.org"},
		Members: []workflow.MemberSpec{
			{Name: "Alice Dupont", Email: "alice@example.org"},
			{Name: "Bob Martin", Email: "bob@example.org", Unavailable: []int{3}},
			{Name: "Chloé Bernard", Email: "chloe@example.org"},
			{Name: "David Petit", Email: "david@example.org"},
			{Name: "Émilie Roux", Email: "emilie@example.org"},
			{Name: "François Moreau", Email: "francois@example.org"},
		},
	}
	if lang == workflow.LangEN {
		spec.Name, spec.Language, spec.Timezone = "Team Leads Leeds", workflow.LangEN, "Europe/London"
		spec.Visio = "https://meet.example.org/codev-team-leads-leeds"
		spec.Animator = workflow.Person{Name: "Sarah Collins", Email: "sarah@example.org"}
		spec.Members = []workflow.MemberSpec{
			{Name: "Alice Walker", Email: "alice@example.org"},
			{Name: "Ben Carter", Email: "ben@example.org", Unavailable: []int{3}},
			{Name: "Chloe Evans", Email: "chloe@example.org"},
			{Name: "Daniel Reed", Email: "daniel@example.org"},
			{Name: "Emma Hughes", Email: "emma@example.org"},
			{Name: "Frank Morris", Email: "frank@example.org"},
		}
	}
	loc, err := time.LoadLocation(spec.Timezone)
	if err != nil {
		loc = time.UTC
	}
	d := now.In(loc)
	for i := range 6 {
		spec.Sessions = append(spec.Sessions, time.Date(d.Year(), d.Month()+time.Month(i), d.Day()+24, 18, 0, 0, 0, loc))
	}
	return spec
}
