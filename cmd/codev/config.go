package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/codev-org/codev/workflow"
)

// Config is codev's configuration, read from CODEV_* environment variables.
// Secrets (URLs with passwords) may come from files: CODEV_SMTP_URL_FILE
// and CODEV_IMAP_URL_FILE and CODEV_DATABASE_URL_FILE, as container secrets
// are mounted.
type Config struct {
	// DatabaseURL selects the store: postgres://… or sqlite:PATH. Empty means
	// the SQLite file codev.db in the working directory.
	DatabaseURL string
	// SMTPURL is the submission server: smtp://user:pass@host:587 (STARTTLS)
	// or smtps://user:pass@host:465 (implicit TLS).
	SMTPURL string
	// IMAPURL is the service mailbox: imaps://user:pass@host:993/INBOX, or
	// imap:// with STARTTLS (plain only on loopback). Empty: no inbound mail.
	IMAPURL string
	// From is the service mailbox address, e.g. codev@example.org: the From of
	// every email, the ORGANIZER of invitations, the base of reply addresses.
	From string
	// BaseURL is the public URL of codev serve, for feed and preference
	// links, e.g. https://codev.example.org.
	BaseURL string
	// Addr is the HTTP listen address; default 127.0.0.1:8080.
	Addr string
	// LogFormat is text (default) or json; LogLevel debug, info (default),
	// warn or error.
	LogFormat string
	LogLevel  string
	// ReconcileInterval is how often the reconciler runs; default 1m.
	ReconcileInterval time.Duration
	// IMAPMaxSize is the largest inbound message downloaded whole, in
	// bytes (CODEV_IMAP_MAX_SIZE, e.g. 25000000 or 25MB); larger ones are
	// recorded from their header and shown to the animator. 0: 25 MiB.
	IMAPMaxSize int64
	// Admins (CODEV_ADMINS, comma-separated addresses, lowercased) may sign
	// in to the web pages, see every group and River UI at /admin/jobs.
	Admins []string
	// MetricsToken (CODEV_METRICS_TOKEN or _FILE), when set, is the bearer
	// token /metrics requires; empty serves /metrics to anyone.
	MetricsToken string
	// TrustProxy (CODEV_TRUST_PROXY=true) makes rate limits count clients
	// by the last X-Forwarded-For address: set it behind a reverse proxy.
	TrustProxy bool
	// AuthServIDs (CODEV_AUTHSERV_ID, comma-separated, lowercased) are the
	// authserv-ids with which the receiving mail server writes its
	// Authentication-Results fields: only those, at the top of a message's
	// header, are read. Empty: the topmost field is taken as the server's.
	AuthServIDs []string
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (*Config, error) {
	c := &Config{
		From:      getenv("CODEV_FROM"),
		BaseURL:   strings.TrimSuffix(getenv("CODEV_BASE_URL"), "/"),
		Addr:      cmp.Or(getenv("CODEV_ADDR"), "127.0.0.1:8080"),
		LogFormat: cmp.Or(getenv("CODEV_LOG_FORMAT"), "text"),
		LogLevel:  cmp.Or(getenv("CODEV_LOG_LEVEL"), "info"),
	}
	var err error
	for _, v := range []struct {
		name string
		dst  *string
	}{{"CODEV_DATABASE_URL", &c.DatabaseURL}, {"CODEV_SMTP_URL", &c.SMTPURL}, {"CODEV_IMAP_URL", &c.IMAPURL}} {
		if *v.dst, err = secret(getenv, v.name); err != nil {
			return nil, err
		}
	}
	if c.MetricsToken, err = secret(getenv, "CODEV_METRICS_TOKEN"); err != nil {
		return nil, err
	}
	for a := range strings.SplitSeq(getenv("CODEV_ADMINS"), ",") {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			c.Admins = append(c.Admins, a)
		}
	}
	c.AuthServIDs = authServIDs(getenv)
	switch v := strings.ToLower(getenv("CODEV_TRUST_PROXY")); v {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		c.TrustProxy = true
	default:
		return nil, fmt.Errorf("CODEV_TRUST_PROXY: %q is not true or false", v)
	}
	c.ReconcileInterval = time.Minute
	if s := getenv("CODEV_RECONCILE_INTERVAL"); s != "" {
		if c.ReconcileInterval, err = time.ParseDuration(s); err != nil || c.ReconcileInterval < time.Second {
			return nil, fmt.Errorf("CODEV_RECONCILE_INTERVAL: %q is not a duration of at least 1s", s)
		}
	}
	if s := getenv("CODEV_IMAP_MAX_SIZE"); s != "" {
		if c.IMAPMaxSize, err = parseSize(s); err != nil {
			return nil, fmt.Errorf("CODEV_IMAP_MAX_SIZE: %w", err)
		}
	}
	return c, nil
}

// authServIDs reads CODEV_AUTHSERV_ID: comma-separated, lowercased.
func authServIDs(getenv func(string) string) []string {
	var ids []string
	for id := range strings.SplitSeq(getenv("CODEV_AUTHSERV_ID"), ",") {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// parseSize reads a size in bytes: "25000000", "25MB", "25MiB", "500KB".
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"KB", 1000}, {"MB", 1000 * 1000}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size such as 25MB", s)
	}
	return n * mult, nil
}

// secret reads NAME, or the file named by NAME_FILE.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	if v != "" && file != "" {
		return "", fmt.Errorf("%s and %s_FILE are both set; keep one", name, name)
	}
	if file == "" {
		return v, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Mailbox returns the service address, checked.
func (c *Config) Mailbox() (workflow.Address, error) {
	if c.From == "" {
		return workflow.Address{}, errors.New("CODEV_FROM is not set: give the service mailbox, e.g. codev@example.org")
	}
	a, err := workflow.ParseAddress(c.From)
	if err != nil {
		return workflow.Address{}, fmt.Errorf("CODEV_FROM: %w", err)
	}
	return a, nil
}

// ValidateServe checks what codev serve needs.
func (c *Config) ValidateServe() error {
	var errs []error
	if _, err := c.Mailbox(); err != nil {
		errs = append(errs, err)
	}
	if c.BaseURL == "" {
		errs = append(errs, errors.New("CODEV_BASE_URL is not set: give the public URL of this server, e.g. https://codev.example.org"))
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("CODEV_BASE_URL: %q is not an http(s) URL", c.BaseURL))
	}
	if c.SMTPURL == "" {
		errs = append(errs, errors.New("CODEV_SMTP_URL is not set: give the submission server, e.g. smtp://user:pass@smtp.example.org:587"))
	}
	for _, a := range c.Admins {
		if _, err := workflow.ParseAddress(a); err != nil {
			errs = append(errs, fmt.Errorf("CODEV_ADMINS: %q is not an email address (give addresses separated by commas)", a))
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("CODEV_LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// Logger builds the process logger.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
