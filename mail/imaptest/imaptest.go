// Package imaptest runs an in-process IMAP server (go-imap's imapserver with
// imapmemserver) on loopback, holding one mailbox user, for end-to-end
// tests of the watcher and of the whole reply path.
package imaptest

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/url"
	"regexp"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is a running IMAP server with one user.
type Server struct {
	Addr     string
	User     string
	Password string
	user     *imapmemserver.User
	faults   *faults
}

// Option configures a Server.
type Option func(*options)

type options struct {
	noIdle bool
}

// WithoutIdle makes the server hide IDLE (and IMAP4rev2, which implies it)
// from its capabilities, as some servers and proxies do, so that clients
// fall back to polling. go-imap's server always offers IDLE, so the
// CAPABILITY lines it writes are filtered on their way out.
func WithoutIdle() Option { return func(o *options) { o.noIdle = true } }

// NewServer starts a server on 127.0.0.1 with user codev@example.org and an
// INBOX, stopped when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{User: "codev@example.org", Password: "secret"}
	s.user = imapmemserver.NewUser(s.User, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	if o.noIdle {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	var ln net.Listener
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	if o.noIdle {
		ln = noIdleListener{ln}
	}
	s.faults = &faults{}
	ln = faultListener{Listener: ln, f: s.faults}
	s.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

// URL is the CODEV_IMAP_URL of the server's INBOX (plain IMAP: loopback).
func (s *Server) URL() string {
	u := url.URL{Scheme: "imap", User: url.UserPassword(s.User, s.Password), Host: s.Addr, Path: "/INBOX"}
	return u.String()
}

// Deliver appends a message to a mailbox, as an MTA would.
func (s *Server) Deliver(t testing.TB, mailbox string, raw []byte) {
	t.Helper()
	if _, err := s.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{}); err != nil {
		t.Fatalf("imaptest: append: %v", err)
	}
}

// Count returns the number of messages in a mailbox, 0 when it does not
// exist.
func (s *Server) Count(mailbox string) uint32 {
	st, err := s.user.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil || st.NumMessages == nil {
		return 0
	}
	return *st.NumMessages
}

// noIdleListener hands out connections whose CAPABILITY lines lack IDLE.
type noIdleListener struct{ net.Listener }

func (l noIdleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return noIdleConn{c}, nil
}

type noIdleConn struct{ net.Conn }

var hiddenCaps = regexp.MustCompile(`(?i) (IDLE|IMAP4rev2)\b`)

// Write removes IDLE from the CAPABILITY responses and response codes the
// server writes. It reports len(p) written so that the server's buffered
// writer is not confused by the shorter output.
func (c noIdleConn) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("CAPABILITY")) {
		return c.Conn.Write(p)
	}
	lines := bytes.SplitAfter(p, []byte("\n"))
	for i, line := range lines {
		if bytes.Contains(line, []byte("CAPABILITY")) {
			lines[i] = hiddenCaps.ReplaceAll(line, nil)
		}
	}
	if _, err := c.Conn.Write(bytes.Join(lines, nil)); err != nil {
		return 0, err
	}
	return len(p), nil
}
