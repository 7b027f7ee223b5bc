package mailroom_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/imapwatch"
	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/workflow"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// deliveries records what the Inbox delivers.
type deliveries struct {
	got []*workflow.Inbound
	err error
}

func (d *deliveries) Deliver(_ context.Context, in *workflow.Inbound) (bool, error) {
	d.got = append(d.got, in)
	return d.err == nil, d.err
}

// cursorStore is a Store whose transactions only answer Cursor.
type cursorStore struct {
	workflow.Store
	vv, uid uint32
	err     error
	asked   []string
}

func (s *cursorStore) InTx(_ context.Context, fn func(workflow.Tx) error) error {
	return fn(cursorTx{s: s})
}

type cursorTx struct {
	workflow.Tx
	s *cursorStore
}

func (tx cursorTx) Cursor(_ context.Context, mailbox string) (uint32, uint32, error) {
	tx.s.asked = append(tx.s.asked, mailbox)
	return tx.s.vv, tx.s.uid, tx.s.err
}

func TestInboxCursor(t *testing.T) {
	t.Parallel()
	store := &cursorStore{vv: 7, uid: 42}
	b := mailroom.NewInbox(&deliveries{}, store)
	vv, uid, err := b.Cursor(t.Context(), "INBOX")
	require.NoError(t, err)
	require.Equal(t, uint32(7), vv)
	require.Equal(t, uint32(42), uid)
	require.Equal(t, []string{"INBOX"}, store.asked)

	store.err = errors.New("database down")
	_, _, err = b.Cursor(t.Context(), "INBOX")
	require.ErrorIs(t, err, store.err, "the watcher backs off on it")
}

func TestInboxStore(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 16, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	raw := []byte("Message-ID: <abc@example.org>\r\nFrom: a@example.org\r\nSubject: Re\r\n\r\nOui\r\n")

	t.Run("Whole", func(t *testing.T) {
		t.Parallel()
		d := &deliveries{}
		b := mailroom.NewInbox(d, &cursorStore{})
		require.NoError(t, b.Store(t.Context(), &imapwatch.Message{
			Mailbox: "INBOX", UIDValidity: 3, UID: 9, Raw: raw, Size: int64(len(raw)), InternalDate: at,
		}))
		require.Len(t, d.got, 1)
		require.Equal(t, &workflow.Inbound{
			Mailbox: "INBOX", UIDValidity: 3, UID: 9, Raw: raw, Size: int64(len(raw)),
			ReceivedAt: at.UTC(), MessageID: "abc@example.org",
		}, d.got[0])
		require.Equal(t, time.UTC, d.got[0].ReceivedAt.Location())
	})

	t.Run("Oversize", func(t *testing.T) {
		t.Parallel()
		d := &deliveries{}
		b := mailroom.NewInbox(d, &cursorStore{})
		header := raw[:strings.Index(string(raw), "\r\n\r\n")+4]
		require.NoError(t, b.Store(t.Context(), &imapwatch.Message{
			Mailbox: "INBOX", UIDValidity: 3, UID: 10, Raw: header, Size: 50 << 20, Oversize: true, InternalDate: at,
		}))
		require.Len(t, d.got, 1)
		require.Equal(t, workflow.MailOversize, d.got[0].Kind, "held for the animator")
		require.Equal(t, int64(50<<20), d.got[0].Size)
		require.Equal(t, "abc@example.org", d.got[0].MessageID)
	})

	t.Run("Error", func(t *testing.T) {
		t.Parallel()
		d := &deliveries{err: errors.New("disk full")}
		b := mailroom.NewInbox(d, &cursorStore{})
		err := b.Store(t.Context(), &imapwatch.Message{Mailbox: "INBOX", UIDValidity: 3, UID: 11, Raw: raw})
		require.ErrorIs(t, err, d.err, "the watcher leaves the message in place")
	})
}

