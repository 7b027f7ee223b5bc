// Package devmail is the mail system of `codev dev`: an SMTP server that
// keeps every message in a mailbox per recipient, and an IMAP server holding
// the service mailbox, into which the SMTP server delivers what is addressed
// to codev. Both listen on loopback ports chosen by the system and speak the
// real protocols, so that codev's sender and IMAP watcher run the same code
// paths as in production.
//
// The participants' mailboxes are kept as .eml files in a folder when one is
// given, so that a restarted `codev dev` shows the same inboxes. The service
// mailbox starts empty on every run (codev stored what it read); its
// UIDVALIDITY changes from one run to the next so that the watcher never
// mistakes a new message for one it has already stored.
package devmail

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// Config configures a Server.
type Config struct {
	// Service is the service mailbox (CODEV_FROM), e.g. codev@codev.localhost.
	// Mail to it or to one of its sub-addresses (codev+TOKEN@…) goes into the
	// IMAP INBOX; it is also the IMAP user name. Required.
	Service string
	// Dir keeps the mailboxes across runs, one folder per recipient holding
	// numbered .eml files. Empty: mailboxes live in memory only.
	Dir string
	// Now dates the messages put in the IMAP INBOX (their INTERNALDATE), so
	// that codev sees them arrive at the dev clock's time. Default: the
	// system clock.
	Now func() time.Time
	// Logger receives the servers' errors. Default: discarded.
	Logger *slog.Logger
}

// Server is a running SMTP and IMAP pair on loopback.
type Server struct {
	cfg      Config
	service  string // lowercased
	password string
	log      *slog.Logger

	smtp    *smtp.Server
	smtpLn  net.Listener
	imap    *imapserver.Server
	imapLn  net.Listener
	user    *imapmemserver.User
	done    sync.WaitGroup
	closing sync.Once

	mu    sync.Mutex
	boxes map[string][][]byte // raw messages by lowercased address, oldest first
}

// Start starts both servers on 127.0.0.1 and loads the mailboxes kept in
// cfg.Dir.
func Start(cfg Config) (*Server, error) {
	if _, _, ok := strings.Cut(cfg.Service, "@"); !ok {
		return nil, fmt.Errorf("devmail: service address %q is not an email address", cfg.Service)
	}
	s := &Server{
		cfg:      cfg,
		service:  strings.ToLower(cfg.Service),
		password: "codev-dev",
		log:      cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		boxes:    map[string][][]byte{},
	}
	if s.cfg.Now == nil {
		s.cfg.Now = time.Now
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	validity, err := s.nextUIDValidity()
	if err != nil {
		return nil, err
	}
	if err := s.startIMAP(validity); err != nil {
		return nil, err
	}
	if err := s.startSMTP(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// SMTPAddr is the SMTP server's host:port.
func (s *Server) SMTPAddr() string { return s.smtpLn.Addr().String() }

// SMTPURL is the CODEV_SMTP_URL of the SMTP server (plain: loopback).
func (s *Server) SMTPURL() string { return "smtp://" + s.SMTPAddr() }

// IMAPURL is the CODEV_IMAP_URL of the service mailbox (plain: loopback).
func (s *Server) IMAPURL() string {
	u := url.URL{Scheme: "imap", User: url.UserPassword(s.service, s.password), Host: s.imapLn.Addr().String(), Path: "/INBOX"}
	return u.String()
}

// Mailbox returns the messages received for addr, oldest first, as
// received: CRLF line endings, dot-unstuffed.
func (s *Server) Mailbox(addr string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.boxes[strings.ToLower(addr)])
}

// Send submits a message through the SMTP server, as a participant's mail
// client would.
func (s *Server) Send(ctx context.Context, from string, to []string, raw []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.SMTPAddr())
	if err != nil {
		return fmt.Errorf("devmail: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("devmail: %w", err)
	}
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("devmail: sending: %w", err)
	}
	return c.Quit()
}

// Close stops both servers.
func (s *Server) Close() {
	s.closing.Do(func() {
		if s.smtp != nil {
			_ = s.smtp.Close()
		}
		if s.imap != nil {
			_ = s.imap.Close()
		}
		s.done.Wait()
	})
}

func (s *Server) startSMTP() error {
	s.smtp = smtp.NewServer(backend{s})
	s.smtp.Domain = "devmail.localhost"
	s.smtp.ReadTimeout = time.Minute
	s.smtp.WriteTimeout = time.Minute
	s.smtp.MaxMessageBytes = 25 << 20
	s.smtp.MaxRecipients = 100
	s.smtp.AllowInsecureAuth = true
	s.smtp.ErrorLog = logger{s.log, "devmail smtp"}
	ln, err := netListen()
	if err != nil {
		return fmt.Errorf("devmail: smtp: %w", err)
	}
	s.smtpLn = ln
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		_ = s.smtp.Serve(ln)
	}()
	return nil
}

