package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/codev-org/codev/templates"
)

// MailKind is what an inbound message is, as the mail parser classifies it.
// The values are stored with the message: never rename one.
type MailKind string

// Inbound kinds.
const (
	MailReply         MailKind = "reply"
	MailAutoReply     MailKind = "auto_reply"
	MailBounce        MailKind = "bounce"
	MailCalendarReply MailKind = "calendar_reply"
	MailUnknown       MailKind = "unknown"
	// MailOversize marks a message above the size cap: only its header was
	// read, and it is held for the animator.
	MailOversize MailKind = "oversize"
)

// Sender authentication failures, as ParsedMail.AuthFailed says them.
const (
	AuthFailedDKIM  = "dkim"
	AuthFailedDMARC = "dmarc"
)

// ParsedMail is what the mail parser understood of an inbound message. The
// parser lives in an adapter (mail/inbound); the Service only sees this.
type ParsedMail struct {
	Kind MailKind
	// Reason is the parser's own fixed phrase, for the logs; what is stored
	// and shown is the Service's Reason.
	Reason     string
	MessageID  string
	InReplyTo  []string
	References []string
	From       string   // lowercased sender address
	Recipients []string // To, Cc, Delivered-To… lowercased
	Text       string   // the reply without quotes and signatures
	Answers    map[int]string
	Rating     *int
	// Permanent marks a permanent delivery failure. The addresses a
	// report names are not passed on: the member is the one the token's
	// message went to (bounce.go).
	Permanent bool
	RSVP      *ParsedRSVP
	// AuthFailed is AuthFailedDMARC or AuthFailedDKIM when the receiving
	// server's Authentication-Results (those the adapter trusts) say the
	// From domain failed that check, "" otherwise. Such a message is held:
	// its sender may be forged.
	AuthFailed string

	panicked bool // the parser panicked: set by the Service only
}

// ParsedRSVP is an iTIP REPLY.
type ParsedRSVP struct {
	UID      string
	Attendee string // lowercased, without mailto:
	PartStat string
	Sequence int
	Stamp    time.Time
}

// Parser turns raw bytes into a ParsedMail. It never fails: malformed input
// gives MailUnknown and a reason. Its Reason must carry fixed phrases only,
// never bytes of the message: it is logged.
type Parser func(raw []byte) *ParsedMail

// Notice kinds: messages to the animator about one event. Their Sequence
// holds the id of what they are about (a member, an inbound message), so that
// each event is told once.
const (
	KindNoticeDecline Kind = "notice_decline"
	KindNoticeBounce  Kind = "notice_bounce"
	KindNoticeHeld    Kind = "notice_held"
)

// Deliver stores a message read from the mailbox and enqueues its processing
// in one transaction, and moves the mailbox cursor: only after it returns may
// the watcher flag or move the message on the server (ARCHITECTURE.md,
// "Exactly-once"). Delivering the same message twice stores it once.
func (s *Service) Deliver(ctx context.Context, in *Inbound) (bool, error) {
	var added bool
	err := s.store.InTx(ctx, func(tx Tx) error {
		if in.ReceivedAt.IsZero() {
			in.ReceivedAt = s.clock.Now()
		}
		in.Status = InboundPending
		var err error
		if added, err = tx.AddInbound(ctx, in); err != nil {
			return fmt.Errorf("error storing inbound message: %w", err)
		}
		if added {
			if err := tx.EnqueueInbound(ctx, in.ID); err != nil {
				return err
			}
		}
		vv, last, err := tx.Cursor(ctx, in.Mailbox)
		if err != nil {
			return err
		}
		if vv != in.UIDValidity || in.UID > last {
			return tx.SetCursor(ctx, in.Mailbox, in.UIDValidity, in.UID)
		}
		return nil
	})
	return added, err
}