func TestMessageID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200) + "@example.org" // 412 bytes
	for _, c := range []struct {
		name, raw, want string
	}{
		{"Brackets", "Message-ID: <a.b@example.org>\r\n\r\n", "a.b@example.org"},
		{"NoBrackets", "Message-Id: a.b@example.org\r\n\r\n", "a.b@example.org"},
		{"Spaces", "Message-ID:   <a.b@example.org>  \r\n\r\n", "a.b@example.org"},
		{"CaseInsensitive", "MESSAGE-ID: <x@y>\r\n\r\n", "x@y"},
		{"Missing", "From: a@example.org\r\n\r\nbody", ""},
		{"Empty", "", ""},
		// A header line with NUL or ESC is refused by the header reader:
		// no id, the message is deduplicated by UID only.
		{"NUL", "Message-ID: <a\x00b@example.org>\r\n\r\n", ""},
		{"Escape", "Message-ID: <a\x1bb@example.org>\r\n\r\n", ""},
		{"Tab", "Message-ID: <a\tb@example.org>\r\n\r\n", "ab@example.org"},
		{"InvalidUTF8", "Message-ID: <a\xff\xfeb@example.org>\r\n\r\n", "ab@example.org"},
		{"MalformedHeader", "Message-ID: <ok@example.org>\r\nnot a header line\r\n\r\n", "ok@example.org"},
	} {
		require.Equal(t, c.want, mailroom.MessageID([]byte(c.raw)), c.name)
	}
	id := mailroom.MessageID([]byte("Message-ID: <" + long + ">\r\n\r\n"))
	require.LessOrEqual(t, len(id), 250, "cut to 250 bytes")
	require.True(t, utf8.ValidString(id), "cut on a character boundary")
	require.True(t, strings.HasPrefix(long, id))
}

// TestInboxWithWatcher runs the IMAP watcher over loopback into the Inbox,
// a Service and a SQLite store: what the watcher reads is stored, with its
// processing job and the cursor, before the watcher moves it.
func TestInboxWithWatcher(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "codev.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	require.NoError(t, store.Migrate(ctx))
	svc := workflow.NewService(workflow.ServiceConfig{Parser: mailroom.Parse}, store, nil, nil, nil, nil)

	imap := imaptest.NewServer(t)
	small := []byte("Message-ID: <small@example.org>\r\nFrom: a@example.org\r\nSubject: Re\r\n\r\nOui\r\n")
	big := []byte("Message-ID: <big@example.org>\r\nFrom: b@example.org\r\nSubject: Pièce jointe\r\n\r\n" +
		strings.Repeat("x", 4096) + "\r\n")
	imap.Deliver(t, "INBOX", small)
	imap.Deliver(t, "INBOX", big)

	w, err := imapwatch.New(imapwatch.Config{URL: imap.URL(), MaxSize: 1024, Timeout: 10 * time.Second,
		Logger: slog.New(slog.DiscardHandler)}, mailroom.NewInbox(svc, store), store)
	require.NoError(t, err)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	defer func() {
		cancel()
		<-done
	}()
	require.Eventually(t, func() bool { return imap.Count("Processed") == 2 }, 30*time.Second, 20*time.Millisecond,
		"both messages moved to Processed")

	var pending []*workflow.Inbound
	var vv, last uint32
	require.NoError(t, store.InTx(ctx, func(tx workflow.Tx) error {
		var err error
		if pending, err = tx.InboundByStatus(ctx, workflow.InboundPending); err != nil {
			return err
		}
		for i, in := range pending {
			if pending[i], err = tx.Inbound(ctx, in.ID); err != nil { // with Raw
				return err
			}
		}
		vv, last, err = tx.Cursor(ctx, "INBOX")
		return err
	}))
	require.Len(t, pending, 2)
	byID := map[string]*workflow.Inbound{}
	for _, in := range pending {
		byID[in.MessageID] = in
	}
	require.Contains(t, byID, "small@example.org")
	require.Contains(t, byID, "big@example.org")
	s, b := byID["small@example.org"], byID["big@example.org"]
	require.Equal(t, string(small), string(s.Raw))
	require.Empty(t, s.Kind, "classified when processed")
	require.Equal(t, workflow.MailOversize, b.Kind)
	require.Equal(t, int64(len(big)), b.Size)
	require.NotContains(t, string(b.Raw), "xxxx", "only the header of an oversize message is kept")
	require.Contains(t, string(b.Raw), "Subject:")
	require.NotZero(t, vv)
	require.Equal(t, max(s.UID, b.UID), last, "the cursor is at the last message stored")
	require.Equal(t, vv, s.UIDValidity)
}
