package imapwatch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Connection security, as reported by Check.
const (
	SecurityTLS      = "tls"      // imaps: TLS from the first byte
	SecurityStartTLS = "starttls" // imap: upgraded with STARTTLS
	SecurityNone     = "none"     // imap: plain, loopback hosts only
)

// Error is what Run logs and Check returns when talking to the server
// fails. Op names the step, so that `codev doctor` and an operator reading
// the logs know what to fix; Msg says it in words.
type Error struct {
	// Op is the step that failed: dial, tls, starttls, greeting, login,
	// select, mailbox, create, search, fetch, move, flag, idle, noop, or
	// cursor and store for the Sink.
	Op string
	// Msg describes the failure without credentials or message contents,
	// e.g. "dial 127.0.0.1:1: connection refused".
	Msg string
	// Err is the underlying error: an *imap.Error for a server's NO or BAD
	// reply, a network or TLS error, or the context's error.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return "imapwatch: " + e.Msg }

// Unwrap returns Err, so that errors.Is(err, context.Canceled) and
// errors.As(err, new(*imap.Error)) work.
func (e *Error) Unwrap() error { return e.Err }

func newError(op string, err error, format string, args ...any) *Error {
	return &Error{Op: op, Msg: fmt.Sprintf(format, args...), Err: err}
}

// connect dials the server, secures the connection as the URL says and logs
// in. Every step is bounded by ctx and the Timeout: imapclient's own
// calls take no context, so the connection is closed under them instead.
func connect(ctx context.Context, s *settings, opts *imapclient.Options) (*imapclient.Client, string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	c, security, err := open(ctx, s, opts)
	if err != nil {
		return nil, "", err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	err = login(c, s)
	if !stop() {
		err = newError("login", ctx.Err(), "login at %s: %s", s.addr, ctxText(ctx, s.timeout))
	}
	if err != nil {
		_ = c.Close()
		return nil, "", err
	}
	return c, security, nil
}

// open returns a client that has received the server's greeting, on a
// connection secured as the URL says.
func open(ctx context.Context, s *settings, opts *imapclient.Options) (*imapclient.Client, string, error) {
	raw, err := dial(ctx, s)
	if err != nil {
		return nil, "", err
	}
	if s.implicit {
		tc := tls.Client(raw, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, "", newError("tls", err, "TLS handshake with %s: %s", s.addr, errText(ctx, s.timeout, err))
		}
		c, err := greet(ctx, s, imapclient.New(tc, opts))
		return c, SecurityTLS, err
	}
	withTLS := *opts
	withTLS.TLSConfig = s.tls
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	c, err := imapclient.NewStartTLS(raw, &withTLS)
	if !stop() {
		if c != nil {
			_ = c.Close()
		}
		return nil, "", newError("starttls", ctx.Err(), "no greeting or STARTTLS reply from %s: %s", s.addr, ctxText(ctx, s.timeout))
	}
	if err == nil {
		return c, SecurityStartTLS, nil
	}
	var refused *imap.Error
	switch {
	case !errors.As(err, &refused):
		return nil, "", newError("tls", err, "TLS handshake with %s (STARTTLS): %v", s.addr, err)
	case !s.loopback:
		return nil, "", newError("starttls", err,
			"%s does not offer STARTTLS, required for a non-loopback host (use imaps:// if it listens for TLS)", s.addr)
	}
	// A loopback server without STARTTLS (the dev mode's, a local relay):
	// the bytes never leave the machine, so a plain connection is accepted.
	if raw, err = dial(ctx, s); err != nil {
		return nil, "", err
	}
	c, err = greet(ctx, s, imapclient.New(raw, opts))
	return c, SecurityNone, err
}

func dial(ctx context.Context, s *settings) (net.Conn, error) {
	var d net.Dialer // default TCP keep-alive finds a peer that vanished during IDLE
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, newError("dial", err, "dial %s: %s", s.addr, errText(ctx, s.timeout, err))
	}
	return raw, nil
}

func greet(ctx context.Context, s *settings, c *imapclient.Client) (*imapclient.Client, error) {
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	err := c.WaitGreeting()
	if !stop() {
		err = newError("greeting", ctx.Err(), "greeting from %s: %s", s.addr, ctxText(ctx, s.timeout))
	} else if err != nil {
		err = newError("greeting", err, "greeting from %s: %v", s.addr, err)
	}
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func login(c *imapclient.Client, s *settings) error {
	if c.Caps().Has(imap.CapLoginDisabled) {
		return newError("login", nil,
			"login failed: %s refuses LOGIN on this connection (LOGINDISABLED); use imaps:// or STARTTLS", s.addr)
	}
	err := c.Login(s.user, s.pass).Wait()
	if err == nil {
		return nil
	}
	var refused *imap.Error
	if !errors.As(err, &refused) || refused.Type != imap.StatusResponseTypeNo {
		return newError("login", err, "login failed: %v", err)
	}
	switch refused.Code {
	case "", imap.ResponseCodeAuthenticationFailed, imap.ResponseCodeAuthorizationFailed:
		return newError("login", err, "login failed: wrong user or password")
	default:
		return newError("login", err, "login failed: server said [%s] %s", refused.Code, refused.Text)
	}
}

// errText describes a network or TLS error briefly: net.OpError repeats the
// address, which our messages already name.
func errText(ctx context.Context, limit time.Duration, err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case ctx.Err() != nil:
		return ctxText(ctx, limit)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host"
		}
		return dnsErr.Err
	case errors.As(err, &opErr) && opErr.Err != nil:
		return opErr.Err.Error()
	}
	return err.Error()
}

func ctxText(ctx context.Context, limit time.Duration) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %v", limit)
	}
	return "canceled"
}