// ProcessInbound understands one stored message and applies it: answers,
// RSVP, bounce. Whatever happens it ends in a recorded status and reason:
// processed (raw bytes deleted), ignored (auto-replies) or held for the
// animator (raw bytes kept). Processing the same message again does nothing.
func (s *Service) ProcessInbound(ctx context.Context, id int64) error {
	var kind MailKind
	var status string
	err := s.store.InTx(ctx, func(tx Tx) error {
		kind, status = "", ""
		in, err := tx.Inbound(ctx, id)
		if err != nil {
			return fmt.Errorf("error loading inbound %d: %w", id, err)
		}
		if in.Status != InboundPending {
			return nil
		}
		oversize := in.Kind == MailOversize
		p := s.parse(in.Raw)
		in.Kind, in.Sender = p.Kind, p.From
		p2 := &processing{s: s, ctx: ctx, tx: tx, in: in, p: p}
		if oversize {
			p.Kind = MailOversize
		}
		if err := p2.realign(); err != nil {
			return err
		}
		switch p.Kind {
		case MailOversize:
			in.Kind = MailOversize
			err = p2.oversize()
		case MailAutoReply:
			p2.finish(InboundIgnored, reason(ReasonAutoReply))
		case MailBounce:
			err = p2.bounce()
		case MailCalendarReply:
			err = p2.rsvp()
		case MailReply:
			err = p2.reply()
		default:
			why := ReasonNotUnderstood
			switch {
			case s.parser == nil:
				why = ReasonNoParser
			case p.panicked:
				why = ReasonParserFailed
			}
			p2.hold(reason(why))
		}
		if err != nil {
			return err
		}
		if err := tx.UpdateInbound(ctx, in); err != nil {
			return fmt.Errorf("error recording inbound %d: %w", id, err)
		}
		kind, status = in.Kind, in.Status
		// Kinds, ids and fixed phrases only: never bytes of the message.
		s.log.InfoContext(ctx, "inbound: Processed message", slog.Int64("inbound_id", id),
			slog.String("kind", string(in.Kind)), slog.String("status", in.Status), slog.String("reason", in.Reason),
			slog.String("parser_reason", p.Reason), slog.Int64("group_id", in.GroupID), slog.Int64("member_id", in.MemberID))
		if p2.enqueued || in.Status == InboundProcessed {
			// Answers and RSVPs change what is due (no reminder after an
			// answer, no session reminder after a decline).
			return tx.EnqueueReconcile(ctx)
		}
		return nil
	})
	if err == nil && status != "" {
		s.metrics.InboundProcessed(string(kind), status)
	}
	return err
}

// parse runs the parser. A panic is recorded without its value, which may
// quote the message.
func (s *Service) parse(raw []byte) (p *ParsedMail) {
	defer func() {
		if r := recover(); r != nil {
			p = &ParsedMail{Kind: MailUnknown, Reason: "parser panicked", panicked: true}
		}
	}()
	if s.parser == nil {
		return &ParsedMail{Kind: MailUnknown, Reason: "no parser configured"}
	}
	return s.parser(raw)
}

// processing is the state of one ProcessInbound call.
type processing struct {
	s        *Service
	ctx      context.Context
	tx       Tx
	in       *Inbound
	p        *ParsedMail
	enqueued bool
}

func (p *processing) finish(status string, why Reason) {
	p.in.Status, p.in.Reason = status, why.String()
	if status != InboundHeld {
		p.in.Raw = nil
	}
}

// hold keeps the message for the animator; noticeHeld tells them.
func (p *processing) hold(why Reason) {
	p.finish(InboundHeld, why)
}

// holdAndTell holds the message and tells the group's animator once.
func (p *processing) holdAndTell(groupID int64, why Reason) error {
	p.hold(why)
	return p.noticeHeld(groupID)
}

// authFailed reports whether the receiving server said the sender's domain
// failed DMARC or DKIM, and the reason to hold the message for: its From
// may be forged, so nothing it says on a member's behalf is applied.
func (p *processing) authFailed() (Reason, bool) {
	switch p.p.AuthFailed {
	case "":
		return Reason{}, false
	case AuthFailedDKIM:
		return reason(ReasonDKIMFailed), true
	}
	return reason(ReasonDMARCFailed), true
}

// sameAddress compares two addresses as codev stores them: trimmed,
// lowercased, without a mailto: scheme or angle brackets. Sub-addresses
// (alice+x@) are other addresses.
func sameAddress(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		s = strings.TrimPrefix(s, "mailto:")
		return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	}
	na := norm(a)
	return na != "" && na == norm(b)
}

