package workflow

import (
	"errors"
	"fmt"
	"strings"
)

// bounce flags the failed address of a permanent bounce on its member and
// tells the group's animator once. The bounced message is found by the
// token of the envelope sender (VERP), which every real report carries: a
// report without one is held, never applied, since anyone can write one
// naming a member's address and so stop codev writing to them.
func (p *processing) bounce() error {
	if !p.p.Permanent {
		p.finish(InboundProcessed, "transient delivery failure: logged only")
		return nil
	}
	var members []*Member
	req, _, err := p.request()
	if err != nil {
		return err
	}
	if req == nil {
		p.hold("permanent bounce without a codev token: not applied (it could be forged)")
		return nil
	}
	p.in.GroupID, p.in.RequestID = req.GroupID, req.ID
	m, err := p.tx.Member(p.ctx, req.MemberID)
	if err != nil {
		return err
	}
	members = append(members, m)
	for _, m := range members {
		if !m.Bounced {
			m.Bounced = true
			if err := p.tx.UpdateMember(p.ctx, m); err != nil {
				return err
			}
		}
		if err := p.s.notice(p.ctx, p.tx, m.GroupID, KindNoticeBounce, 0, m.ID, strings.Join(p.p.Bounced, ", "), &p.enqueued); err != nil {
			return err
		}
	}
	p.in.MemberID = members[0].ID
	p.finish(InboundProcessed, fmt.Sprintf("permanent bounce: %d member address(es) flagged", len(members)))
	return nil
}

// rsvp records an iTIP REPLY, matched by UID and attendee address
// (case-insensitive, ORGANIZER not required). An answer to an older SEQUENCE
// answers an older time and is not recorded; the newest by (SEQUENCE,
// DTSTAMP) wins. A decline is told to the animator.
func (p *processing) rsvp() error {
	r := p.p.RSVP
	if r == nil || r.UID == "" || r.Attendee == "" {
		p.hold("calendar reply without UID or attendee")
		return nil
	}
	sess, err := p.tx.SessionByUID(p.ctx, r.UID)
	if errors.Is(err, ErrNotFound) {
		p.finish(InboundIgnored, "calendar reply for an unknown event")
		return nil
	} else if err != nil {
		return err
	}
	p.in.GroupID = sess.GroupID
	members, err := p.tx.Members(p.ctx, sess.GroupID)
	if err != nil {
		return err
	}
	var member *Member
	for _, m := range members {
		if strings.EqualFold(m.Email, r.Attendee) && m.Active {
			member = m
		}
	}
	if member == nil {
		p.hold("calendar reply from an attendee who is not in the group")
		return p.noticeHeld(sess.GroupID)
	}
	p.in.MemberID = member.ID
	partstat := strings.ToUpper(r.PartStat)
	switch partstat {
	case RSVPAccepted, RSVPDeclined, RSVPTentative:
	default:
		p.hold("calendar reply with participation status " + truncate(partstat, 20))
		return nil
	}
	if r.Sequence < sess.Sequence {
		p.finish(InboundIgnored, fmt.Sprintf("calendar reply to an older version (SEQUENCE %d < %d)", r.Sequence, sess.Sequence))
		return nil
	}
	rsvps, err := p.tx.RSVPs(p.ctx, sess.GroupID)
	if err != nil {
		return err
	}
	for _, old := range rsvps {
		if old.SessionID == sess.ID && old.MemberID == member.ID &&
			(old.Sequence > r.Sequence || (old.Sequence == r.Sequence && old.Stamp.After(r.Stamp))) {
			p.finish(InboundIgnored, "a newer calendar reply is already recorded")
			return nil
		}
	}
	if err := p.tx.SaveRSVP(p.ctx, &RSVP{SessionID: sess.ID, MemberID: member.ID, PartStat: partstat,
		Sequence: r.Sequence, Stamp: r.Stamp}); err != nil {
		return err
	}
	if partstat == RSVPDeclined && sess.Start.After(p.s.clock.Now()) {
		if err := p.s.notice(p.ctx, p.tx, sess.GroupID, KindNoticeDecline, sess.ID, member.ID, "", &p.enqueued); err != nil {
			return err
		}
	}
	p.finish(InboundProcessed, "RSVP "+partstat+" recorded")
	return nil
}
