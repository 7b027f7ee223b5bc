package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Changes by command or by the animators' pages. Each is one transaction
// that changes the state and enqueues a reconcile: the reconciler then sends
// what the change calls for (invitations at the raised SEQUENCE, CANCELs,
// reminders at the new dates), exactly as after applying a group file.
//
// A reschedule or a cancellation made here is not written back to the group
// file: applying an unchanged old file afterwards moves the session back (or
// restores it). Callers tell the operator so. Swaps survive, because both
// sessions are pinned.

// timeLayout is how sessions' times are written to people, in the group's
// zone: the group file's format.
const timeLayout = "2006-01-02 15:04"

// GroupByName returns a group's state. An unknown name is an ENOTFOUND error.
func (s *Service) GroupByName(ctx context.Context, name string) (*State, error) {
	var st *State
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		st, err = s.stateByName(ctx, tx, name)
		return err
	})
	return st, err
}

func (s *Service) stateByName(ctx context.Context, tx Tx, name string) (*State, error) {
	g, err := tx.GroupByName(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "there is no group named %q (see `codev group list`)", name)
	} else if err != nil {
		return nil, fmt.Errorf("error looking up group %q: %w", name, err)
	}
	return LoadState(ctx, tx, g.ID)
}

// RescheduleSession moves a future session to start, keeping its duration,
// and raises its Sequence so that every participant gets an updated
// invitation. start must be in the future and keep the sessions in order, a
// week apart, as the group file must. Moving a session to its current time
// changes nothing. Errors: ENOTFOUND (group, session), EINVALID.
func (s *Service) RescheduleSession(ctx context.Context, groupID int64, number int, start time.Time) error {
	now := s.clock.Now()
	start = start.UTC()
	return s.change(ctx, groupID, func(tx Tx, st *State) error {
		ss, err := futureSession(st, number, now)
		if err != nil {
			return err
		}
		if start.Equal(ss.Start) {
			return errUnchanged
		}
		if !start.After(now) {
			return Errorf(EINVALID, "session %d cannot be moved to %s: that is in the past", number, formatTime(st.Group, start))
		}
		if err := checkOrder(st, ss, start); err != nil {
			return err
		}
		ss.MovedFrom, ss.Start = ss.Start, start
		ss.Sequence++
		return tx.UpdateSession(ctx, ss)
	})
}

// CancelSession cancels a future session and raises its Sequence, so that
// every participant gets a CANCEL. Errors: ENOTFOUND (group, session),
// EINVALID (started, already cancelled).
func (s *Service) CancelSession(ctx context.Context, groupID int64, number int) error {
	now := s.clock.Now()
	return s.change(ctx, groupID, func(tx Tx, st *State) error {
		ss, err := futureSession(st, number, now)
		if err != nil {
			return err
		}
		ss.Status = SessionCancelled
		ss.Sequence++
		return tx.UpdateSession(ctx, ss)
	})
}

// SwapClients exchanges the clients of two future, scheduled sessions and
// pins both, so that applying the group file again keeps the swap. A member
// who said they cannot attend the session they would move to is refused.
// Calendar events carry no client, so no invitation changes; the
// questionnaire goes to the new client when it is due. Errors: ENOTFOUND
// (group, session), EINVALID.
func (s *Service) SwapClients(ctx context.Context, groupID int64, a, b int) error {
	if a == b {
		return Errorf(EINVALID, "cannot swap session %d with itself: give two different sessions", a)
	}
	now := s.clock.Now()
	return s.change(ctx, groupID, func(tx Tx, st *State) error {
		sa, err := futureSession(st, a, now)
		if err != nil {
			return err
		}
		sb, err := futureSession(st, b, now)
		if err != nil {
			return err
		}
		if sa.ClientID == 0 && sb.ClientID == 0 {
			return Errorf(EINVALID, "sessions %d and %d have no client: there is nothing to swap", a, b)
		}
		if err := checkAvailable(st, sb.ClientID, a); err != nil {
			return err
		}
		if err := checkAvailable(st, sa.ClientID, b); err != nil {
			return err
		}
		sa.ClientID, sb.ClientID = sb.ClientID, sa.ClientID
		sa.Pinned, sb.Pinned = true, true
		if err := tx.UpdateSession(ctx, sa); err != nil {
			return err
		}
		return tx.UpdateSession(ctx, sb)
	})
}

// SetPaused turns pause mode on or off for one member (one group): while
// paused they get only invitations, changes and cancellations. Setting the
// current value changes nothing. Errors: ENOTFOUND.
func (s *Service) SetPaused(ctx context.Context, memberID int64, paused bool) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		m, err := tx.Member(ctx, memberID)
		if errors.Is(err, ErrNotFound) || (err == nil && m.Erased()) {
			return Errorf(ENOTFOUND, "member %d not found", memberID)
		} else if err != nil {
			return err
		}
		if m.Paused == paused {
			return nil
		}
		m.Paused = paused
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		return tx.EnqueueReconcile(ctx)
	})
}

