package mail

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// The transport speaks SMTP through go-mail's smtp package (Mail, Rcpt,
// Data, Reset, StartTLS, Auth) rather than go-mail's Client:
//   - Client sends a Msg, and a Msg cannot carry bytes composed elsewhere
//     without being parsed and re-encoded;
//   - Client.DialToSMTPClientWithContext bounds only the TCP dial by the
//     context and reports dial, TLS and AUTH failures alike, while Check must
//     say which step failed and Send must stop on cancellation;
//   - its opportunistic AUTH selection writes Client state under a read lock,
//     a race once several pooled connections dial at the same time.
// So this file owns the pool, the deadlines and the retry policy, and go-mail
// owns the protocol.

const (
	defaultHelo     = "localhost"
	defaultPoolSize = 2
	defaultTimeout  = 30 * time.Second
	defaultRetries  = 3
	retryBase       = 200 * time.Millisecond
	maxBackoff      = 30 * time.Second
	// maxIdle is under the 5-minute idle timeout of Postfix and most MTAs,
	// so a pooled connection is dropped by us before the server drops it.
	maxIdle     = 4 * time.Minute
	quitTimeout = 2 * time.Second
)

// ErrSenderClosed is returned by Send after Close, so a caller shutting down
// can tell it from a delivery failure.
var ErrSenderClosed = errors.New("mail: sender is closed")

// SMTPConfig configures a Sender. Zero values take the documented defaults.
type SMTPConfig struct {
	// URL names the submission server: smtp://[user:pass@]host[:port]
	// (port 587 by default; STARTTLS is mandatory unless the host is
	// loopback, where it is used when offered) or smtps://… (implicit TLS,
	// port 465 by default). With credentials, AUTH PLAIN or LOGIN is used.
	URL string
	// Helo is the EHLO name; default "localhost".
	Helo string
	// PoolSize caps both the connections kept open and the Sends in
	// progress (others wait, honouring their context); default 2.
	PoolSize int
	// Timeout bounds the dial and each SMTP command; default 30s.
	Timeout time.Duration
	// Retries is how many times Send retries a temporary failure (4xx
	// reply, connection error) in-process before returning it, waiting
	// 200ms·2^n with jitter in between; default 3, negative for none.
	Retries int
	// TLSConfig is used for STARTTLS and implicit TLS; optional. ServerName
	// defaults to the URL's host and MinVersion to TLS 1.2.
	TLSConfig *tls.Config
	// SleepFunc waits between retries and returns early with ctx's error;
	// optional, for tests that must not wait.
	SleepFunc func(ctx context.Context, d time.Duration) error
}

// Sender delivers composed messages over a pool of SMTP connections, so a
// batch of reminders does not pay a TCP, TLS and AUTH handshake per message.
// It is safe for concurrent use.
type Sender struct {
	addr      string
	host      string
	implicit  bool // smtps: TLS from the first byte
	loopback  bool // STARTTLS optional
	user      string
	pass      string
	helo      string
	timeout   time.Duration
	retries   int
	tlsConfig *tls.Config
	sleepFunc func(ctx context.Context, d time.Duration) error
	logger    *slog.Logger

	// sem holds a token per Send in progress, at most PoolSize.
	sem chan struct{}

	mu     sync.Mutex
	idle   []*conn // most recently used last, so a quiet sender keeps one warm connection
	closed bool
}

