package imaptest

import (
	"bytes"
	"errors"
	"net"
	"sync"
)

// faults is the fault injection state of a Server.
type faults struct {
	mu        sync.Mutex
	open      map[*faultConn]struct{}
	accepted  int
	dropFetch int
}

// DropConnections closes every open connection at once, as a server restart
// or a NAT that forgot the connection would, whatever the client is doing
// (idling, fetching), and returns how many it closed.
func (s *Server) DropConnections() int {
	f := s.faults
	f.mu.Lock()
	open := make([]*faultConn, 0, len(f.open))
	for c := range f.open {
		open = append(open, c)
	}
	f.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
	return len(open)
}

// DropNextFetch closes the connection in the middle of each of the next n
// responses that carry a message body (BODY[…]): the response is written up
// to the body, then the connection is closed. It is not cut inside the
// body's literal: go-imap's client (v2.0.0-beta.8) then reads the literal's
// bufio.Reader from two goroutines, a data race that the race detector
// reports (harmless, the connection being dead, but it fails the tests).
func (s *Server) DropNextFetch(n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.dropFetch += n
}

// Connections returns how many connections the server has accepted.
func (s *Server) Connections() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.accepted
}

// faultListener tracks the connections it accepts.
type faultListener struct {
	net.Listener
	f *faults
}

func (l faultListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	fc := &faultConn{Conn: c, f: l.f}
	l.f.mu.Lock()
	if l.f.open == nil {
		l.f.open = map[*faultConn]struct{}{}
	}
	l.f.open[fc] = struct{}{}
	l.f.accepted++
	l.f.mu.Unlock()
	return fc, nil
}

type faultConn struct {
	net.Conn
	f *faults
}

var errDropped = errors.New("imaptest: connection dropped")

func (c *faultConn) Write(p []byte) (int, error) {
	if i := bytes.Index(p, []byte(" BODY[")); i >= 0 && c.takeDropFetch() {
		_, _ = c.Conn.Write(p[:i])
		_ = c.Close()
		return 0, errDropped
	}
	return c.Conn.Write(p)
}

func (c *faultConn) takeDropFetch() bool {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.f.dropFetch == 0 {
		return false
	}
	c.f.dropFetch--
	return true
}

func (c *faultConn) Close() error {
	c.f.mu.Lock()
	delete(c.f.open, c)
	c.f.mu.Unlock()
	return c.Conn.Close()
}
