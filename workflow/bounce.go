package workflow

// bounce flags the failed address of a permanent bounce on its member and
// tells the group's animator once. The bounced message is found by the
// token of the envelope sender (VERP), which every real report carries: a
// report without one is held, never applied, since anyone can write one
// naming a member's address and so stop codev writing to them. Nor is one
// applied when the receiving server says its sender's domain failed DMARC
// or DKIM. The addresses the report names are never used nor repeated:
// the member is the one the token's message went to.
func (p *processing) bounce() error {
	if !p.p.Permanent {
		p.finish(InboundProcessed, reason(ReasonBounceTransient))
		return nil
	}
	req, _, err := p.request()
	if err != nil {
		return err
	}
	if req == nil {
		p.hold(reason(ReasonBounceNoToken))
		return nil
	}
	p.in.GroupID, p.in.RequestID, p.in.MemberID = req.GroupID, req.ID, req.MemberID
	if why, failed := p.authFailed(); failed {
		return p.holdAndTell(req.GroupID, why)
	}
	m, err := p.tx.Member(p.ctx, req.MemberID)
	if err != nil {
		return err
	}
	if !m.Bounced {
		m.Bounced = true
		if err := p.tx.UpdateMember(p.ctx, m); err != nil {
			return err
		}
	}
	if err := p.s.notice(p.ctx, p.tx, m.GroupID, KindNoticeBounce, 0, m.ID, "", &p.enqueued); err != nil {
		return err
	}
	p.finish(InboundProcessed, reason(ReasonBounceRecorded, m.ID))
	return nil
}
