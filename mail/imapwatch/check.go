package imapwatch

import (
	"context"
	"errors"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Report is what Check found, for `codev doctor` to show.
type Report struct {
	Addr     string // host:port dialed
	Security string // SecurityTLS, SecurityStartTLS or SecurityNone
	Mailbox  string // the watched mailbox
	Messages uint32 // messages waiting in it
	// UIDValidity of the mailbox; it changes when the server renumbers it.
	UIDValidity uint32
	Processed   string // the folder stored messages go to
	// ProcessedCreated is true when Check created Processed, as the watcher
	// would on its first connection.
	ProcessedCreated bool
	// FlagFallback is true when Processed is missing and cannot be created:
	// the watcher will then flag stored messages (\Seen, $CodevStored) and
	// leave them in the mailbox. ProcessedError says why.
	FlagFallback   bool
	ProcessedError string
	// Capabilities the watcher uses when present: IDLE for prompt delivery
	// (else polling), MOVE (else COPY, \Deleted, EXPUNGE) and UIDPLUS (UID
	// EXPUNGE, else a plain EXPUNGE).
	Idle, Move, UIDPlus bool
}

// Check connects as a Watcher would and reports what it found: dial, TLS,
// login, the mailbox, the Processed folder (created when missing, as the
// watcher would) and the capabilities the watcher uses. Its error is an
// *Error whose message says which step failed, e.g. "imapwatch: login
// failed: wrong user or password" or "imapwatch: dial 127.0.0.1:1:
// connection refused". A Processed folder that cannot be created is not an
// error: the watcher falls back to flags, and the Report says so.
func Check(ctx context.Context, cfg Config) (Report, error) {
	s, err := cfg.parse()
	if err != nil {
		return Report{}, err
	}
	c, security, err := connect(ctx, s, &imapclient.Options{})
	if err != nil {
		return Report{}, err
	}
	defer logout(c)
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()

	r := Report{Addr: s.addr, Security: security, Mailbox: s.mailbox, Processed: s.processed}
	caps := c.Caps()
	r.Idle, r.Move, r.UIDPlus = caps.Has(imap.CapIdle), caps.Has(imap.CapMove), caps.Has(imap.CapUIDPlus)
	st, err := c.Status(s.mailbox, &imap.StatusOptions{NumMessages: true, UIDValidity: true}).Wait()
	if err != nil {
		return r, mailboxError(ctx, s, err)
	}
	if st.NumMessages != nil {
		r.Messages = *st.NumMessages
	}
	r.UIDValidity = st.UIDValidity
	r.ProcessedCreated, err = ensureFolder(c, s.processed)
	if ctx.Err() != nil {
		return r, newError("create", ctx.Err(), "checking folder %q: %s", s.processed, ctxText(ctx, s.timeout))
	}
	if err != nil {
		r.FlagFallback, r.ProcessedError = true, err.Error()
	}
	return r, nil
}

func mailboxError(ctx context.Context, s *settings, err error) error {
	mailbox := s.mailbox
	var refused *imap.Error
	switch {
	case ctx.Err() != nil:
		return newError("mailbox", ctx.Err(), "mailbox %q: %s", mailbox, ctxText(ctx, s.timeout))
	case errors.As(err, &refused) && (refused.Code == imap.ResponseCodeNonExistent || refused.Code == imap.ResponseCodeTryCreate):
		return newError("mailbox", err, "mailbox %q does not exist", mailbox)
	}
	return newError("mailbox", err, "mailbox %q: %v", mailbox, err)
}
