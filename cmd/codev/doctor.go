package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/codev-org/codev/internal/stores"
	"github.com/codev-org/codev/mail"
	"github.com/codev-org/codev/mail/imapwatch"
	"github.com/codev-org/codev/workflow"
)

// doctorTimeout bounds each network check.
const doctorTimeout = 15 * time.Second

// doctor checks what `codev serve` needs and prints one line per check:
// OK, WARN (works, but not as well as it could) or FAIL, with what to fix.
// It exits 1 when a check failed.
func (m *Main) doctor(ctx context.Context, args []string) error {
	fs := m.flags("doctor", "doctor\n\nChecks the configuration (CODEV_* variables), the database (reachable,\nmigrated), SMTP (connection, EHLO, TLS, AUTH) and IMAP (connection, TLS,\nlogin, folders, IDLE), and says what to fix. Sends no email and changes\nnothing, except creating the Processed folder as `codev serve` would.")
	if err := parse(fs, args); err != nil {
		return err
	}
	d := &diagnosis{w: m.Stdout}
	cfg, err := m.config()
	if err != nil {
		d.fail("config", err.Error(), "fix the variable named above")
		return d.result()
	}
	d.config(cfg)
	d.database(ctx, cfg)
	d.smtp(ctx, cfg, m)
	d.imap(ctx, cfg, m)
	return d.result()
}

// diagnosis prints the checks' lines and counts the failures.
type diagnosis struct {
	w      io.Writer
	failed int
}

func (d *diagnosis) ok(check, what string) { fmt.Fprintf(d.w, "OK    %-8s %s\n", check, what) }

func (d *diagnosis) warn(check, what, fix string) {
	fmt.Fprintf(d.w, "WARN  %-8s %s. Fix: %s\n", check, what, fix)
}

func (d *diagnosis) fail(check, what, fix string) {
	d.failed++
	fmt.Fprintf(d.w, "FAIL  %-8s %s. Fix: %s\n", check, what, fix)
}

func (d *diagnosis) result() error {
	if d.failed > 0 {
		return fmt.Errorf("%d check(s) failed", d.failed)
	}
	return nil
}

func (d *diagnosis) config(cfg *Config) {
	err := cfg.ValidateServe()
	if err == nil {
		d.ok("config", fmt.Sprintf("CODEV_FROM, CODEV_BASE_URL and CODEV_SMTP_URL are set; %d admin(s)", len(cfg.Admins)))
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			d.fail("config", strings.TrimSuffix(e.Error(), "."), "set the variable as the message says, then run codev doctor again")
		}
	} else if err != nil {
		d.fail("config", err.Error(), "set the variable as the message says")
	}
	if strings.HasPrefix(cfg.BaseURL, "http://") && !isLoopbackURL(cfg.BaseURL) {
		d.warn("config", "CODEV_BASE_URL is plain http: sign-in cookies cannot be Secure and links travel in clear",
			"serve codev behind https and set CODEV_BASE_URL to its https:// address")
	}
	if cfg.IMAPURL == "" {
		d.warn("config", "CODEV_IMAP_URL is not set: replies, RSVPs and bounces are not read",
			"set CODEV_IMAP_URL to the service mailbox, e.g. imaps://user:pass@imap.example.org/INBOX")
	}
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

