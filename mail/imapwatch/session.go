package imapwatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is one connection: login, select, read what is there, then wait
// for more with IDLE or polling until an error or ctx ends it.
type session struct {
	w      *Watcher
	set    *settings
	c      *imapclient.Client
	exists chan struct{} // the server reported EXISTS: new mail may be there

	idle     bool // wait with IDLE rather than polling
	move     bool // the server has MOVE
	uidPlus  bool // the server has UID EXPUNGE
	flagOnly bool // Processed cannot be used: flag stored messages instead

	validity uint32 // UIDVALIDITY of the selected mailbox
	// stored is the Sink's cursor: every UID up to it is stored. It holds
	// because messages are stored in UID order and a batch stops at the
	// first failure, so a message found at or below it is only moved.
	stored uint32
	next   uint32 // lowest UID this session has not looked at
}

// session runs one connection. worked reports that it got as far as reading
// the mailbox once, which resets the backoff.
func (w *Watcher) session(ctx context.Context) (worked bool, err error) {
	w.setState(StateConnecting)
	exists := make(chan struct{}, 1)
	opts := &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		// Runs on imapclient's reader goroutine: must not block.
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				notify(exists)
			}
		},
	}}
	c, security, err := connect(ctx, w.set, opts)
	if err != nil {
		return false, err
	}
	s := &session{w: w, set: w.set, c: c, exists: exists}
	defer logout(c)
	if err := s.prepare(ctx); err != nil {
		return false, err
	}
	w.log.InfoContext(ctx, "imap watcher: Connected", slog.String("addr", w.set.addr),
		slog.String("security", security), slog.String("mailbox", w.set.mailbox), slog.Bool("idle", s.idle),
		slog.Bool("move", s.move), slog.Bool("flag_only", s.flagOnly), slog.Uint64("uid_validity", uint64(s.validity)),
		slog.Uint64("cursor_uid", uint64(s.stored)))
	if err := s.sync(ctx); err != nil {
		return false, err
	}
	if s.idle {
		return true, s.idleLoop(ctx)
	}
	return true, s.pollLoop(ctx)
}

// prepare reads the capabilities, makes sure the Processed folder exists,
// selects the mailbox and reconciles UIDVALIDITY with the Sink's cursor.
func (s *session) prepare(ctx context.Context) error {
	caps := s.c.Caps()
	s.idle = caps.Has(imap.CapIdle) && !s.set.poll
	s.move = caps.Has(imap.CapMove)
	s.uidPlus = caps.Has(imap.CapUIDPlus)
	var created bool
	err := s.await(s.set.timeout, func() (err error) {
		created, err = ensureFolder(s.c, s.set.processed)
		return err
	})
	switch {
	case err != nil:
		s.flagOnly = true
		s.w.log.WarnContext(ctx, "imap watcher: Cannot use the processed folder, flagging stored messages instead",
			slog.String("folder", s.set.processed), slog.String("error", err.Error()))
	case created:
		s.w.log.InfoContext(ctx, "imap watcher: Created the processed folder", slog.String("folder", s.set.processed))
	}
	var data *imap.SelectData
	err = s.await(s.set.timeout, func() (err error) {
		data, err = s.c.Select(s.set.mailbox, nil).Wait()
		return err
	})
	if err != nil {
		return newError("select", err, "select mailbox %q: %v", s.set.mailbox, err)
	}
	s.validity = data.UIDValidity
	validity, last, err := s.w.sink.Cursor(ctx, s.set.mailbox)
	if err != nil {
		return newError("cursor", err, "reading the cursor of %q: %v", s.set.mailbox, err)
	}
	if validity == s.validity {
		s.stored = last
	} else if validity != 0 {
		// The server renumbered the mailbox: UIDs mean nothing any more.
		// Reading all of it again is safe, as Store is idempotent and
		// stored messages were moved away.
		s.w.log.WarnContext(ctx, "imap watcher: UIDVALIDITY changed, reading the whole mailbox again",
			slog.Uint64("old_uid_validity", uint64(validity)), slog.Uint64("uid_validity", uint64(s.validity)))
	}
	// Moved messages are gone, so everything still in the mailbox is looked
	// at on connect (a move may have failed after a store). Flagged ones
	// stay, so in that mode start past the cursor.
	s.next = 1
	if s.flagOnly {
		s.next = s.stored + 1
	}
	return nil
}

// idleLoop waits for new mail with IDLE, restarting it every IdleRefresh,
// and reads the mailbox whenever the server reports EXISTS.
func (s *session) idleLoop(ctx context.Context) error {
	for {
		if drain(s.exists) { // mail came while we were busy
			if err := s.sync(ctx); err != nil {
				return err
			}
			continue
		}
		s.w.setState(StateIdle)
		var cmd *imapclient.IdleCommand
		err := s.await(s.set.timeout, func() (err error) {
			cmd, err = s.c.Idle()
			return err
		})
		if err != nil {
			return newError("idle", err, "starting IDLE: %v", err)
		}
		waitErr := s.waitIdle(ctx)
		err = s.await(s.set.timeout, func() error {
			if err := cmd.Close(); err != nil {
				return err
			}
			return cmd.Wait()
		})
		switch {
		case waitErr != nil:
			return waitErr
		case err != nil:
			return newError("idle", err, "ending IDLE: %v", err)
		case ctx.Err() != nil:
			return ctx.Err()
		}
		if err := s.sync(ctx); err != nil {
			return err
		}
	}
}

// waitIdle returns when new mail is reported, IdleRefresh is over or ctx
// ends, and with an error when the server closed the connection.
func (s *session) waitIdle(ctx context.Context) error {
	t := time.NewTimer(s.set.refresh)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-s.exists:
	case <-t.C:
	case <-s.c.Closed():
		return newError("idle", errClosed, "connection to %s closed during IDLE", s.set.addr)
	}
	return nil
}

var errClosed = errors.New("connection closed")

// pollLoop checks the mailbox every PollInterval, for servers without IDLE.
func (s *session) pollLoop(ctx context.Context) error {
	for {
		s.w.setState(StatePolling)
		t := time.NewTimer(s.set.pollEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.c.Closed():
			t.Stop()
			return newError("noop", errClosed, "connection to %s closed", s.set.addr)
		case <-t.C:
		}
		// NOOP lets the server report new messages (EXISTS) before we ask
		// for them by UID.
		if err := s.await(s.set.timeout, func() error { return s.c.Noop().Wait() }); err != nil {
			return newError("noop", err, "NOOP: %v", err)
		}
		drain(s.exists)
		if err := s.sync(ctx); err != nil {
			return err
		}
	}
}

// await runs f, which waits for commands, and closes the connection when it
// takes longer than limit: imapclient waits for a reply without a deadline,
// so a server that stopped answering would hold the watcher forever.
func (s *session) await(limit time.Duration, f func() error) error {
	return await(s.c, limit, f)
}

func await(c *imapclient.Client, limit time.Duration, f func() error) error {
	t := time.AfterFunc(limit, func() { _ = c.Close() })
	err := f()
	if !t.Stop() && err != nil {
		err = fmt.Errorf("no reply within %v: %w", limit, err)
	}
	return err
}

// logout says goodbye when the connection is still up, then closes it.
func logout(c *imapclient.Client) {
	select {
	case <-c.Closed():
	default:
		_ = await(c, logoutTimeout, func() error { return c.Logout().Wait() })
	}
	_ = c.Close()
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func drain(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
