// Package smtptest runs an in-process SMTP server for tests: it records what
// it accepts and can be told to fail or drop the connection on cue, so
// packages that send mail can test delivery, retries and TLS end to end
// without a real MTA.
package smtptest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	// From is the envelope sender (MAIL FROM), without brackets.
	From string
	// To lists the envelope recipients (RCPT TO), without brackets.
	To []string
	// Data is the message as received, CRLF line endings, dot-unstuffed.
	Data []byte
	// Conn numbers the connection that carried the message, from 1, so
	// tests can assert that connections are reused.
	Conn int
	// TLS reports whether the connection was encrypted.
	TLS bool
	// User is the AUTH user, "" without authentication.
	User string
	// At is when the server accepted the message (the end of DATA, before
	// its reply was written).
	At time.Time
}

// Cmd names an SMTP command a fault can be attached to.
type Cmd string

// Commands that faults can target. A DATA fault acts after the body has been
// read, where a real server answers the final ".".
const (
	CmdMail Cmd = "MAIL"
	CmdRcpt Cmd = "RCPT"
	CmdData Cmd = "DATA"
)

// Option configures a Server.
type Option func(*Server)

// WithSTARTTLS makes the server offer STARTTLS with a self-signed
// certificate; clients trust it through ClientTLSConfig.
func WithSTARTTLS() Option {
	return func(s *Server) { s.startTLS = true }
}

// WithImplicitTLS makes the server speak TLS from the first byte (smtps).
func WithImplicitTLS() Option {
	return func(s *Server) { s.implicitTLS = true }
}

// WithAuth makes the server offer AUTH PLAIN and require it before MAIL.
// Without TLS, AUTH is allowed in clear text, as on a loopback relay.
func WithAuth(user, pass string) Option {
	return func(s *Server) { s.user, s.pass = user, pass }
}

// Server is an SMTP server listening on 127.0.0.1 until the test ends.
type Server struct {
	// Addr is the host:port the server listens on.
	Addr string

	t           testing.TB
	srv         *smtp.Server
	listener    net.Listener
	serveDone   chan struct{}
	startTLS    bool
	implicitTLS bool
	user, pass  string
	cert        *certificate

	closing   chan struct{} // closed by Close to release stalled commands
	closeOnce sync.Once

	mu      sync.Mutex
	msgs    []Received
	faults  []*fault
	conns   int
	open    map[*conn]struct{}
	changed chan struct{} // closed and replaced whenever msgs grows
}

type fault struct {
	cmd  Cmd
	n    int
	code int // a reply code, or dropCode or stallCode
}

const (
	dropCode  = 0
	stallCode = -1
)

// NewServer starts a server on 127.0.0.1:0 and stops it in t.Cleanup.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		t:         t,
		serveDone: make(chan struct{}),
		closing:   make(chan struct{}),
		changed:   make(chan struct{}),
		open:      make(map[*conn]struct{}),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "smtptest.localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.AllowInsecureAuth = !s.startTLS && !s.implicitTLS

	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.Addr = tcp.Addr().String()
	var l net.Listener = &listener{Listener: tcp, srv: s}
	if s.startTLS || s.implicitTLS {
		s.cert = newCertificate(t)
		s.srv.TLSConfig = s.cert.serverConfig()
	}
	if s.implicitTLS {
		l = tls.NewListener(l, s.srv.TLSConfig)
		s.srv.TLSConfig = nil // no STARTTLS on top of TLS
	}
	s.listener = l
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(s.Close)
	return s
}

// URL returns the smtp:// (or smtps://) URL of the server, with the
// credentials of WithAuth.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if s.implicitTLS {
		u.Scheme = "smtps"
	}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.pass)
	}
	return u.String()
}

// ClientTLSConfig returns a TLS configuration that trusts the server's
// self-signed certificate, or nil when the server has no TLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.cert == nil {
		return nil
	}
	return s.cert.clientConfig()
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until at least n messages were accepted and returns them;
// it fails the test after timeout. Call it from the test goroutine.
func (s *Server) WaitFor(n int, timeout time.Duration) []Received {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs, changed := append([]Received(nil), s.msgs...), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-changed:
		case <-deadline.C:
			s.t.Fatalf("smtptest: got %d messages after %s, want %d", len(msgs), timeout, n)
			return nil
		}
	}
}

