package workflow

import (
	"context"
	"log/slog"

	"github.com/codev-org/codev/templates"
)

// The text of a request, kept so that the reply can be aligned with it.
//
// codev knows exactly what it asked: when a message that asks questions is
// sent, its plain text is recorded with it. A reply to it is then read
// knowing that text (ServiceConfig.ReplyParser): every line of codev's own
// email is removed from the reply, quoted or not, and each answer is filed
// under the question it follows. The text is forgotten once the request is
// answered, when the group's free text is purged, and when the member is
// erased; a reply to a request without text is read as before.

// RequestTexts keeps the plain text of sent requests. It is part of Tx.
type RequestTexts interface {
	// SetRequestText records the plain text of message messageID ("" to
	// forget it). A missing message is an error wrapping ErrNotFound.
	SetRequestText(ctx context.Context, messageID int64, text string) error
	// RequestText returns the recorded text of a message, "" when none.
	RequestText(ctx context.Context, messageID int64) (string, error)
	// ForgetRequestTexts clears the texts of a group's messages, or of one
	// member's when memberID is not 0, and returns how many it cleared.
	ForgetRequestTexts(ctx context.Context, groupID, memberID int64) (int64, error)
}

// ReplyParser reads a reply knowing the plain text of the request it
// answers. Like Parser it never fails.
type ReplyParser func(raw []byte, request string) *ParsedMail

// keepsText reports the kinds whose text is kept when sent: those that ask
// numbered questions, and their reminders.
func keepsText(k Kind) bool {
	return len(templates.Questions(templates.Kind(k), LangFR)) > 0
}

// recordText records the text of a request that was just sent.
func (s *Service) recordText(ctx context.Context, tx Tx, msg *Message, e *Email) error {
	if s.cfg.ReplyParser == nil || !keepsText(msg.Kind) || e.Text == "" {
		return nil
	}
	return tx.SetRequestText(ctx, msg.ID, e.Text)
}

// realign reads a reply, or a message not understood, again knowing the
// text of the request its token names (or of the request that one
// reminds, when it has none). A reply takes the new text and answers; a
// message not understood becomes a reply when, aligned, it holds the
// sender's text (answers typed inside a quote that the first reading took
// for quoted text only). The sender is checked afterwards as for any
// reply: the request's text is codev's own, parsing it reveals nothing.
func (p *processing) realign() error {
	if p.s.cfg.ReplyParser == nil || len(p.in.Raw) == 0 || (p.p.Kind != MailReply && p.p.Kind != MailUnknown) {
		return nil
	}
	asked, _, err := p.request()
	if err != nil || asked == nil {
		return err
	}
	text, err := p.tx.RequestText(p.ctx, asked.ID)
	if err != nil {
		return err
	}
	if text == "" {
		orig, err := p.original(asked)
		if err != nil {
			return err
		}
		if orig.ID != asked.ID {
			if text, err = p.tx.RequestText(p.ctx, orig.ID); err != nil {
				return err
			}
		}
	}
	if text == "" {
		return nil
	}
	a := p.s.parseReply(p.in.Raw, text)
	switch {
	case a.Kind != MailReply:
	case p.p.Kind == MailReply:
		p.p.Text, p.p.Answers, p.p.Rating = a.Text, a.Answers, a.Rating
	default:
		*p.p = *a
		p.in.Kind, p.in.Sender = a.Kind, a.From
	}
	return nil
}

func (s *Service) parseReply(raw []byte, request string) (p *ParsedMail) {
	defer func() {
		if r := recover(); r != nil {
			// Recorded without the panic's value, which may quote the message.
			p = &ParsedMail{Kind: MailUnknown, Reason: "parser panicked", panicked: true}
		}
	}()
	return s.cfg.ReplyParser(raw, request)
}

// forgetText forgets the text of an answered request, and of the
// reminder the reply answered if it was one: they served their purpose.
func (p *processing) forgetText(req *Message) error {
	if err := p.tx.SetRequestText(p.ctx, req.ID, ""); err != nil {
		return err
	}
	asked, _, err := p.request()
	if err != nil || asked == nil || asked.ID == req.ID {
		return err
	}
	return p.tx.SetRequestText(p.ctx, asked.ID, "")
}

// forgetTexts clears a group's or a member's request texts, for the purge
// and erasure.
func (s *Service) forgetTexts(ctx context.Context, tx Tx, groupID, memberID int64) error {
	n, err := tx.ForgetRequestTexts(ctx, groupID, memberID)
	if n > 0 {
		s.log.InfoContext(ctx, "privacy: Forgot request texts", slog.Int64("group_id", groupID),
			slog.Int64("member_id", memberID), slog.Int64("messages", n))
	}
	return err
}
