package devmail

import (
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

func (s *Server) startIMAP(validity uint32) error {
	s.user = imapmemserver.NewUser(s.service, s.password)
	if err := s.user.Create("INBOX", nil); err != nil {
		return fmt.Errorf("devmail: imap: %w", err)
	}
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{UserSession: imapmemserver.NewUserSession(s.user), user: s.user, validity: validity}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true, // loopback only
		Logger:       logger{s.log, "devmail imap"},
	})
	ln, err := netListen()
	if err != nil {
		return fmt.Errorf("devmail: imap: %w", err)
	}
	s.imapLn = ln
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		_ = s.imap.Serve(ln)
	}()
	return nil
}

// imapSession is imapmemserver's session for the one user, reporting this
// run's UIDVALIDITY: the in-memory server numbers every new INBOX 1, and
// codev keeps its cursor (and the UIDs it stored) from one run to the next.
type imapSession struct {
	*imapmemserver.UserSession
	user     *imapmemserver.User
	validity uint32
}

func (s *imapSession) Login(username, password string) error { return s.user.Login(username, password) }

func (s *imapSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := s.UserSession.Select(name, options)
	if data != nil {
		data.UIDValidity += s.validity
	}
	return data, err
}

func (s *imapSession) Status(name string, options *imap.StatusOptions) (*imap.StatusData, error) {
	data, err := s.UserSession.Status(name, options)
	if data != nil && data.UIDValidity != 0 {
		data.UIDValidity += s.validity
	}
	return data, err
}
