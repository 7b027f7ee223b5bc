// Package mailroom joins the mail that arrives to the domain, as
// mail/postman joins the domain to the mail it sends: Parse turns the
// mail/inbound parser's Message into a workflow.ParsedMail (the Service's
// Parser; ParseReply, its ReplyParser, does the same knowing the request
// the reply answers), and Inbox is the IMAP watcher's Sink, storing each message read
// from the mailbox through Service.Deliver.
//
// It holds no logic of its own beyond the mapping: what a message means is
// decided by mail/inbound (classification, reply text, answers) and what it
// does by workflow (matching, applying, holding).
package mailroom

import (
	"github.com/codev-org/codev/mail/inbound"
	"github.com/codev-org/codev/workflow"
)

var _ workflow.Parser = Parse

// Parse parses raw with mail/inbound and maps the result to the domain's
// ParsedMail. Like inbound.Parse, it never fails: malformed input gives
// workflow.MailUnknown and a reason. It is Parser(nil): the topmost
// Authentication-Results field is taken as the receiving server's.
func Parse(raw []byte) *workflow.ParsedMail {
	return parsed(inbound.Parse(raw, inbound.Options{}))
}

var _ workflow.ReplyParser = ParseReply

// ParseReply is Parse knowing the plain text of the request the reply
// answers: the reply is aligned with it (inbound.Align), so that codev's
// own lines are removed and each answer is filed under its question.
func ParseReply(raw []byte, request string) *workflow.ParsedMail {
	return parsed(inbound.Parse(raw, inbound.Options{Request: request}))
}

// Parser and ReplyParser are Parse and ParseReply for a receiving server
// whose Authentication-Results fields carry one of authServIDs
// (CODEV_AUTHSERV_ID; see inbound.Options.AuthServIDs).
func Parser(authServIDs []string) workflow.Parser {
	return func(raw []byte) *workflow.ParsedMail {
		return parsed(inbound.Parse(raw, inbound.Options{AuthServIDs: authServIDs}))
	}
}

// ReplyParser: see Parser.
func ReplyParser(authServIDs []string) workflow.ReplyParser {
	return func(raw []byte, request string) *workflow.ParsedMail {
		return parsed(inbound.Parse(raw, inbound.Options{Request: request, AuthServIDs: authServIDs}))
	}
}

// parsed maps the parser's Message to the domain's ParsedMail.
func parsed(m *inbound.Message) *workflow.ParsedMail {
	p := &workflow.ParsedMail{
		Kind: Kind(m.Kind), Reason: m.Reason, MessageID: m.MessageID,
		InReplyTo: m.InReplyTo, References: m.References, From: m.From, Recipients: m.Recipients,
		Text: m.Text, Answers: m.Answers, Rating: m.Rating, Permanent: m.Permanent,
		AuthFailed: m.Auth.Failed(),
	}
	if r := m.RSVP; r != nil {
		p.RSVP = &workflow.ParsedRSVP{UID: r.UID, Attendee: r.Attendee, PartStat: r.PartStat, Sequence: r.Sequence, Stamp: r.DTStamp}
	}
	return p
}

// Kind maps the parser's classification to the domain's mail kind. Both
// spell a kind the same, since it is stored; a kind the domain does not know
// is MailUnknown, which holds the message for the animator.
func Kind(k inbound.Kind) workflow.MailKind {
	switch k {
	case inbound.KindReply:
		return workflow.MailReply
	case inbound.KindAutoReply:
		return workflow.MailAutoReply
	case inbound.KindBounce:
		return workflow.MailBounce
	case inbound.KindCalendarReply:
		return workflow.MailCalendarReply
	}
	return workflow.MailUnknown
}