// NewSender validates cfg and returns a Sender. It does not dial: use Check
// to test the server. A nil logger discards logs.
func NewSender(cfg *SMTPConfig, logger *slog.Logger) (*Sender, error) {
	if cfg == nil {
		return nil, errors.New("mail: nil SMTPConfig")
	}
	s := &Sender{
		helo:      cmp.Or(cfg.Helo, defaultHelo),
		timeout:   cmp.Or(max(cfg.Timeout, 0), defaultTimeout),
		retries:   cmp.Or(cfg.Retries, defaultRetries),
		sleepFunc: cfg.SleepFunc,
		logger:    cmp.Or(logger, slog.New(slog.DiscardHandler)),
	}
	if s.sleepFunc == nil {
		s.sleepFunc = sleep
	}
	if err := s.parseURL(cfg.URL); err != nil {
		return nil, err
	}
	if !isPrintableASCII(s.helo) {
		return nil, fmt.Errorf("mail: EHLO name %q must be printable ASCII without spaces", s.helo)
	}
	s.retries = max(s.retries, 0)
	s.tlsConfig = &tls.Config{}
	if cfg.TLSConfig != nil {
		s.tlsConfig = cfg.TLSConfig.Clone()
	}
	s.tlsConfig.ServerName = cmp.Or(s.tlsConfig.ServerName, s.host)
	s.tlsConfig.MinVersion = cmp.Or(s.tlsConfig.MinVersion, tls.VersionTLS12)
	s.sem = make(chan struct{}, cmp.Or(max(cfg.PoolSize, 0), defaultPoolSize))
	return s, nil
}

// parseURL never puts the URL in an error: it may hold a password.
func (s *Sender) parseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("mail: invalid SMTP URL: %w", err)
	}
	var port string
	switch u.Scheme {
	case "smtp":
		port = "587"
	case "smtps":
		port, s.implicit = "465", true
	default:
		return fmt.Errorf("mail: SMTP URL scheme %q is not smtp or smtps", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("mail: SMTP URL must be scheme://[user:pass@]host[:port] with nothing after the port")
	}
	s.addr = net.JoinHostPort(s.host, cmp.Or(u.Port(), port))
	ip := net.ParseIP(s.host)
	s.loopback = s.host == "localhost" || (ip != nil && ip.IsLoopback())
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	return nil
}

// Send delivers raw (Compose's output) from the envelope sender from (the
// VERP address) to the envelope recipients to. It retries temporary
// failures in-process, then returns a *SendError: IsPermanent reports
// whether resending can ever succeed. A rejected recipient fails the whole
// transaction, so send one message per member. Cancelling ctx aborts
// at once and returns an error wrapping ctx's error; a message whose final
// reply had already arrived counts as sent. As SMTP has no idempotency key, a
// connection lost after the final "." may deliver a message twice.
func (s *Sender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if err := checkEnvelope(from, to, raw); err != nil {
		return err
	}
	if s.isClosed() {
		return ErrSenderClosed
	}
	msgID := messageIDOf(raw)
	for attempt := 0; ; attempt++ {
		err := s.attempt(ctx, from, to, raw)
		if err == nil {
			s.logger.InfoContext(ctx, "smtp sender: Sent message", slog.String("message_id", msgID),
				slog.Int("recipients", len(to)), slog.Int("attempts", attempt+1))
			return nil
		}
		if attempt >= s.retries || !retryable(ctx, err) {
			return err
		}
		delay := backoff(attempt)
		s.logRetry(ctx, msgID, attempt, delay, err)
		if serr := s.sleepFunc(ctx, delay); serr != nil {
			return fmt.Errorf("mail: retry interrupted: %w (last attempt: %w)", serr, err)
		}
	}
}

// logRetry logs the reply code, never the server's text: it often quotes
// the recipient address.
func (s *Sender) logRetry(ctx context.Context, msgID string, attempt int, delay time.Duration, err error) {
	se := &SendError{}
	errors.As(err, &se)
	s.logger.WarnContext(ctx, "smtp sender: Retrying after temporary failure",
		slog.String("message_id", msgID), slog.Int("attempt", attempt+1), slog.Duration("delay", delay),
		slog.String("op", se.Op), slog.Int("code", se.Code), slog.String("enhanced", se.Enhanced))
}

