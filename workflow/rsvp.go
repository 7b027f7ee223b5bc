package workflow

import (
	"errors"
	"strings"
)

// rsvp records an iTIP REPLY, matched by UID and attendee address
// (case-insensitive, ORGANIZER not required). An answer to an older SEQUENCE
// answers an older time and is not recorded; the newest by (SEQUENCE,
// DTSTAMP) wins. A decline is told to the animator.
//
// Anyone can write a REPLY naming any attendee (the UID is in every
// forwarded invitation), so one is applied only when its sender is the
// attendee it names, or it carries a reply token of a message sent to
// that member (a delegate answering for them), and the receiving server
// did not report a DMARC or DKIM failure for the sender's domain. Anything
// else is held and the animator told.
func (p *processing) rsvp() error {
	r := p.p.RSVP
	if r == nil || r.UID == "" || r.Attendee == "" {
		p.hold(reason(ReasonRSVPIncomplete))
		return nil
	}
	sess, err := p.tx.SessionByUID(p.ctx, r.UID)
	if errors.Is(err, ErrNotFound) {
		p.finish(InboundIgnored, reason(ReasonRSVPUnknownEvent))
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
		if m.Active && sameAddress(m.Email, r.Attendee) {
			member = m
		}
	}
	if member == nil {
		return p.holdAndTell(sess.GroupID, reason(ReasonRSVPNotMember))
	}
	p.in.MemberID = member.ID
	if ok, err := p.answersFor(member); err != nil {
		return err
	} else if !ok {
		return p.holdAndTell(sess.GroupID, reason(ReasonRSVPSenderNotAttendee, member.ID))
	}
	if why, failed := p.authFailed(); failed {
		return p.holdAndTell(sess.GroupID, why)
	}
	partstat := strings.ToUpper(r.PartStat)
	var recorded ReasonCode
	switch partstat {
	case RSVPAccepted:
		recorded = ReasonRSVPAccepted
	case RSVPDeclined:
		recorded = ReasonRSVPDeclined
	case RSVPTentative:
		recorded = ReasonRSVPTentative
	default:
		return p.holdAndTell(sess.GroupID, reason(ReasonRSVPBadStatus))
	}
	if r.Sequence < sess.Sequence {
		p.finish(InboundIgnored, reason(ReasonRSVPOldSequence))
		return nil
	}
	rsvps, err := p.tx.RSVPs(p.ctx, sess.GroupID)
	if err != nil {
		return err
	}
	for _, old := range rsvps {
		if old.SessionID == sess.ID && old.MemberID == member.ID &&
			(old.Sequence > r.Sequence || (old.Sequence == r.Sequence && old.Stamp.After(r.Stamp))) {
			p.finish(InboundIgnored, reason(ReasonRSVPSuperseded))
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
	p.finish(InboundProcessed, reason(recorded))
	return nil
}

// answersFor reports whether the message may speak for member m: its
// sender is m's address, or it carries a reply token, verified, of a
// message codev sent to m.
func (p *processing) answersFor(m *Member) (bool, error) {
	if sameAddress(p.p.From, m.Email) {
		return true, nil
	}
	req, _, err := p.request()
	if err != nil || req == nil || req.MemberID != m.ID {
		return false, err
	}
	p.in.RequestID = req.ID
	return true, nil
}
