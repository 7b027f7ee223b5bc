package main

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

// inbox adapts the IMAP watcher's Sink to the service: each message is
// stored with its processing job in one transaction (Service.Deliver).
type inbox struct {
	svc   *workflow.Service
	store workflow.Store
}

var _ imapwatch.Sink = inbox{}

func (b inbox) Cursor(ctx context.Context, mailbox string) (uidValidity, uid uint32, err error) {
	err = b.store.InTx(ctx, func(tx workflow.Tx) error {
		uidValidity, uid, err = tx.Cursor(ctx, mailbox)
		return err
	})
	return uidValidity, uid, err
}

func (b inbox) Store(ctx context.Context, m *imapwatch.Message) error {
	in := &workflow.Inbound{
		Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, Raw: m.Raw, Size: m.Size,
		ReceivedAt: m.InternalDate.UTC(), MessageID: messageID(m.Raw),
	}
	if m.Oversize {
		in.Kind = workflow.MailOversize
	}
	_, err := b.svc.Deliver(ctx, in)
	return err
}

// messageID reads the Message-ID header, for deduplication across mailbox
// resets. A message without one is deduplicated by UID only.
func messageID(raw []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, _ := r.ReadMIMEHeader() // a malformed header still yields what was read
	id := strings.TrimSpace(h.Get("Message-Id"))
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	// A hostile id must not stop the mailbox: PostgreSQL refuses NUL and
	// invalid UTF-8 in text, and a message that cannot be stored is never
	// moved, so every later one would wait behind it.
	id = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, id)
	if len(id) > 250 {
		id = strings.ToValidUTF8(id[:250], "")
	}
	return id
}