func (d *diagnosis) database(ctx context.Context, cfg *Config) {
	// Opening would create a missing SQLite file: look for it first.
	if err := stores.Exists(cfg.DatabaseURL); err != nil && !errors.Is(err, stores.ErrUnknownURL) {
		d.fail("database", err.Error(),
			"run `codev migrate` to create it, or point CODEV_DATABASE_URL at the existing database")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	db, err := openDatabase(ctx, cfg.DatabaseURL, slog.New(slog.DiscardHandler))
	if err != nil {
		d.fail("database", fmt.Sprintf("cannot open %s: %v", stores.Redact(cfg.DatabaseURL), err),
			"check CODEV_DATABASE_URL ("+stores.Forms()+") and that the server is up")
		return
	}
	defer db.Close()
	pending, err := db.PendingMigrations(ctx)
	if err != nil {
		d.fail("database", fmt.Sprintf("cannot read the migrations of %s: %v", stores.Redact(cfg.DatabaseURL), err),
			"check CODEV_DATABASE_URL, the server, and the user's rights")
		return
	}
	if len(pending) > 0 {
		d.fail("database", fmt.Sprintf("%d migration(s) pending, first %s", len(pending), pending[0]), "run `codev migrate`")
		return
	}
	if err := db.InTx(ctx, func(workflow.Tx) error { return nil }); err != nil {
		d.fail("database", fmt.Sprintf("a transaction failed: %v", err), "check the database server and the user's rights")
		return
	}
	d.ok("database", db.Kind+", reachable, migrations applied")
}

func (d *diagnosis) smtp(ctx context.Context, cfg *Config, m *Main) {
	if cfg.SMTPURL == "" {
		return // reported by config
	}
	addr := hostPort(cfg.SMTPURL, map[string]string{"smtp": "587", "smtps": "465"})
	s, err := mail.NewSender(&mail.SMTPConfig{URL: cfg.SMTPURL, TLSConfig: m.TLSConfig, Timeout: doctorTimeout, Retries: -1}, nil)
	if err != nil {
		d.fail("smtp", err.Error(), "write CODEV_SMTP_URL as smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (TLS)")
		return
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	err = s.Check(ctx)
	if err == nil {
		d.ok("smtp", addr+": connected, "+smtpSteps(cfg.SMTPURL)+" accepted")
		return
	}
	var se *mail.SendError
	if !errors.As(err, &se) {
		d.fail("smtp", fmt.Sprintf("%s: %v", addr, err), "check CODEV_SMTP_URL")
		return
	}
	reason := se.Err.Error()
	switch se.Op {
	case "dial":
		d.fail("smtp", fmt.Sprintf("cannot connect to %s: %s", addr, netReason(se.Err)),
			"check the host and port in CODEV_SMTP_URL (587 for smtp://, 465 for smtps://), that the server is up and that no firewall blocks it")
	case "tls":
		d.fail("smtp", fmt.Sprintf("TLS with %s failed: %s", addr, reason),
			"use smtps:// with port 465 (TLS from the start) or smtp:// with port 587 (STARTTLS), and check that the server's certificate is valid for its host name")
	case "greeting", "ehlo":
		d.fail("smtp", fmt.Sprintf("%s did not accept %s: %s", addr, strings.ToUpper(se.Op), reason),
			"check that CODEV_SMTP_URL names an SMTP submission server (not IMAP, not port 25 of a server that refuses clients)")
	case "auth":
		d.fail("smtp", fmt.Sprintf("authentication refused by %s: %s", addr, reason),
			"check the user and password in CODEV_SMTP_URL (percent-encode special characters, e.g. @ as %40); some providers need an app password")
	default:
		d.fail("smtp", fmt.Sprintf("%s: %s failed: %s", addr, se.Op, reason), "check CODEV_SMTP_URL and the server's logs")
	}
}

func (d *diagnosis) imap(ctx context.Context, cfg *Config, m *Main) {
	if cfg.IMAPURL == "" {
		return // reported by config
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	r, err := imapwatch.Check(ctx, imapwatch.Config{URL: cfg.IMAPURL, TLSConfig: m.TLSConfig, Timeout: doctorTimeout})
	var ie *imapwatch.Error
	switch {
	case err == nil:
	case !errors.As(err, &ie):
		d.fail("imap", err.Error(), "write CODEV_IMAP_URL as imaps://user:pass@host:993/INBOX or imap://user:pass@host:143/INBOX")
		return
	default:
		d.fail("imap", strings.TrimPrefix(err.Error(), "imapwatch: "), imapFix(ie.Op))
		return
	}
	folder := "exists"
	if r.ProcessedCreated {
		folder = "created"
	}
	d.ok("imap", fmt.Sprintf("%s (%s): logged in, mailbox %s has %d message(s), folder %s %s",
		r.Addr, r.Security, r.Mailbox, r.Messages, r.Processed, folder))
	if r.FlagFallback {
		d.warn("imap", fmt.Sprintf("folder %s cannot be created (%s): stored messages will be flagged and left in %s", r.Processed, r.ProcessedError, r.Mailbox),
			"create the folder "+r.Processed+" in the mailbox with a mail client")
	}
	if r.Idle {
		d.ok("imap", "IDLE supported: replies are read as soon as they arrive")
	} else {
		d.warn("imap", fmt.Sprintf("the server does not offer IDLE: codev will poll every %s, so replies are read up to that late", imapwatch.DefaultPollInterval),
			"nothing is required; for prompt replies use a mail server with IDLE (RFC 2177), which most offer")
	}
}

func imapFix(op string) string {
	switch op {
	case "dial":
		return "check the host and port in CODEV_IMAP_URL (993 for imaps://, 143 for imap://), that the server is up and that no firewall blocks it"
	case "tls", "starttls", "greeting":
		return "use imaps:// with port 993 (TLS from the start) or imap:// with port 143 (STARTTLS), and check that the server's certificate is valid for its host name"
	case "login":
		return "check the user and password in CODEV_IMAP_URL (percent-encode special characters, e.g. @ in the user as %40); some providers need an app password or IMAP enabled in the account settings"
	case "mailbox", "select":
		return "the path of CODEV_IMAP_URL names the mailbox to watch (default INBOX): check its name"
	}
	return "check CODEV_IMAP_URL and the server's logs"
}

// smtpSteps says what Check went through for a URL: EHLO, the TLS mode,
// AUTH when the URL has credentials.
func smtpSteps(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "EHLO"
	}
	steps := "EHLO, STARTTLS"
	switch {
	case u.Scheme == "smtps":
		steps = "TLS, EHLO"
	case isLoopbackURL(raw):
		steps = "EHLO, STARTTLS if offered (loopback)"
	}
	if u.User != nil {
		steps += ", AUTH"
	}
	return steps
}

// hostPort returns the host:port a URL names, with the scheme's default
// port, and never its credentials.
func hostPort(raw string, ports map[string]string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), ports[u.Scheme])
}

// netReason is the end of a network error: "connection refused", "no such
// host", "i/o timeout".
func netReason(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return err.Error()
}
