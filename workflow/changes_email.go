package workflow

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/codev-org/codev/templates"
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
	p.finish(InboundProcessed, "decline written in a reply: recorded as RSVP DECLINED")
	return true, nil
}

// confirmSwap handles the animator's answer to a notice that the client of a
// session declined: « oui » (or "yes") swaps the client with the proposed
// member, the client of the next session who has not declined. Anything
// else is kept as a note.
func (p *processing) confirmSwap(req *Message, from *Member) (bool, error) {
	if from.Role != RoleAnimator || req.SessionID == 0 {
		return false, nil
	}
	g, err := p.tx.Group(p.ctx, req.GroupID)
	if err != nil {
		return false, err
	}
	if !saysYes(p.p.Text, g.Language) {
		return false, nil
	}
	st, err := LoadState(p.ctx, p.tx, req.GroupID)
	if err != nil {
		return false, err
	}
	sess := st.Session(req.SessionID)
	if sess == nil || sess.ClientID != int64(req.Sequence) {
		p.finish(InboundProcessed, "swap confirmation ignored: the session's client changed since the notice")
		return true, nil
	}
	other := p.s.swapCandidate(st, sess)
	if other == nil {
		p.hold("swap confirmed but no member can take the session")
		return true, nil
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
	p.finish(InboundProcessed, fmt.Sprintf("swap confirmed by the animator: sessions %d and %d", sess.Number, next.Number))
	return true, nil
}

// saysYes reports whether a reply starts with the language's confirmation
// word (« oui », "yes"), whatever the case and punctuation.
func saysYes(text, lang string) bool {
	word := strings.ToLower(templates.SwapConfirmation(lang))
	t := strings.ToLower(strings.TrimSpace(text))
	first := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) })
	return len(first) > 0 && (first[0] == word || first[0] == "oui" || first[0] == "yes" || first[0] == "ok")
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
