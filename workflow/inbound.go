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

// ParsedMail is what the mail parser understood of an inbound message. The
// parser lives in an adapter (mail/inbound); the Service only sees this.
type ParsedMail struct {
	Kind       MailKind
	Reason     string
	MessageID  string
	InReplyTo  []string
	References []string
	From       string   // lowercased sender address
	Recipients []string // To, Cc, Delivered-To… lowercased
	Text       string   // the reply without quotes and signatures
	Answers    map[int]string
	Rating     *int
	Bounced    []string
	Permanent  bool
	RSVP       *ParsedRSVP
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
// gives MailUnknown and a reason.
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
			p2.finish(InboundIgnored, "auto-reply: "+p.Reason)
		case MailBounce:
			err = p2.bounce()
		case MailCalendarReply:
			err = p2.rsvp()
		case MailReply:
			err = p2.reply()
		default:
			p2.hold("not understood: " + p.Reason)
		}
		if err != nil {
			return err
		}
		if err := tx.UpdateInbound(ctx, in); err != nil {
			return fmt.Errorf("error recording inbound %d: %w", id, err)
		}
		kind, status = in.Kind, in.Status
		s.log.InfoContext(ctx, "inbound: Processed message", slog.Int64("inbound_id", id),
			slog.String("kind", string(in.Kind)), slog.String("status", in.Status), slog.String("reason", in.Reason))
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

func (s *Service) parse(raw []byte) (p *ParsedMail) {
	defer func() {
		if r := recover(); r != nil {
			p = &ParsedMail{Kind: MailUnknown, Reason: fmt.Sprintf("parser failed: %v", r)}
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

func (p *processing) finish(status, reason string) {
	p.in.Status, p.in.Reason = status, reason
	if status != InboundHeld {
		p.in.Raw = nil
	}
}

// hold keeps the message for the animator and tells them once.
func (p *processing) hold(reason string) {
	p.finish(InboundHeld, reason)
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
		p.hold("the reply token does not verify")
		return nil
	case req == nil:
		p.hold("no reply token: not an answer to a codev email")
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
	if !strings.EqualFold(p.p.From, member.Email) {
		p.hold(fmt.Sprintf("sender is not the member the request went to (member %d)", member.ID))
		return p.noticeHeld(req.GroupID)
	}
	if strings.TrimSpace(p.p.Text) == "" && len(p.p.Answers) == 0 {
		p.hold("the reply is empty")
		return p.noticeHeld(req.GroupID)
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
	p.finish(InboundProcessed, "answers recorded")
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
func (s *Service) applyAnswers(ctx context.Context, tx Tx, req *Message, p *ParsedMail, inboundID int64) error {
	now := s.clock.Now()
	shared := consentToShare(p.Text)
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

// consentToShare reports whether a client wrote that their answers may be
// shared with the group. Default is no (DOMAIN.md §3 rule 1).
func consentToShare(text string) bool {
	t := strings.ToLower(text)
	for _, phrase := range []string{"peut être partagé", "peuvent être partagé", "vous pouvez partager",
		"j'accepte que ce soit partagé", "ok pour partager", "may be shared", "can be shared", "you may share", "ok to share"} {
		if strings.Contains(t, phrase) {
			return true
		}
	}
	return false
}

// oversize holds a message too large to download; its header still names
// the request it answers, so the group's animator can be told.
func (p *processing) oversize() error {
	p.hold(fmt.Sprintf("message of %d bytes is above the size limit: only its header was read", p.in.Size))
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
