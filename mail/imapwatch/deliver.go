package imapwatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// storedKeyword marks messages stored but left in the mailbox, when the
// Processed folder cannot be used.
const storedKeyword imap.Flag = "$CodevStored"

// sync reads the messages from s.next on, in UID order: stores each new one,
// then moves (or flags) it. It stops at the first failure.
func (s *session) sync(ctx context.Context) error {
	s.w.setState(StateFetching)
	uids, err := s.search()
	if err != nil || len(uids) == 0 {
		return err
	}
	var metas []*imapclient.FetchMessageBuffer
	err = s.await(s.set.timeout, func() (err error) {
		metas, err = s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID: true, RFC822Size: true, InternalDate: true, Flags: true,
		}).Collect()
		return err
	})
	if err != nil {
		return newError("fetch", err, "fetching %d message summaries: %v", len(uids), err)
	}
	slices.SortFunc(metas, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	stored := 0
	for _, m := range metas {
		if err := ctx.Err(); err != nil {
			return err
		}
		added, err := s.handle(ctx, m)
		if err != nil {
			return err
		}
		if added {
			stored++
		}
		s.next = max(s.next, uint32(m.UID)+1)
	}
	s.w.log.InfoContext(ctx, "imap watcher: Read mailbox", slog.Int("messages", len(metas)), slog.Int("stored", stored))
	return nil
}

// search lists the UIDs from s.next on. UID SEARCH answers an empty mailbox
// with an empty list, where some servers reject a UID FETCH.
func (s *session) search() ([]imap.UID, error) {
	var data *imap.SearchData
	err := s.await(s.set.timeout, func() (err error) {
		data, err = s.c.UIDSearch(&imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: imap.UID(s.next), Stop: 0}}}, // next:*
		}, nil).Wait()
		return err
	})
	if err != nil {
		return nil, newError("search", err, "searching mailbox %q: %v", s.set.mailbox, err)
	}
	// "next:*" also matches the highest UID when it is below next.
	uids := slices.DeleteFunc(data.AllUIDs(), func(u imap.UID) bool { return uint32(u) < s.next })
	slices.Sort(uids)
	return uids, nil
}

// handle stores one message unless it is known to be stored, then moves or
// flags it. added reports a call to Sink.Store that succeeded.
func (s *session) handle(ctx context.Context, m *imapclient.FetchMessageBuffer) (added bool, err error) {
	uid := uint32(m.UID)
	flagged := slices.ContainsFunc(m.Flags, func(f imap.Flag) bool { return strings.EqualFold(string(f), string(storedKeyword)) })
	if s.flagOnly && flagged {
		return false, nil
	}
	if !flagged && uid > s.stored {
		msg, err := s.read(m)
		if err != nil || msg == nil {
			return false, err
		}
		if err := s.w.sink.Store(ctx, msg); err != nil {
			return false, newError("store", err, "storing UID %d: %v", uid, err)
		}
		s.stored = uid
		added = true
		s.w.log.InfoContext(ctx, "imap watcher: Stored message", slog.Uint64("uid", uint64(uid)),
			slog.Int64("size", msg.Size), slog.Bool("oversize", msg.Oversize))
	}
	if s.flagOnly {
		s.flag(ctx, uid)
		return added, nil
	}
	return added, s.moveOut(uid)
}

// read downloads a message, or only its header when it is over MaxSize. A
// nil Message means the message vanished meanwhile (moved or deleted by
// another client).
func (s *session) read(m *imapclient.FetchMessageBuffer) (*Message, error) {
	section := &imap.FetchItemBodySection{Peek: true} // BODY.PEEK[]: leaves \Seen alone
	oversize := m.RFC822Size > s.set.maxSize
	if oversize {
		section.Specifier = imap.PartSpecifierHeader
	}
	var raw []byte
	found := false
	err := s.await(bodyTimeouts*s.set.timeout, func() error {
		bufs, err := s.c.Fetch(imap.UIDSetNum(m.UID), &imap.FetchOptions{
			UID: true, BodySection: []*imap.FetchItemBodySection{section},
		}).Collect()
		for _, b := range bufs {
			if b.UID == m.UID {
				raw, found = b.FindBodySection(section), true
			}
		}
		return err
	})
	if err != nil {
		return nil, newError("fetch", err, "fetching UID %d: %v", m.UID, err)
	}
	if !found {
		return nil, nil
	}
	return &Message{Mailbox: s.set.mailbox, UIDValidity: s.validity, UID: uint32(m.UID), Raw: raw,
		Size: m.RFC822Size, Oversize: oversize, InternalDate: m.InternalDate}, nil
}

// moveOut moves a stored message to the Processed folder. Without MOVE it
// copies, marks \Deleted and expunges, waiting for each step: imapclient's
// own fallback sends them at once, so a failed COPY would still delete.
// Without UIDPLUS the EXPUNGE also removes other messages marked \Deleted,
// as any mail client's would.
func (s *session) moveOut(uid uint32) error {
	set := imap.UIDSetNum(imap.UID(uid))
	dest := s.set.processed
	var err error
	if s.move {
		err = s.await(s.set.timeout, func() error {
			_, err := s.c.Move(set, dest).Wait()
			return err
		})
	} else {
		err = s.await(s.set.timeout, func() error {
			if _, err := s.c.Copy(set, dest).Wait(); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
			if err := s.c.Store(set, deleted, nil).Close(); err != nil {
				return fmt.Errorf("store \\Deleted: %w", err)
			}
			if s.uidPlus {
				return s.c.UIDExpunge(set).Close()
			}
			return s.c.Expunge().Close()
		})
	}
	if err != nil {
		return newError("move", err, "moving UID %d to %q: %v", uid, dest, err)
	}
	return nil
}

// flag marks a stored message when it cannot be moved. A failure is only
// logged: the cursor already keeps the message from being stored again, the
// flags are for people reading the mailbox and for a later move.
func (s *session) flag(ctx context.Context, uid uint32) {
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen, storedKeyword}}
	err := s.await(s.set.timeout, func() error {
		return s.c.Store(imap.UIDSetNum(imap.UID(uid)), flags, nil).Close()
	})
	if err != nil {
		s.w.log.WarnContext(ctx, "imap watcher: Could not flag stored message", slog.Uint64("uid", uint64(uid)),
			slog.String("error", err.Error()))
	}
}

// ensureFolder makes sure the named folder exists. created reports that it
// had to be created.
func ensureFolder(c *imapclient.Client, name string) (created bool, err error) {
	list, err := c.List("", name, nil).Collect()
	if err != nil {
		return false, newError("create", err, "listing folder %q: %v", name, err)
	}
	for _, l := range list {
		if l.Mailbox == name || (isInbox(l.Mailbox) && isInbox(name)) {
			return false, nil
		}
	}
	err = c.Create(name, nil).Wait()
	var refused *imap.Error
	if errors.As(err, &refused) && refused.Code == imap.ResponseCodeAlreadyExists {
		return false, nil
	}
	if err != nil {
		return false, newError("create", err, "creating folder %q: %v", name, err)
	}
	return true, nil
}