// Connections returns how many connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// FailNext answers the next n cmd commands with code (e.g. 421, 451, 550)
// instead of accepting them. After a 421 the server closes the connection,
// as RFC 5321 §3.8 says.
func (s *Server) FailNext(cmd Cmd, n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{cmd: cmd, n: n, code: code})
}

// DropNext closes the connection without a reply on the next n cmd
// commands, as a crashed server or a broken network would.
func (s *Server) DropNext(cmd Cmd, n int) {
	s.FailNext(cmd, n, dropCode)
}

// StallNext leaves the next n cmd commands unanswered until the server is
// closed, to test client timeouts and cancellation.
func (s *Server) StallNext(cmd Cmd, n int) {
	s.FailNext(cmd, n, stallCode)
}

// DropConnections closes every open connection at once, as a server does
// with idle clients, so tests can check that pooled connections are
// re-dialed.
func (s *Server) DropConnections() {
	s.mu.Lock()
	open := make([]*conn, 0, len(s.open))
	for c := range s.open {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
}

// Close stops the server and closes every connection. NewServer registers
// it with t.Cleanup; calling it twice is harmless.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	_ = s.srv.Close()
	// Serve may not have registered the listener with srv yet.
	_ = s.listener.Close()
	<-s.serveDone
}

// takeFault consumes one pending fault for cmd, oldest first.
func (s *Server) takeFault(cmd Cmd) (f fault, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.cmd != cmd {
			continue
		}
		f.n--
		if f.n <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return *f, true
	}
	return fault{}, false
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// listener numbers accepted connections and wraps them so a fault can close
// one right after its reply is written.
type listener struct {
	net.Listener
	srv *Server
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.srv.mu.Lock()
	defer l.srv.mu.Unlock()
	l.srv.conns++
	wc := &conn{Conn: c, id: l.srv.conns, srv: l.srv}
	l.srv.open[wc] = struct{}{}
	return wc, nil
}

type conn struct {
	net.Conn
	id  int
	srv *Server

	mu              sync.Mutex
	closeAfterWrite bool
}

// Write closes the connection after the reply it carries when a 421 fault
// asked for it (through TLS too: the reply is the next record written).
func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	closeNow := c.closeAfterWrite
	c.mu.Unlock()
	if closeNow {
		_ = c.Close()
	}
	return n, err
}

func (c *conn) Close() error {
	c.srv.mu.Lock()
	delete(c.srv.open, c)
	c.srv.mu.Unlock()
	return c.Conn.Close()
}

func (c *conn) closeAfterReply() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeAfterWrite = true
}

type backend struct{ srv *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	nc := c.Conn()
	_, isTLS := nc.(*tls.Conn)
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	return &session{srv: b.srv, smtpConn: c, conn: nc.(*conn), tls: isTLS}, nil
}

// session is one client session; go-smtp starts a new one after STARTTLS.
type session struct {
	srv      *Server
	smtpConn *smtp.Conn
	conn     *conn
	tls      bool
	user     string
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if err := s.fault(CmdMail); err != nil {
		return err
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.fault(CmdRcpt); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.fault(CmdData); err != nil {
		return err
	}
	s.srv.record(Received{From: s.from, To: slices.Clone(s.to), Data: data, Conn: s.conn.id, TLS: s.tls, User: s.user, At: time.Now()})
	return nil
}

func (s *session) Reset() {
	s.from, s.to = "", nil
}

func (s *session) Logout() error { return nil }

// fault applies the pending fault for cmd, if any.
func (s *session) fault(cmd Cmd) error {
	f, ok := s.srv.takeFault(cmd)
	switch {
	case !ok:
		return nil
	case f.code == dropCode:
		_ = s.conn.Close()
	case f.code == stallCode:
		<-s.srv.closing
		f.code = 421
		s.conn.closeAfterReply()
	case f.code == 421:
		s.conn.closeAfterReply()
	}
	return &smtp.SMTPError{Code: f.code, EnhancedCode: enhanced(f.code), Message: "smtptest: injected failure"}
}

func enhanced(code int) smtp.EnhancedCode {
	switch {
	case code == 550:
		return smtp.EnhancedCode{5, 1, 1}
	case code >= 500:
		return smtp.EnhancedCode{5, 0, 0}
	default:
		return smtp.EnhancedCode{4, 0, 0}
	}
}