// request finds the outgoing message a reply answers: by the token in a
// recipient address, then in In-Reply-To and References. tampered is true
// when a recipient carries a sub-address that fails to verify.
func (p *processing) request() (msg *Message, tampered bool, err error) {
	signer := p.s.signer
	id, ok := signer.FindToken(TokenReply, p.p.Recipients...)
	if !ok {
		ids := append(append([]string{}, p.p.InReplyTo...), p.p.References...)
		id, ok = signer.FindToken(TokenReply, ids...)
	}
	if !ok {
		mb := p.s.cfg.Mailbox
		for _, r := range p.p.Recipients {
			if strings.HasPrefix(r, strings.ToLower(mb.Local)+"+") && strings.HasSuffix(r, "@"+mb.Domain) {
				return nil, true, nil
			}
		}
		return nil, false, nil
	}
	msg, err = p.tx.Message(p.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	return msg, false, err
}

// original returns the request a reminder reminds, so that an answer to
// either is filed once, under the original.
func (p *processing) original(req *Message) (*Message, error) {
	orig, ok := remindedKind[req.Kind]
	if !ok {
		return req, nil
	}
	all, err := p.tx.Messages(p.ctx, req.GroupID)
	if err != nil {
		return nil, err
	}
	key := MessageKey(orig, req.SessionID, req.MemberID, 0)
	for _, m := range all {
		if m.Key == key {
			return m, nil
		}
	}
	return req, nil
}

func (p *processing) reply() error {
	req, tampered, err := p.request()
	switch {
	case err != nil:
		return err
	case tampered:
		p.hold(reason(ReasonTokenTampered))
		return nil
	case req == nil:
		p.hold(reason(ReasonNoToken))
		return nil
	}
	if req, err = p.original(req); err != nil {
		return err
	}
	p.in.GroupID, p.in.RequestID = req.GroupID, req.ID
	member, err := p.tx.Member(p.ctx, req.MemberID)
	if err != nil {
		return err
	}
	p.in.MemberID = member.ID
	if !sameAddress(p.p.From, member.Email) {
		return p.holdAndTell(req.GroupID, reason(ReasonSenderNotMember, member.ID))
	}
	// Also for declines in words and the animator's confirmations, which
	// the handlers below apply on the sender's behalf.
	if why, failed := p.authFailed(); failed {
		return p.holdAndTell(req.GroupID, why)
	}
	if strings.TrimSpace(p.p.Text) == "" && len(p.p.Answers) == 0 {
		return p.holdAndTell(req.GroupID, reason(ReasonEmptyReply))
	}
	if handle, ok := replyHandlers[req.Kind]; ok {
		done, err := handle(p, req, member)
		if err != nil || done {
			return err
		}
	}
	if err := p.s.applyAnswers(p.ctx, p.tx, req, p.p, p.in.ID); err != nil {
		return err
	}
	if err := p.forgetText(req); err != nil {
		return err
	}
	p.finish(InboundProcessed, reason(ReasonAnswersRecorded))
	return nil
}

// replyHandler acts on a reply to one kind of message beyond storing its
// text as answers: a decline written in words, the animator's confirmation
// of a swap. done means the reply was fully handled.
type replyHandler func(p *processing, req *Message, from *Member) (done bool, err error)

// replyHandlers are keyed by the kind of the message replied to.
var replyHandlers = map[Kind]replyHandler{
	KindInvitation:      (*processing).declineInWords,
	KindSessionReminder: (*processing).declineInWords,
	KindNoticeDecline:   (*processing).confirmSwap,
	KindNoticeTopics:    (*processing).chooseClient,
}

// applyAnswers stores a reply's answers against the request it answers.
// Numbered answers go to their questions; otherwise the whole text is one
// free answer (question 0). A rating is stored as the rating question's
// answer. Re-applying replaces the same rows.
//
// Every answer to a request is Shared when, and only when, the answer to
// its consent question is an explicit yes (Consents): an answer to that
// question, whenever it comes, sets the flag on all of them.
func (s *Service) applyAnswers(ctx context.Context, tx Tx, req *Message, p *ParsedMail, inboundID int64) error {
	now := s.clock.Now()
	shared, err := s.consent(ctx, tx, req, p)
	if err != nil {
		return err
	}
	save := func(q int, text string) error {
		return tx.SaveAnswer(ctx, &Answer{GroupID: req.GroupID, SessionID: req.SessionID, MemberID: req.MemberID,
			RequestID: req.ID, Kind: answeredKind(req.Kind), Question: q, Text: strings.TrimSpace(text),
			Shared: shared, InboundID: inboundID, CreatedAt: now})
	}
	if len(p.Answers) == 0 {
		if err := save(0, p.Text); err != nil {
			return err
		}
	}
	for q, text := range p.Answers {
		if err := save(q, text); err != nil {
			return err
		}
	}
	if q := ratingQuestion(req.Kind); p.Rating != nil && q != 0 && p.Answers[q] == "" {
		if err := save(q, strconv.Itoa(*p.Rating)); err != nil {
			return err
		}
	}
	if req.AnsweredAt.IsZero() {
		req.AnsweredAt = now
		if err := tx.UpdateMessage(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

// answeredKind maps a reminder to the request it reminds, so answers are
// filed under the question set they answer.
func answeredKind(k Kind) Kind {
	if orig, ok := remindedKind[k]; ok {
		return orig
	}
	return k
}

// ratingQuestion is the number of a kind's 1–5 rating question, 0 if none.
func ratingQuestion(k Kind) int {
	for _, q := range templates.Questions(templates.Kind(k), LangFR) {
		if q.Rating {
			return q.Number
		}
	}
	return 0
}

// consent reads whether the answers to req may be shared with the group:
// from this reply's answer to the request's consent question, else from
// the one stored before. When this reply answers it, the answers stored
// before take its value too.
func (s *Service) consent(ctx context.Context, tx Tx, req *Message, p *ParsedMail) (bool, error) {
	q := consentQuestion(req.Kind)
	if q == 0 {
		return false, nil
	}
	answer, given := p.Answers[q]
	shared := given && Consents(answer)
	all, err := tx.Answers(ctx, req.GroupID)
	if err != nil {
		return false, err
	}
	for _, a := range all {
		if a.RequestID != req.ID {
			continue
		}
		switch {
		case !given && a.Question == q:
			return a.Shared, nil
		case given && a.Shared != shared:
			a.Shared = shared
			if err := tx.SaveAnswer(ctx, a); err != nil {
				return false, err
			}
		}
	}
	return shared, nil
}

// oversize holds a message too large to download; its header still names
// the request it answers, so the group's animator can be told.
func (p *processing) oversize() error {
	p.hold(reason(ReasonOversize, p.in.Size))
	req, _, err := p.request()
	if err != nil || req == nil {
		return err
	}
	p.in.GroupID, p.in.MemberID, p.in.RequestID = req.GroupID, req.MemberID, req.ID
	return p.noticeHeld(req.GroupID)
}

func (p *processing) noticeHeld(groupID int64) error {
	return p.s.notice(p.ctx, p.tx, groupID, KindNoticeHeld, 0, p.in.ID, p.in.Reason, &p.enqueued)
}

// notice records a message to the group's animator about one event and
// enqueues it. Its key (kind, session, animator, subject) tells each event
// once: subject is the member (decline, bounce) or inbound message (held) it
// is about, stored in Sequence; reason (never content) is shown to the
// animator.
func (s *Service) notice(ctx context.Context, tx Tx, groupID int64, kind Kind, sessionID, subject int64, reason string, enqueued *bool) error {
	members, err := tx.Members(ctx, groupID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Role != RoleAnimator || !m.Active {
			continue
		}
		msg := &Message{GroupID: groupID, SessionID: sessionID, MemberID: m.ID, Kind: kind, Sequence: int(subject),
			Key: MessageKey(kind, sessionID, m.ID, int(subject)), DueAt: s.clock.Now(), Status: MessagePending,
			Reason: reason}
		added, err := tx.AddMessage(ctx, msg)
		if err != nil {
			return err
		}
		if added {
			*enqueued = true
			return tx.EnqueueSend(ctx, msg.ID)
		}
	}
	return nil
}
