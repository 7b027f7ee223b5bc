package inbound

import (
	"cmp"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind says what an inbound message is, and so what the caller does with
// it. The values are stored and shown by `codev inspect-mail`: never rename
// one.
type Kind string

// The kinds of inbound messages.
const (
	// KindReply is a participant's reply: apply it if the token verifies.
	KindReply Kind = "reply"
	// KindAutoReply is an out-of-office or other automatic answer: record
	// it against the token and stop (INTEROP.md §3.2).
	KindAutoReply Kind = "auto_reply"
	// KindBounce is a delivery failure report: stop mailing the address
	// when Permanent, log otherwise (INTEROP.md §3.3).
	KindBounce Kind = "bounce"
	// KindCalendarReply is an iTIP REPLY to a session invitation.
	KindCalendarReply Kind = "calendar_reply"
	// KindUnknown is anything else, held for the animator; Reason says why.
	KindUnknown Kind = "unknown"
)

// Message is what Parse understood of one inbound email. Fields that do not
// apply to its Kind are zero.
type Message struct {
	// Kind is the classification; Reason says which rule decided, for the
	// animator and the logs. Reason is never empty.
	Kind   Kind
	Reason string

	// MessageID, InReplyTo and References are message ids without angle
	// brackets: codev's own Message-IDs carry the conversation token.
	MessageID  string
	InReplyTo  []string
	References []string
	// From is the sender address, lower-cased; the caller checks it
	// against the member the token names.
	From string
	// Recipients are the addresses of To, Cc, Delivered-To, X-Original-To,
	// Envelope-To and X-Envelope-To, lower-cased, deduplicated, in that
	// order: where the reply token is looked for.
	Recipients []string
	// Subject is decoded (RFC 2047).
	Subject string
	// Date is the Date field, zero when missing or unreadable.
	Date time.Time

	// Body is the decoded full text: the text/plain part, else the HTML
	// part converted to text with quotes as "> " lines. LF line endings,
	// format=flowed undone.
	Body string
	// Text is the reply as the sender wrote it: Body without quotes,
	// attributions, Outlook header blocks, signatures and mobile footers.
	Text string
	// Truncated reports that Body had more lines than Options.MaxLines and
	// Text was extracted from the first ones only.
	Truncated bool
	// Answers maps question numbers to answers (see ExtractAnswers); it is
	// never nil.
	Answers map[int]string
	// Rating is a 1–5 score when one was found (see Options.RatingQuestion
	// and ParseRating).
	Rating *int

	// Bounced lists the failed recipients of a bounce, lower-cased:
	// Original-Recipient then Final-Recipient when a report gives both.
	Bounced []string
	// Permanent reports a permanent failure (5.x.x, Action failed).
	Permanent bool

	// RSVP is the calendar answer of a calendar_reply.
	RSVP *RSVP

	// Auth is what the receiving server's Authentication-Results say of
	// the From domain (see Options.AuthServIDs).
	Auth Auth
}

// Options bounds and tunes Parse. The zero value is usable.
type Options struct {
	// MaxBytes is the largest message Parse reads, in bytes; larger ones
	// are KindUnknown with only their header read, to be held for the
	// animator (INTEROP.md §3.1). Zero means DefaultMaxBytes.
	MaxBytes int
	// MaxLines is how many body lines Trim looks at. Zero means
	// DefaultMaxLines.
	MaxLines int
	// Questions is the number of questions of the questionnaire being
	// answered; answers to higher numbers are ignored. Zero means no
	// limit (numbers up to 99).
	Questions int
	// Request is the plain text of the email the message answers, as codev
	// sent it, when it is known. The reply is then aligned with it (see
	// Align): every line of the request is removed from Text, quoted or
	// not, and each answer is mapped to the question it follows; Questions
	// defaults to the request's number of questions. A reply where none of
	// the request is found is read as without it.
	Request string
	// RatingQuestion is the number of the question that asks for a 1–5
	// rating; its answer fills Message.Rating. Zero means none: Rating is
	// then only set from an explicit "Note : 4", "4/5" or "4 sur 5" line of
	// the reply.
	RatingQuestion int
	// AuthServIDs are the authserv-ids of the receiving server's
	// Authentication-Results fields (CODEV_AUTHSERV_ID): only the fields at
	// the top of the header with one of these ids are read. Empty: the
	// topmost field's id is taken as the receiving server's.
	AuthServIDs []string
}

// DefaultMaxBytes is the default size cap: 25 MiB, the usual largest
// message providers accept.
const DefaultMaxBytes = 25 << 20

func (o Options) withDefaults() Options {
	o.MaxBytes = cmp.Or(o.MaxBytes, DefaultMaxBytes)
	o.MaxLines = cmp.Or(o.MaxLines, DefaultMaxLines)
	ids := make([]string, 0, len(o.AuthServIDs))
	for _, id := range o.AuthServIDs {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" {
			ids = append(ids, id)
		}
	}
	o.AuthServIDs = ids
	return o
}