// netListen listens on a free loopback port: the dev servers are never
// reachable from another machine.
func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// isService reports whether addr is the service mailbox or one of its
// sub-addresses.
func (s *Server) isService(addr string) bool {
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	slocal, sdomain, _ := strings.Cut(s.service, "@")
	base, _, _ := strings.Cut(local, "+")
	return domain == sdomain && base == slocal
}

// deliver files one accepted message: into the IMAP INBOX for the service
// mailbox, and into each recipient's mailbox.
func (s *Server) deliver(to []string, raw []byte) error {
	for _, rcpt := range to {
		box := strings.ToLower(rcpt)
		if s.isService(rcpt) {
			box = s.service
			opts := &imap.AppendOptions{Time: s.cfg.Now()}
			if _, err := s.user.Append("INBOX", bytes.NewReader(raw), opts); err != nil {
				return fmt.Errorf("devmail: delivering to the service mailbox: %w", err)
			}
		}
		if err := s.keep(box, raw); err != nil {
			return err
		}
	}
	return nil
}

// keep appends raw to a recipient's mailbox, and to its folder.
func (s *Server) keep(box string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.boxes[box]) + 1
	if s.cfg.Dir != "" {
		dir := filepath.Join(s.cfg.Dir, box)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("devmail: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%06d.eml", n)), raw, 0o600); err != nil {
			return fmt.Errorf("devmail: %w", err)
		}
	}
	s.boxes[box] = append(s.boxes[box], raw)
	return nil
}

// load reads the mailboxes kept in cfg.Dir.
func (s *Server) load() error {
	if s.cfg.Dir == "" {
		return nil
	}
	dirs, err := os.ReadDir(s.cfg.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("devmail: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || !strings.Contains(d.Name(), "@") {
			continue
		}
		files, err := filepath.Glob(filepath.Join(s.cfg.Dir, d.Name(), "*.eml"))
		if err != nil {
			return fmt.Errorf("devmail: %w", err)
		}
		sort.Strings(files)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("devmail: %w", err)
			}
			box := strings.ToLower(d.Name())
			s.boxes[box] = append(s.boxes[box], raw)
		}
	}
	return nil
}

// nextUIDValidity returns a UIDVALIDITY for this run's INBOX: the time in
// seconds, and above the last run's, which is kept in cfg.Dir.
func (s *Server) nextUIDValidity() (uint32, error) {
	v := uint32(time.Now().Unix())
	if s.cfg.Dir == "" {
		return v, nil
	}
	file := filepath.Join(s.cfg.Dir, "uidvalidity")
	if b, err := os.ReadFile(file); err == nil {
		if last, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 32); err == nil && uint32(last) >= v {
			v = uint32(last) + 1
		}
	}
	if err := os.MkdirAll(s.cfg.Dir, 0o700); err != nil {
		return 0, fmt.Errorf("devmail: %w", err)
	}
	if err := os.WriteFile(file, []byte(strconv.FormatUint(uint64(v), 10)+"\n"), 0o600); err != nil {
		return 0, fmt.Errorf("devmail: %w", err)
	}
	return v, nil
}

// logger adapts slog to the servers' printf-style error logs.
type logger struct {
	log    *slog.Logger
	prefix string
}

func (l logger) Printf(format string, v ...any) {
	l.log.Warn(l.prefix + ": " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (l logger) Println(v ...any) {
	l.log.Warn(l.prefix + ": " + strings.TrimSpace(fmt.Sprintln(v...)))
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

// session is one SMTP transaction's envelope.
type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.Contains(to, "@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "not an address"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.deliver(ss.to, raw); err != nil {
		ss.s.log.Error("devmail: Delivery failed", slog.String("error", err.Error()))
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "could not store the message"}
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }
