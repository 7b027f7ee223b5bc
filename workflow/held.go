package workflow

// Held messages: inbound mail the service could not apply on its own, kept
// with its raw bytes until the animator applies it to a member or ignores it.

import (
	"context"
	"errors"
	"log/slog"
	"strings"
)

// Held lists the inbound messages held for review and matched to the group,
// oldest first, without their raw bytes. Group 0 lists the messages matched
// to no group (unknown sender, no token), for admins.
func (s *Service) Held(ctx context.Context, groupID int64) ([]*Inbound, error) {
	var out []*Inbound
	err := s.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.InboundByStatus(ctx, InboundHeld)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, in := range all {
			if in.GroupID == groupID {
				out = append(out, in)
			}
		}
		return nil
	})
	return out, err
}

// ApplyHeld applies a held message as a reply from member memberID, when the
// animator recognised the sender (a personal address, a forwarded answer):
// its answers are filed under the request its token names when that request
// went to the member, else under the latest request sent to the member. The
// raw bytes are then deleted. It returns ECONFLICT when the message is no
// longer held, EINVALID when the member is not in the message's group or
// the message has nothing to apply, ErrNotFound for unknown ids.
func (s *Service) ApplyHeld(ctx context.Context, inboundID, memberID int64) error {
	var kind string
	err := s.store.InTx(ctx, func(tx Tx) error {
		in, m, err := heldAndMember(ctx, tx, inboundID, memberID)
		if err != nil {
			return err
		}
		if len(in.Raw) == 0 || in.Kind == MailOversize {
			return Errorf(EINVALID, "the content of message %d was not kept (too large): ask the member to answer again", in.ID)
		}
		p := &processing{s: s, ctx: ctx, tx: tx, in: in, p: s.parse(in.Raw)}
		if strings.TrimSpace(p.p.Text) == "" && len(p.p.Answers) == 0 {
			return Errorf(EINVALID, "message %d has no text to apply", in.ID)
		}
		req, err := p.requestOf(m)
		if err != nil {
			return err
		}
		if req == nil {
			return Errorf(EINVALID, "nothing has been asked of member %d yet", m.ID)
		}
		if err := s.applyAnswers(ctx, tx, req, p.p, in.ID); err != nil {
			return err
		}
		in.GroupID, in.MemberID, in.RequestID, kind = m.GroupID, m.ID, req.ID, string(in.Kind)
		p.finish(InboundProcessed, reason(ReasonAppliedByAnimator, m.ID))
		if err := tx.UpdateInbound(ctx, in); err != nil {
			return err
		}
		return tx.EnqueueReconcile(ctx)
	})
	if err != nil {
		return err
	}
	s.metrics.InboundProcessed(kind, InboundProcessed)
	s.log.InfoContext(ctx, "inbound: Applied held message", slog.Int64("inbound_id", inboundID), slog.Int64("member_id", memberID))
	return nil
}

func heldAndMember(ctx context.Context, tx Tx, inboundID, memberID int64) (*Inbound, *Member, error) {
	in, err := tx.Inbound(ctx, inboundID)
	if err != nil {
		return nil, nil, err
	}
	if in.Status != InboundHeld {
		return nil, nil, Errorf(ECONFLICT, "message %d is no longer held (%s)", in.ID, in.Status)
	}
	m, err := tx.Member(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	if !m.Active || (in.GroupID != 0 && in.GroupID != m.GroupID) {
		return nil, nil, Errorf(EINVALID, "member %d is not an active member of the message's group", m.ID)
	}
	return in, m, nil
}

// requestOf finds what a held message answers once the animator said it
// comes from m: the request its token names if it went to m, else the one
// it was matched to, else the latest request sent to m.
func (p *processing) requestOf(m *Member) (*Message, error) {
	req, _, err := p.request()
	if err != nil {
		return nil, err
	}
	if (req == nil || req.MemberID != m.ID) && p.in.RequestID != 0 {
		if req, err = p.tx.Message(p.ctx, p.in.RequestID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if req == nil || req.MemberID != m.ID {
		msgs, err := p.tx.Messages(p.ctx, m.GroupID)
		if err != nil {
			return nil, err
		}
		req = nil
		for _, msg := range msgs {
			if msg.MemberID == m.ID && msg.Status == MessageSent && Asks(msg.Kind) {
				req = msg
			}
		}
		if req == nil {
			return nil, nil
		}
	}
	return p.original(req)
}

// IgnoreHeld closes a held message without applying it and deletes its raw
// bytes. It returns ECONFLICT when the message is no longer held.
func (s *Service) IgnoreHeld(ctx context.Context, inboundID int64) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		in, err := tx.Inbound(ctx, inboundID)
		if err != nil {
			return err
		}
		if in.Status != InboundHeld {
			return Errorf(ECONFLICT, "message %d is no longer held (%s)", in.ID, in.Status)
		}
		in.Status, in.Reason, in.Raw = InboundIgnored, reason(ReasonIgnoredByAnimator).String(), nil
		return tx.UpdateInbound(ctx, in)
	})
	if err == nil {
		s.log.InfoContext(ctx, "inbound: Ignored held message", slog.Int64("inbound_id", inboundID))
	}
	return err
}

// HeldCount is the number of inbound messages held for review, in every
// group, for monitoring.
func (s *Service) HeldCount(ctx context.Context) (int, error) {
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		all, err := tx.InboundByStatus(ctx, InboundHeld)
		n = len(all)
		return err
	})
	return n, err
}
