package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// declinePhrases are how people say in a reply that they cannot come, in
// French and English. Matched on the reply text without quotes, lowercased,
// apostrophes normalised.
var declinePhrases = []string{
	"ne pourrai pas", "ne pourrais pas", "ne peux pas venir", "ne pourrai pas être", "ne serai pas là",
	"ne serai pas present", "ne serai pas présent", "serai absent", "serai absente", "excuse mon absence",
	"excusez mon absence", "empêché", "empêchée", "indisponible",
	"can't come", "cannot come", "can't make it", "cannot make it", "won't be able", "will not be able",
	"unable to attend", "can't attend", "cannot attend", "won't make it", "will be absent",
}

// DeclinesInWords reports whether a reply says the sender cannot come.
func DeclinesInWords(text string) bool {
	t := strings.ToLower(strings.NewReplacer("’", "'", "\u00a0", " ").Replace(text))
	for _, p := range declinePhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// declineInWords handles a reply to an invitation or a session reminder
// that says the member cannot come: it counts as a DECLINED RSVP, and the
// animator is told (with a swap proposal when it is the client). Other
// replies to these messages are stored as free answers for the animator.
// Like every reply handler it runs only for a reply whose token verifies,
// whose sender is the member the request went to and whose domain did not
// fail DMARC or DKIM (processing.reply).
func (p *processing) declineInWords(req *Message, from *Member) (bool, error) {
	if !DeclinesInWords(p.p.Text) || req.SessionID == 0 {
		return false, nil
	}
	sess, err := p.tx.Session(p.ctx, req.SessionID)
	if err != nil {
		return false, err
	}
	if err := p.tx.SaveRSVP(p.ctx, &RSVP{SessionID: sess.ID, MemberID: from.ID, PartStat: RSVPDeclined,
		Sequence: sess.Sequence, Stamp: p.s.clock.Now()}); err != nil {
		return false, err
	}
	if sess.Start.After(p.s.clock.Now()) {
		if err := p.s.notice(p.ctx, p.tx, sess.GroupID, KindNoticeDecline, sess.ID, from.ID, "", &p.enqueued); err != nil {
			return false, err
		}
	}
	p.finish(InboundProcessed, reason(ReasonDeclineInWords))
	return true, nil
}

// confirmSwap handles the animator's answer to a notice that the client of a
// session declined: an explicit « oui » (or "yes") on the reply's first
// line swaps the client with the proposed member, the client of the next
// session who has not declined. Anything else, « oui… enfin non » as much
// as « non », is kept as a note. The reply comes from the animator: the
// notice went to them only, and processing.reply checked the sender.
func (p *processing) confirmSwap(req *Message, from *Member) (bool, error) {
	if from.Role != RoleAnimator || !from.Active || req.SessionID == 0 {
		return false, nil
	}
	if !Consents(firstLine(p.p.Text)) {
		return false, nil
	}
	st, err := LoadState(p.ctx, p.tx, req.GroupID)
	if err != nil {
		return false, err
	}
	sess := st.Session(req.SessionID)
	if sess == nil || sess.ClientID != int64(req.Sequence) {
		p.finish(InboundProcessed, reason(ReasonSwapStale))
		return true, nil
	}
	other := p.s.swapCandidate(st, sess)
	if other == nil {
		return true, p.holdAndTell(req.GroupID, reason(ReasonSwapNoCandidate))
	}
	var next *Session
	for _, o := range st.Scheduled() {
		if o.Number > sess.Number && o.ClientID == other.ID {
			next = o
			break
		}
	}
	if err := swapInTx(p.ctx, p.tx, sess, next); err != nil {
		return false, err
	}
	p.enqueued = true
	p.finish(InboundProcessed, reason(ReasonSwapConfirmed, int64(sess.Number), int64(next.Number)))
	return true, nil
}

// firstLine is the first line of a reply that is not blank nor a greeting
// (« Bonjour, », "Hi Claire,"): where a short answer is written.
func firstLine(text string) string {
	for l := range strings.Lines(text) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if w := strings.Fields(foldName(l)); len(w) > 0 && slices.Contains(choiceGreetings, w[0]) && len(w) <= 3 {
			continue
		}
		return l
	}
	return ""
}

// swapInTx exchanges the clients of two sessions and pins both, so that
// re-applying the group file keeps the swap. The reconciler then asks the
// new client to prepare.
func swapInTx(ctx context.Context, tx Tx, a, b *Session) error {
	a.ClientID, b.ClientID = b.ClientID, a.ClientID
	a.Pinned, b.Pinned = true, true
	if err := tx.UpdateSession(ctx, a); err != nil {
		return fmt.Errorf("error swapping session %d: %w", a.Number, err)
	}
	if err := tx.UpdateSession(ctx, b); err != nil {
		return fmt.Errorf("error swapping session %d: %w", b.Number, err)
	}
	return tx.EnqueueReconcile(ctx)
}
