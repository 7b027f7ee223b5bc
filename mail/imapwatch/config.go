package imapwatch

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Defaults for the Config fields left zero.
const (
	DefaultMailbox      = "INBOX"
	DefaultProcessed    = "Processed"
	DefaultMaxSize      = 25 << 20
	DefaultPollInterval = 30 * time.Second
	// DefaultIdleRefresh stays under the 29 minutes RFC 2177 lets a server
	// wait before it drops an idle client, and under imapclient's own
	// 28-minute restart, so ours is the one that runs.
	DefaultIdleRefresh = 25 * time.Minute
	DefaultMinBackoff  = time.Second
	DefaultMaxBackoff  = 2 * time.Minute
	DefaultLockRetry   = 5 * time.Second
	DefaultTimeout     = 30 * time.Second
)

const (
	// bodyTimeouts is how many Timeouts downloading one message may take:
	// 25 MiB in 5 minutes by default, for slow links.
	bodyTimeouts = 10
	// logoutTimeout bounds the polite LOGOUT on the way out.
	logoutTimeout = 5 * time.Second
)

// Config configures a Watcher and Check. Zero values take the documented
// defaults.
type Config struct {
	// URL names the server, the account and the mailbox to watch:
	// imaps://user:pass@host[:993]/INBOX (implicit TLS) or
	// imap://user:pass@host[:143]/INBOX (STARTTLS, mandatory unless the host
	// is loopback, where it is used when the server offers it and a plain
	// connection is accepted otherwise). User and password are URL-decoded
	// (write @ as %40). The path is the mailbox, default INBOX. The URL
	// never appears in errors or logs: it holds a password.
	URL string
	// Processed is the folder messages are moved to once stored; default
	// "Processed", created when missing. On servers that only allow folders
	// under INBOX, write "INBOX.Processed" or "INBOX/Processed". When it
	// cannot be created, stored messages are flagged \Seen and $CodevStored
	// instead and stay in the mailbox.
	Processed string
	// MaxSize is the largest message, in bytes (RFC822.SIZE), downloaded
	// whole; a larger one is delivered with its header only and Oversize
	// set. Default 25 MiB.
	MaxSize int64
	// Poll makes the watcher poll every PollInterval even when the server
	// offers IDLE, for servers or proxies whose IDLE never reports new mail.
	Poll bool
	// PollInterval is how often the mailbox is checked when IDLE is not
	// used; default 30s.
	PollInterval time.Duration
	// IdleRefresh is how long one IDLE lasts before it is restarted (and the
	// mailbox re-checked), so that servers and NATs do not drop the
	// connection as inactive; default 25m.
	IdleRefresh time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting after an
	// error: it doubles from MinBackoff up to MaxBackoff, with jitter, and
	// goes back to MinBackoff after a connection that worked. Defaults 1s
	// and 2m.
	MinBackoff, MaxBackoff time.Duration
	// Timeout bounds connecting (dial, TLS, greeting and login together)
	// and the wait for each command's reply; downloading one message may take
	// ten times as long. imapclient itself waits for a reply without a
	// deadline, so this is what gets a watcher out of a connection to a
	// server that stopped answering. Default 30s.
	Timeout time.Duration
	// LockRetry is how often a watcher retries the lock while another
	// process holds it; default 5s.
	LockRetry time.Duration
	// TLSConfig is used for implicit TLS and STARTTLS; optional (tests pass
	// their own roots). ServerName defaults to the URL's host and MinVersion
	// to TLS 1.2.
	TLSConfig *tls.Config
	// Logger receives the watcher's logs: ids, UIDs, counts and sizes, never
	// message contents or addresses. Nil discards them.
	Logger *slog.Logger
}

// settings is a validated Config with its defaults filled in.
type settings struct {
	addr      string // host:port
	host      string
	implicit  bool // imaps: TLS from the first byte
	loopback  bool // STARTTLS optional
	user      string
	pass      string
	mailbox   string
	processed string
	maxSize   int64
	poll      bool
	pollEvery time.Duration
	refresh   time.Duration
	minWait   time.Duration
	maxWait   time.Duration
	lockRetry time.Duration
	timeout   time.Duration
	tls       *tls.Config
	log       *slog.Logger
}

// parse checks cfg and fills in defaults. Its errors never quote the URL.
func (cfg *Config) parse() (*settings, error) {
	s := &settings{
		processed: cmp.Or(cfg.Processed, DefaultProcessed),
		maxSize:   cmp.Or(cfg.MaxSize, DefaultMaxSize),
		poll:      cfg.Poll,
		pollEvery: cmp.Or(cfg.PollInterval, DefaultPollInterval),
		refresh:   cmp.Or(cfg.IdleRefresh, DefaultIdleRefresh),
		minWait:   cmp.Or(cfg.MinBackoff, DefaultMinBackoff),
		maxWait:   cmp.Or(cfg.MaxBackoff, DefaultMaxBackoff),
		lockRetry: cmp.Or(cfg.LockRetry, DefaultLockRetry),
		timeout:   cmp.Or(cfg.Timeout, DefaultTimeout),
		log:       cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
	}
	if err := s.parseURL(cfg.URL); err != nil {
		return nil, err
	}
	switch {
	case s.maxSize < 0:
		return nil, errors.New("imapwatch: MaxSize must not be negative")
	case s.pollEvery < 0 || s.refresh < 0 || s.minWait < 0 || s.maxWait < 0 || s.lockRetry < 0 || s.timeout < 0:
		return nil, errors.New("imapwatch: durations must not be negative")
	case s.minWait > s.maxWait:
		return nil, fmt.Errorf("imapwatch: MinBackoff %v is above MaxBackoff %v", s.minWait, s.maxWait)
	case s.processed == s.mailbox || (isInbox(s.processed) && isInbox(s.mailbox)):
		return nil, fmt.Errorf("imapwatch: Processed folder %q must differ from the watched mailbox", s.processed)
	}
	s.tls = &tls.Config{}
	if cfg.TLSConfig != nil {
		s.tls = cfg.TLSConfig.Clone()
	}
	s.tls.ServerName = cmp.Or(s.tls.ServerName, s.host)
	s.tls.MinVersion = cmp.Or(s.tls.MinVersion, tls.VersionTLS12)
	if s.implicit && s.tls.NextProtos == nil {
		s.tls.NextProtos = []string{"imap"} // RFC 9051's ALPN id, as imapclient.DialTLS sends
	}
	return s, nil
}

func (s *settings) parseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error quotes the URL, password included
		}
		return fmt.Errorf("imapwatch: invalid IMAP URL: %w", err)
	}
	port := "143"
	switch u.Scheme {
	case "imap":
	case "imaps":
		port, s.implicit = "993", true
	default:
		return fmt.Errorf("imapwatch: IMAP URL scheme %q is not imap or imaps", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("imapwatch: IMAP URL must be scheme://user:pass@host[:port][/mailbox]")
	}
	s.addr = net.JoinHostPort(s.host, cmp.Or(u.Port(), port))
	ip := net.ParseIP(s.host)
	s.loopback = s.host == "localhost" || (ip != nil && ip.IsLoopback())
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if s.user == "" {
		return errors.New("imapwatch: IMAP URL has no user")
	}
	s.mailbox = cmp.Or(strings.Trim(u.Path, "/"), DefaultMailbox)
	return nil
}

// isInbox reports whether name is INBOX, the one case-insensitive mailbox
// name (RFC 9051 §5.1).
func isInbox(name string) bool { return strings.EqualFold(name, "INBOX") }