// attempt runs one SMTP transaction on a pooled connection.
func (s *Sender) attempt(ctx context.Context, from string, to []string, raw []byte) error {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return &SendError{Op: "pool", Err: ctx.Err()}
	}
	c, err := s.ready(ctx, s.takeIdle())
	defer func() { s.release(c) }()
	if err != nil {
		return err
	}
	err = c.send(ctx, s.timeout, from, to, raw)
	c.lastUsed = time.Now()
	return err
}

// takeIdle returns the most recently used idle connection, or nil, and
// closes those idle longer than maxIdle.
func (s *Sender) takeIdle() *conn {
	s.mu.Lock()
	var expired []*conn
	for len(s.idle) > 0 && time.Since(s.idle[0].lastUsed) > maxIdle {
		expired = append(expired, s.idle[0])
		s.idle = s.idle[1:]
	}
	var c *conn
	if n := len(s.idle); n > 0 {
		c, s.idle = s.idle[n-1], s.idle[:n-1]
	}
	s.mu.Unlock()
	for _, e := range expired {
		e.close(s.timeout)
	}
	return c
}

// ready returns c after an RSET proves it alive and clears any transaction
// left by a failed send, or a new connection when c is nil or broken: a
// broken pooled connection is re-dialed once, without counting as a retry.
func (s *Sender) ready(ctx context.Context, c *conn) (*conn, error) {
	if c != nil {
		err := c.do(ctx, s.timeout, "rset", c.client.Reset)
		if err == nil {
			return c, nil
		}
		c.broken = true
		c.close(s.timeout)
		if ctx.Err() != nil {
			return nil, err
		}
		s.logger.DebugContext(ctx, "smtp sender: Re-dialing broken pooled connection")
	}
	return s.dial(ctx)
}

// release returns c to the idle list, or closes it if it cannot be reused,
// and frees the Send's pool token.
func (s *Sender) release(c *conn) {
	defer func() { <-s.sem }()
	if c == nil {
		return
	}
	s.mu.Lock()
	keep := !c.broken && !s.closed
	if keep {
		s.idle = append(s.idle, c)
	}
	s.mu.Unlock()
	if !keep {
		c.close(s.timeout)
	}
}

func (s *Sender) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Check dials a new connection and runs EHLO, STARTTLS or TLS, and AUTH,
// for `codev doctor` and /readyz. The *SendError's Op says which step
// failed: dial, tls, greeting, ehlo or auth.
func (s *Sender) Check(ctx context.Context) error {
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	c.close(s.timeout)
	return nil
}

// Close sends QUIT on idle connections and makes later Sends fail with
// ErrSenderClosed. Sends in flight finish and close their connection.
func (s *Sender) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle, s.closed = nil, true
	s.mu.Unlock()
	for _, c := range idle {
		c.close(s.timeout)
	}
	return nil
}

func (s *Sender) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: s.timeout}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, newSendError("dial", err)
	}
	c := &conn{raw: raw}
	if err := s.handshake(ctx, c); err != nil {
		_ = raw.Close()
		return nil, err
	}
	c.lastUsed = time.Now()
	s.logger.DebugContext(ctx, "smtp sender: Dialed connection", slog.Bool("implicit_tls", s.implicit))
	return c, nil
}

func (s *Sender) handshake(ctx context.Context, c *conn) error {
	var nc net.Conn = c.raw
	if s.implicit {
		tc := tls.Client(c.raw, s.tlsConfig)
		if err := c.do(ctx, s.timeout, "tls", tc.Handshake); err != nil {
			return err
		}
		nc = tc
	}
	err := c.do(ctx, s.timeout, "greeting", func() (err error) {
		c.client, err = smtp.NewClient(nc, s.host)
		return err
	})
	if err != nil {
		return err
	}
	// Compose only emits ASCII addresses, so SMTPUTF8 is never needed.
	c.client.SkipSMTPUTF8(true)
	if err := c.do(ctx, s.timeout, "ehlo", func() error { return c.client.Hello(s.helo) }); err != nil {
		return err
	}
	if !s.implicit {
		if err := s.startTLS(ctx, c); err != nil {
			return err
		}
	}
	if s.user == "" {
		return nil
	}
	return s.auth(ctx, c)
}

