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
}

// NewServer starts a server on 127.0.0.1 with user codev@example.org and an
// INBOX, stopped when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{User: "codev@example.org", Password: "secret"}
	s.user = imapmemserver.NewUser(s.User, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("imaptest: %v", err)
	}
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
