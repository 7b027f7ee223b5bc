package imapwatch

import (
	"context"
	"time"
)

// Message is one message read from the watched mailbox, handed to
// Sink.Store. It mirrors workflow.Inbound's mailbox fields so that the
// adapter (mail/mailroom) is a field-by-field copy.
type Message struct {
	// Mailbox is the watched mailbox's name, as in the URL.
	Mailbox string
	// UIDValidity and UID identify the message on the server (RFC 9051
	// §2.3.1.1); together with Mailbox they are the cursor's position.
	UIDValidity uint32
	UID         uint32
	// Raw is the whole message as the server holds it (RFC 5322 bytes), or
	// only its header when Oversize is set.
	Raw []byte
	// Size is the message's full size in bytes (RFC822.SIZE), even when
	// only its header was read.
	Size int64
	// Oversize is true when Size is above Config.MaxSize: Raw holds the
	// header only, enough to tell who wrote and about what, so the message
	// can be shown to the animator instead of silently dropped.
	Oversize bool
	// InternalDate is when the server received the message.
	InternalDate time.Time
}

// Sink is where the watcher puts messages: in codev, workflow.Service's
// Deliver and the store's Cursor, adapted by mail/mailroom. Only the watcher
// calls it, from one goroutine.
type Sink interface {
	// Cursor returns the UIDVALIDITY and the last UID already stored for
	// mailbox, zeros when nothing was stored yet. An error stops the
	// connection and is retried after a backoff.
	Cursor(ctx context.Context, mailbox string) (uidValidity, uid uint32, err error)
	// Store durably stores msg (raw bytes and its processing job in one
	// transaction) and advances the cursor to msg's UIDVALIDITY and UID.
	// Storing the same message twice is a no-op. The watcher moves or flags
	// the message on the server only after Store returns nil; on error it
	// leaves the message where it is and retries it after a backoff.
	Store(ctx context.Context, msg *Message) error
}

// Locker elects the one watcher that reads the mailbox among the processes
// sharing a database: two watchers would each store and move the same
// messages. workflow.Store implements it (a PostgreSQL advisory lock, or an
// in-process lock for SQLite).
type Locker interface {
	// TryLock takes the named lock without waiting. ok is false when
	// another holder has it. release gives it back; it is called once.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
}

// lockName is the Locker name the watcher takes; every codev process uses
// the same one.
const lockName = "imap-watcher"

// State is what a Watcher is doing, for metrics and readiness checks.
type State string

// States of a Watcher.
const (
	StateStopped     State = "stopped"      // Run not started or returned
	StateWaitingLock State = "waiting_lock" // another process is the active watcher
	StateConnecting  State = "connecting"   // dial, TLS, login, select
	StateIdle        State = "idle"         // IDLE running: new mail is reported at once
	StatePolling     State = "polling"      // waiting for the next poll
	StateFetching    State = "fetching"     // reading, storing and moving messages
	StateBackoff     State = "backoff"      // waiting before reconnecting after an error
)
