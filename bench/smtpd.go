package main

import (
	"bytes"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server on loopback that accepts every message, keeps the
// header of each when asked, and counts messages, bytes and the times of
// the first and last.
type sink struct {
	addr    string
	srv     *smtp.Server
	keep    bool // keep headers
	mu      sync.Mutex
	n       int
	bytes   int64
	first   time.Time
	last    time.Time
	headers [][]byte
}

func newSink(keepHeaders bool) (*sink, error) {
	s := &sink{keep: keepHeaders}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "sink.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxRecipients = 1000
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *sink) close() { _ = s.srv.Close() }

// reset forgets what was received.
func (s *sink) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n, s.bytes, s.first, s.last, s.headers = 0, 0, time.Time{}, time.Time{}, nil
}

// stats returns the count, bytes and the first and last arrival.
func (s *sink) stats() (n int, size int64, first, last time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.bytes, s.first, s.last
}

// rate is messages per second between the first and the last arrival.
func (s *sink) rate() float64 {
	n, _, first, last := s.stats()
	if n < 2 || !last.After(first) {
		return 0
	}
	return float64(n-1) / last.Sub(first).Seconds()
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *sink }

func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }

func (ss *sinkSession) Data(r io.Reader) error {
	var head []byte
	var n int64
	if ss.s.keep {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		n = int64(len(b))
		if i := bytes.Index(b, []byte("\r\n\r\n")); i > 0 {
			head = b[:i+2]
		}
	} else {
		var err error
		if n, err = io.Copy(io.Discard, r); err != nil {
			return err
		}
	}
	now := time.Now()
	s := ss.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		s.first = now
	}
	s.n++
	s.bytes += n
	s.last = now
	if head != nil {
		s.headers = append(s.headers, head)
	}
	return nil
}
