package main

import (
	"bytes"
	"io"
	"log"
	"net"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// mailbox is an in-memory IMAP server on loopback with one user and an
// INBOX, as the tests use.
type mailbox struct {
	addr string
	user *imapmemserver.User
	srv  *imapserver.Server
}

func newMailbox() (*mailbox, error) {
	m := &mailbox{user: imapmemserver.NewUser("codev@example.org", "secret")}
	if err := m.user.Create("INBOX", nil); err != nil {
		return nil, err
	}
	mem := imapmemserver.New()
	mem.AddUser(m.user)
	m.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m.addr = ln.Addr().String()
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

func (m *mailbox) url() string { return "imap://codev%40example.org:secret@" + m.addr + "/INBOX" }

func (m *mailbox) deliver(raw []byte) error {
	_, err := m.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{})
	return err
}

func (m *mailbox) count(name string) uint32 {
	st, err := m.user.Status(name, &imap.StatusOptions{NumMessages: true})
	if err != nil || st.NumMessages == nil {
		return 0
	}
	return *st.NumMessages
}

func (m *mailbox) close() { _ = m.srv.Close() }
