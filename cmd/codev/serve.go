package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/codev-org/codev/holidays"
	"github.com/codev-org/codev/mail"
	"github.com/codev-org/codev/mail/imapwatch"
	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/web"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
)

func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.flags("serve", "serve\n\nRuns the job workers (reconciler, sending, inbound processing), the IMAP\nwatcher when CODEV_IMAP_URL is set, and the HTTP server (calendar feeds,\nhealth) on CODEV_ADDR. Needs CODEV_FROM, CODEV_BASE_URL and CODEV_SMTP_URL.\nRefuses to start on a database that `codev migrate` has not prepared.")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	if err := cfg.ValidateServe(); err != nil {
		return err
	}
	log := cfg.Logger(m.Stderr)
	app, err := m.start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (CODEV_ADDR): %w", cfg.Addr, err)
	}
	log.InfoContext(ctx, "serve: Listening", slog.String("addr", ln.Addr().String()), slog.String("database", app.db.Kind))
	err = app.web.Serve(ctx, ln)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// app is the running service: what serve and the end-to-end tests start.
type app struct {
	db          *database
	svc         *workflow.Service
	sender      *mail.Sender
	web         *web.Server
	stopRiver   func(context.Context) error
	stopOrphans func()
	jobsUI      func(ctx context.Context, prefix string, log *slog.Logger) (http.Handler, error) // River UI (dev mode)
	watcher     *imapwatch.Watcher
	stopWatcher func()
	metrics     *web.Metrics
	closeOnce   sync.Once
	log         *slog.Logger
}

// start wires and starts everything but the HTTP listener.
func (m *Main) start(ctx context.Context, cfg *Config, log *slog.Logger) (*app, error) {
	mb, err := cfg.Mailbox()
	if err != nil {
		return nil, err
	}
	tpl, err := templates.New()
	if err != nil {
		return nil, fmt.Errorf("templates are broken: %w", err)
	}
	db, err := openDatabase(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	a := &app{db: db, log: log}
	fail := func(err error) (*app, error) {
		a.close()
		return nil, err
	}
	if err := db.ready(ctx); err != nil {
		return fail(err)
	}
	signer, err := db.signer(ctx)
	if err != nil {
		return fail(err)
	}
	if a.sender, err = mail.NewSender(&mail.SMTPConfig{URL: cfg.SMTPURL, TLSConfig: m.TLSConfig}, log); err != nil {
		return fail(fmt.Errorf("CODEV_SMTP_URL: %w", err))
	}
	a.metrics = web.NewMetrics()
	a.svc = workflow.NewService(workflow.ServiceConfig{
		Mailbox: mb, BaseURL: cfg.BaseURL, Logger: log, Clock: m.clock(),
		Parser: mailroom.Parser(cfg.AuthServIDs), ReplyParser: mailroom.ReplyParser(cfg.AuthServIDs),
		Metrics: a.metrics, Admins: cfg.Admins, WorkingDays: holidays.New(),
	}, db, postman.New(a.sender), tpl, signer, generator{domain: mb.Domain})
	rc := jobs.Config(a.svc, cfg.ReconcileInterval)
	rc.Middleware = append(rc.Middleware, &jobMetrics{metrics: a.metrics})
	// River stops abruptly, cancelling running jobs, when its start
	// context ends: give it one that only ends after a graceful Stop had
	// its 30 seconds, so that SIGTERM lets running jobs finish.
	rctx, rcancel := context.WithCancel(context.WithoutCancel(ctx))
	rc.ID = clientID()
	if a.stopOrphans, err = db.WatchOrphans(ctx, rc.ID); err != nil {
		rcancel()
		return fail(fmt.Errorf("error looking for orphaned jobs: %w", err))
	}
	q, err := db.StartQueue(rctx, rc)
	if err != nil {
		rcancel()
		return fail(fmt.Errorf("error starting the job queue: %w", err))
	}
	a.stopRiver = func(ctx context.Context) error {
		defer rcancel()
		return q.Stop(ctx)
	}
	a.jobsUI = q.UI
	if cfg.IMAPURL != "" {
		w, err := imapwatch.New(imapwatch.Config{URL: cfg.IMAPURL, MaxSize: cfg.IMAPMaxSize, IdleRefresh: m.IMAPIdleRefresh,
			Logger: log, TLSConfig: m.TLSConfig}, mailroom.NewInbox(a.svc, db), db)
		if err != nil {
			return fail(fmt.Errorf("CODEV_IMAP_URL: %w", err))
		}
		a.watcher = w
		wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = w.Run(wctx)
		}()
		a.stopWatcher = func() { cancel(); <-done }
	}
	a.metrics.SetProbes(a.probes())
	wcfg := web.Config{Logger: log, BaseURL: cfg.BaseURL, Metrics: a.metrics, MetricsToken: cfg.MetricsToken,
		TrustProxy: cfg.TrustProxy, Ready: a.readyChecks()}
	if len(cfg.Admins) > 0 && a.jobsUI != nil {
		if wcfg.AdminJobs, err = a.jobsUI(ctx, "/admin/jobs", log); err != nil {
			return fail(err)
		}
	}
	a.web = web.NewServer(wcfg, webServices(a.svc))
	return a, nil
}

// clientID names this process's River client: host and a random suffix, so
// that no two processes, nor two runs of one, share it. The store rescues
// the jobs of a client whose process died by this name
// (stores.Store.WatchOrphans).
func clientID() string {
	host, _ := os.Hostname()
	host = strings.NewReplacer(".", "_", "-", "_").Replace(host)
	if len(host) > 40 {
		host = host[:40]
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "codev_" + host + "_" + hex.EncodeToString(b[:])
}

// webServices gives the web server the Service behind each of the narrow
// interfaces it declares.
func webServices(svc *workflow.Service) web.Services {
	return web.Services{Feeds: svc, Preferences: svc, SignIn: svc, Groups: svc, Changes: svc}
}

// close stops the IMAP watcher (logging out), then the workers, letting
// running jobs finish for up to 30 seconds, then closes connections. It may
// be called more than once.
func (a *app) close() { a.closeOnce.Do(a.shutdown) }

func (a *app) shutdown() {
	if a.stopWatcher != nil {
		a.stopWatcher() // logs out cleanly
	}
	if a.stopRiver != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := a.stopRiver(ctx); err != nil {
			a.log.Error("serve: Stopping jobs", slog.String("error", err.Error()))
		}
		cancel()
	}
	if a.stopOrphans != nil {
		a.stopOrphans()
	}
	if a.sender != nil {
		a.sender.Close()
	}
	a.db.Close()
}