func (s *Sender) startTLS(ctx context.Context, c *conn) error {
	if ok, _ := c.client.Extension("STARTTLS"); !ok {
		if s.loopback {
			return nil
		}
		return &SendError{Op: "tls", Err: errors.New("server does not offer STARTTLS, required for a non-loopback host")}
	}
	// StartTLS also repeats EHLO, which runs the handshake.
	return c.do(ctx, s.timeout, "tls", func() error { return c.client.StartTLS(s.tlsConfig) })
}

func (s *Sender) auth(ctx context.Context, c *conn) error {
	ok, offered := c.client.Extension("AUTH")
	if !ok {
		return &SendError{Op: "auth", Err: errors.New("server offers no AUTH but the SMTP URL has credentials")}
	}
	var a smtp.Auth
	switch mechs := strings.Fields(strings.ToUpper(offered)); {
	case slices.Contains(mechs, "PLAIN"):
		a = smtp.PlainAuth("", s.user, s.pass, s.host, false)
	case slices.Contains(mechs, "LOGIN"):
		a = smtp.LoginAuth(s.user, s.pass, s.host, false)
	default:
		return &SendError{Op: "auth", Err: fmt.Errorf("server offers AUTH %s; only PLAIN and LOGIN are supported", offered)}
	}
	return c.do(ctx, s.timeout, "auth", func() error { return c.client.Auth(a) })
}

// conn is one pooled SMTP connection. It is used by one goroutine at a time:
// whoever holds its pool slot.
type conn struct {
	raw      net.Conn // the TCP connection; its deadlines bound every command
	client   *smtp.Client
	broken   bool // state unknown after an I/O error or cancellation: never reuse
	lastUsed time.Time
}

// longAgo is a deadline in the past: setting it makes blocked I/O return.
var longAgo = time.Unix(1, 0)

// do runs one protocol step fn under a deadline of timeout and makes ctx's
// end (cancellation or deadline) interrupt it, since go-mail's smtp package
// does no I/O with a context. ctx's deadline is not copied to the
// connection: the interruption then always comes after ctx.Err() is set, so
// the error says why. Errors become *SendError.
func (c *conn) do(ctx context.Context, timeout time.Duration, op string, fn func() error) error {
	if err := c.raw.SetDeadline(time.Now().Add(timeout)); err != nil {
		c.broken = true
		return newSendError(op, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.raw.SetDeadline(longAgo) })
	// Checked after AfterFunc is armed, so a cancellation cannot slip between.
	err := ctx.Err()
	if err == nil {
		err = fn()
	}
	if !stop() {
		// The deadline was, or is about to be, forced into the past.
		c.broken = true
	}
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		c.broken = true
		return newSendError(op, ctxErr)
	}
	se := newSendError(op, err)
	if se.Code == 0 || se.Code == 421 {
		c.broken = true
	}
	return se
}

func (c *conn) send(ctx context.Context, timeout time.Duration, from string, to []string, raw []byte) error {
	if err := c.do(ctx, timeout, "mail", func() error { return c.client.Mail("<" + from + ">") }); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.do(ctx, timeout, "rcpt", func() error { return c.client.Rcpt("<" + rcpt + ">") }); err != nil {
			return err
		}
	}
	var w io.WriteCloser
	err := c.do(ctx, timeout, "data", func() (err error) {
		w, err = c.client.Data()
		return err
	})
	if err != nil {
		return err
	}
	return c.do(ctx, timeout, "data", func() error {
		if _, err := w.Write(raw); err != nil {
			return err
		}
		return w.Close()
	})
}

// close sends QUIT on a healthy connection, briefly, then closes it.
func (c *conn) close(timeout time.Duration) {
	if !c.broken && c.client != nil {
		_ = c.do(context.Background(), min(timeout, quitTimeout), "quit", c.client.Quit)
	}
	_ = c.raw.Close()
}