// Parse reads one raw RFC 5322 message and classifies it, in the order of
// INTEROP.md §3.1: size cap, MIME, calendar REPLY, bounce, auto-reply,
// reply. It never panics and never returns nil: malformed input gives
// KindUnknown (or the best guess) with a Reason, and every string of the
// result is valid UTF-8.
func Parse(raw []byte, opts Options) (m *Message) {
	m = &Message{Kind: KindUnknown, Answers: map[int]string{}}
	defer func() {
		if r := recover(); r != nil {
			// The panic's value may quote the message: not kept.
			*m = Message{Kind: KindUnknown, Reason: "parser panic", Answers: map[int]string{}}
		}
		m.sanitize()
	}()
	opts = opts.withDefaults()
	oversize := len(raw) > opts.MaxBytes
	tree := parseMIME(raw, oversize)
	m.readHeader(tree)
	m.Auth = readAuth(tree.header, opts.AuthServIDs, m.From)
	p := &parser{msg: m, tree: tree, opts: opts}
	if oversize {
		m.Reason = fmt.Sprintf("message of %d bytes exceeds MaxBytes %d; header only", len(raw), opts.MaxBytes)
		return m
	}
	p.classify()
	if len(tree.notes) > 0 {
		m.Reason += "; " + strings.Join(tree.notes, "; ")
	}
	return m
}

// readHeader fills the header-derived fields.
func (m *Message) readHeader(t *mimeTree) {
	h := t.header
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	m.References = msgIDs(h.Get("References"))
	m.From = firstAddress(h, "From")
	m.Recipients = recipients(h)
	m.Subject = decodeHeaderText(h.Get("Subject"))
	m.Date = parseDate(h.Get("Date"))
}

// sanitize enforces the output invariants: a Kind, a Reason, valid UTF-8.
func (m *Message) sanitize() {
	if m.Kind == "" {
		m.Kind = KindUnknown
	}
	if m.Reason == "" {
		m.Reason = "unclassified"
	}
	if m.Answers == nil {
		m.Answers = map[int]string{}
	}
	for _, s := range []*string{&m.Reason, &m.MessageID, &m.From, &m.Subject, &m.Body, &m.Text, &m.Auth.ServID} {
		*s = storable(*s)
	}
	for _, l := range [][]string{m.InReplyTo, m.References, m.Recipients, m.Bounced} {
		for i := range l {
			l[i] = storable(l[i])
		}
	}
	for k, v := range m.Answers {
		m.Answers[k] = storable(v)
	}
	if m.RSVP != nil {
		for _, s := range []*string{&m.RSVP.UID, &m.RSVP.Attendee, &m.RSVP.PartStat, &m.RSVP.Method} {
			*s = storable(*s)
		}
	}
}

// storable returns s as valid UTF-8 without NUL characters, which no email
// text needs and PostgreSQL refuses in text columns: a NUL in a reply would
// otherwise make every attempt to record it fail.
func storable(s string) string {
	s = validUTF8(s)
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
