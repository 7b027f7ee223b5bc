package mailroom

import (
	"bufio"
	"bytes"
	"context"
	"net/textproto"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/codev-org/codev/mail/imapwatch"
	"github.com/codev-org/codev/workflow"
)

// Deliverer stores a message read from the mailbox with its processing job,
// in one transaction, and moves the mailbox cursor (workflow.Service's
// Deliver).
type Deliverer interface {
	Deliver(ctx context.Context, in *workflow.Inbound) (bool, error)
}

// Inbox adapts the IMAP watcher's Sink to the service: each message is
// stored with its processing job in one transaction (Deliver), and the
// cursor is read from the store.
type Inbox struct {
	svc   Deliverer
	store workflow.Store
}

var _ imapwatch.Sink = (*Inbox)(nil)

// NewInbox returns the Sink delivering to svc and reading the mailbox
// cursor from store.
func NewInbox(svc Deliverer, store workflow.Store) *Inbox {
	return &Inbox{svc: svc, store: store}
}

// Cursor implements imapwatch.Sink: the UIDVALIDITY and last UID stored
// for mailbox.
func (b *Inbox) Cursor(ctx context.Context, mailbox string) (uidValidity, uid uint32, err error) {
	err = b.store.InTx(ctx, func(tx workflow.Tx) error {
		uidValidity, uid, err = tx.Cursor(ctx, mailbox)
		return err
	})
	return uidValidity, uid, err
}

// Store implements imapwatch.Sink: it delivers m, marked MailOversize when
// only its header was read, so that it is held for the animator.
func (b *Inbox) Store(ctx context.Context, m *imapwatch.Message) error {
	in := &workflow.Inbound{
		Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, Raw: m.Raw, Size: m.Size,
		ReceivedAt: m.InternalDate.UTC(), MessageID: MessageID(m.Raw),
	}
	if m.Oversize {
		in.Kind = workflow.MailOversize
	}
	_, err := b.svc.Deliver(ctx, in)
	return err
}

// maxMessageID bounds a stored Message-ID, in bytes.
const maxMessageID = 250

// MessageID reads the Message-ID header of raw, without angle brackets, as
// it is stored for deduplication across mailbox resets; empty when there is
// none (such a message is deduplicated by UID only). Control characters and
// invalid UTF-8 are dropped and the id is cut to 250 bytes: a hostile id
// must not stop the mailbox, since PostgreSQL refuses NUL and invalid UTF-8
// in text, and a message that cannot be stored is never moved, so every
// later one would wait behind it.
func MessageID(raw []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, _ := r.ReadMIMEHeader() // a malformed header still yields what was read
	id := strings.TrimSpace(h.Get("Message-Id"))
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	id = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, id)
	if len(id) > maxMessageID {
		id = strings.ToValidUTF8(id[:maxMessageID], "")
	}
	return id
}