// SendError reports a failed SMTP step with the server's reply, if any, so
// callers can decide between retrying and giving up.
type SendError struct {
	// Op is the step that failed: pool, dial, tls, greeting, ehlo, auth,
	// rset, mail, rcpt, data or quit.
	Op string
	// Code is the SMTP reply code, 0 when there was no reply (connection
	// error, timeout, cancellation).
	Code int
	// Enhanced is the RFC 3463 status code ("5.1.1") when the server sent one.
	Enhanced string
	// Permanent is true for a 5xx reply to RCPT or DATA: this message will
	// never be accepted for this recipient. A 5xx to the greeting, EHLO,
	// AUTH or MAIL FROM (our own envelope sender) is a configuration
	// problem, not the message's, and is not permanent.
	Permanent bool
	// Err is the underlying error: a *textproto.Error for replies.
	Err error
}

// Error implements error.
func (e *SendError) Error() string {
	return "mail: smtp " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns Err, so errors.Is(err, context.Canceled) and friends work.
func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether resending the same message cannot succeed: a
// 5xx reply to RCPT or DATA, or a message or envelope rejected before sending
// (ErrInvalidMessage). 4xx replies, timeouts, connection errors and
// configuration errors (5xx to AUTH or MAIL FROM, TLS failures) are not:
// a misconfigured relay must not cancel every queued message. Workers cancel
// the job when true.
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

func newSendError(op string, err error) *SendError {
	se := &SendError{Op: op, Err: err}
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		se.Code = tpe.Code
		se.Enhanced = enhancedCode(tpe.Msg)
		// MAIL FROM carries our own envelope sender, so its 5xx replies
		// (authentication required, sender not owned by the login) are
		// configuration problems like a failed AUTH, not the message's.
		se.Permanent = tpe.Code >= 500 && (op == "rcpt" || op == "data")
	}
	return se
}

// enhancedCode returns the leading class.subject.detail of a reply text.
func enhancedCode(msg string) string {
	code, _, _ := strings.Cut(msg, " ")
	parts := strings.Split(code, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return ""
	}
	for _, p := range parts[1:] {
		if len(p) == 0 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return code
}

// retryable reports whether another attempt may succeed soon: a 4xx reply,
// or a network failure. Cancellation, 5xx replies, TLS verification and
// AUTH configuration errors are not retried.
func retryable(ctx context.Context, err error) bool {
	var se *SendError
	if ctx.Err() != nil || !errors.As(err, &se) {
		return false
	}
	if se.Code != 0 {
		return se.Code >= 400 && se.Code < 500
	}
	var ne net.Error
	return errors.As(se.Err, &ne) || errors.Is(se.Err, io.EOF) || errors.Is(se.Err, io.ErrUnexpectedEOF)
}

// backoff returns 200ms·2^attempt, uniformly jittered by ±50% so senders
// that failed together do not retry together.
func backoff(attempt int) time.Duration {
	d := min(retryBase<<min(attempt, 16), maxBackoff)
	return d/2 + rand.N(d)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func checkEnvelope(from string, to []string, raw []byte) error {
	if err := checkEmail("envelope sender", from); err != nil {
		return err
	}
	if len(to) == 0 {
		return fmt.Errorf("%w: no envelope recipient", ErrInvalidMessage)
	}
	for _, rcpt := range to {
		if err := checkEmail("envelope recipient", rcpt); err != nil {
			return err
		}
	}
	if len(raw) == 0 {
		return fmt.Errorf("%w: empty message", ErrInvalidMessage)
	}
	return nil
}

// messageIDOf returns raw's Message-ID without brackets, for logs.
func messageIDOf(raw []byte) string {
	for len(raw) > 0 {
		var line []byte
		line, raw, _ = bytes.Cut(raw, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && bytes.EqualFold(k, []byte("Message-ID")) {
			return strings.Trim(string(bytes.TrimSpace(v)), "<>")
		}
	}
	return ""
}