// ResendInvitation sends a member the invitation of a future session again,
// at its current Sequence (calendars treat it as the same event), for when
// it was lost or deleted. Each resend is a message of its own, keyed
// "<invitation key>:resend:<n>", so it never collides with what the
// reconciler records. Errors: ENOTFOUND (group, session, member), EINVALID.
func (s *Service) ResendInvitation(ctx context.Context, groupID int64, number int, memberID int64) error {
	now := s.clock.Now()
	return s.change(ctx, groupID, func(tx Tx, st *State) error {
		ss, err := futureSession(st, number, now)
		if err != nil {
			return err
		}
		m := st.Member(memberID)
		switch {
		case m == nil || m.Erased():
			return Errorf(ENOTFOUND, "member %d is not a participant of group %q", memberID, st.Group.Name)
		case !m.Active:
			return Errorf(EINVALID, "%s is no longer in group %q: no invitation to resend", m.Email, st.Group.Name)
		}
		base := MessageKey(KindInvitation, ss.ID, m.ID, ss.Sequence) + ":resend:"
		n := 1
		for _, msg := range st.Messages {
			if strings.HasPrefix(msg.Key, base) {
				n++
			}
		}
		msg := &Message{GroupID: st.Group.ID, SessionID: ss.ID, MemberID: m.ID, Kind: KindInvitation,
			Sequence: ss.Sequence, Key: fmt.Sprintf("%s%d", base, n), DueAt: now, Status: MessagePending}
		added, err := tx.AddMessage(ctx, msg)
		if err != nil {
			return fmt.Errorf("error recording message %s: %w", msg.Key, err)
		}
		if !added {
			return Errorf(ECONFLICT, "the invitation to session %d is being resent to %s already", number, m.Email)
		}
		return tx.EnqueueSend(ctx, msg.ID)
	})
}

// errUnchanged ends a change that has nothing to do: the transaction commits
// nothing and the caller sees success.
var errUnchanged = errors.New("unchanged")

// change runs fn on a group's state in one transaction, with a reconcile job.
func (s *Service) change(ctx context.Context, groupID int64, fn func(tx Tx, st *State) error) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		st, err := LoadState(ctx, tx, groupID)
		if errors.Is(err, ErrNotFound) {
			return Errorf(ENOTFOUND, "group %d not found", groupID)
		} else if err != nil {
			return err
		}
		if err := fn(tx, st); err != nil {
			return err
		}
		return tx.EnqueueReconcile(ctx)
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// futureSession returns a session that may still be changed: scheduled and
// not started at now.
func futureSession(st *State, number int, now time.Time) (*Session, error) {
	ss := st.SessionNumber(number)
	switch {
	case ss == nil:
		return nil, Errorf(ENOTFOUND, "group %q has no session %d (its sessions are numbered 1 to %d)", st.Group.Name, number, len(st.Sessions))
	case ss.Cancelled():
		return nil, Errorf(EINVALID, "session %d of group %q is cancelled", number, st.Group.Name)
	case !ss.Start.After(now):
		return nil, Errorf(EINVALID, "session %d of group %q started on %s: only future sessions can be changed",
			number, st.Group.Name, formatTime(st.Group, ss.Start))
	}
	return ss, nil
}

// checkOrder refuses a start that would put ss less than a week from the
// scheduled sessions around it, the group file's rule.
func checkOrder(st *State, ss *Session, start time.Time) error {
	sch := st.Scheduled()
	i := slices.Index(sch, ss)
	if i > 0 {
		if prev := sch[i-1]; start.Sub(prev.Start) < minSessionsGap {
			return Errorf(EINVALID, "session %d cannot start at %s: that is less than a week after session %d (%s)",
				ss.Number, formatTime(st.Group, start), prev.Number, formatTime(st.Group, prev.Start))
		}
	}
	if i >= 0 && i+1 < len(sch) {
		if next := sch[i+1]; next.Start.Sub(start) < minSessionsGap {
			return Errorf(EINVALID, "session %d cannot start at %s: that is less than a week before session %d (%s)",
				ss.Number, formatTime(st.Group, start), next.Number, formatTime(st.Group, next.Start))
		}
	}
	return nil
}

// checkAvailable refuses to make a member client of a session they said they
// cannot attend. memberID 0 (no client) is always fine.
func checkAvailable(st *State, memberID int64, number int) error {
	m := st.Member(memberID)
	if m == nil || !slices.Contains(m.Unavailable, number) {
		return nil
	}
	return Errorf(EINVALID, "%s (%s) cannot attend session %d (unavailable in the group file): choose another session",
		m.Name, m.Email, number)
}

func formatTime(g *Group, t time.Time) string {
	return t.In(g.Location()).Format(timeLayout + " MST")
}
