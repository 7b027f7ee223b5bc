package inbound

import (
	"strconv"
)

// Summary is the JSON view of a Message printed by `codev inspect-mail`,
// one object per file, so that a misread email can be reported with what
// codev made of it. answers and rating are always present ({} and null when
// empty) so that scripts can rely on them; kind-specific fields are omitted
// when they do not apply. Body is left out on purpose: it holds quoted
// text that is not the sender's.
type Summary struct {
	// File is the path the message was read from, as given by the caller.
	File string `json:"file"`
	// Kind and Reason are Message.Kind and Message.Reason.
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason"`
	// MessageID, From, Recipients and Subject identify the message.
	MessageID  string   `json:"message_id,omitempty"`
	From       string   `json:"from,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	Subject    string   `json:"subject,omitempty"`
	// Text is the extracted reply ("" when none).
	Text string `json:"text"`
	// Truncated reports that the line cap cut the body.
	Truncated bool `json:"truncated,omitempty"`
	// Answers maps question numbers, as strings (JSON keys), to answers.
	Answers map[string]string `json:"answers"`
	// Rating is the 1–5 rating, or null.
	Rating *int `json:"rating"`
	// PartStat, Attendee, UID and Sequence come from a calendar answer.
	PartStat string `json:"partstat,omitempty"`
	Attendee string `json:"attendee,omitempty"`
	UID      string `json:"uid,omitempty"`
	Sequence *int   `json:"sequence,omitempty"`
	// Bounced and Permanent are set for bounces.
	Bounced   []string `json:"bounced,omitempty"`
	Permanent *bool    `json:"permanent,omitempty"`
	// Mapping is set when the request the message answers was given.
	Mapping *Mapping `json:"mapping,omitempty"`
	// Auth is what the trusted Authentication-Results say of the From
	// domain, when a field was trusted.
	Auth *Auth `json:"auth,omitempty"`
}

// Mapping shows how a reply lines up with the request it answers: each
// line's role, and for the request's lines and the answers, the question.
// It holds the reply's lines, quoted ones included: it is for reading a
// misread reply, never for storing.
type Mapping struct {
	// Questions is the number of questions of the request; Found how many
	// lines of the reply repeat it (0: the reply was read without it).
	Questions int           `json:"questions"`
	Found     int           `json:"request_lines_found"`
	Lines     []AlignedLine `json:"lines"`
}

// MapReply aligns a message's body with the request it answers, for
// `codev inspect-mail --request`.
func (m *Message) MapReply(request string) *Mapping {
	a := Align(m.Body, request)
	return &Mapping{Questions: a.Questions, Found: a.Found, Lines: a.Lines}
}

// RequestText returns the plain text of a request given as an email
// (codev's .eml, as `codev preview` writes it) or as text: its text/plain
// part, or the text itself.
func RequestText(raw []byte) string {
	if m := Parse(raw, Options{}); m.Body != "" && (m.MessageID != "" || m.Subject != "") {
		return m.Body
	}
	return validUTF8(string(raw))
}

// Summary returns the JSON-friendly view of m for the file it was read
// from.
func (m *Message) Summary(file string) Summary {
	s := Summary{
		File: file, Kind: m.Kind, Reason: m.Reason, MessageID: m.MessageID, From: m.From,
		Recipients: m.Recipients, Subject: m.Subject, Text: m.Text, Truncated: m.Truncated,
		Answers: make(map[string]string, len(m.Answers)), Rating: m.Rating,
	}
	for k, v := range m.Answers {
		s.Answers[strconv.Itoa(k)] = v
	}
	if m.RSVP != nil {
		s.PartStat, s.Attendee, s.UID = m.RSVP.PartStat, m.RSVP.Attendee, m.RSVP.UID
		seq := m.RSVP.Sequence
		s.Sequence = &seq
	}
	if m.Auth.ServID != "" {
		a := m.Auth
		s.Auth = &a
	}
	if m.Kind == KindBounce {
		s.Bounced = m.Bounced
		if s.Bounced == nil {
			s.Bounced = []string{}
		}
		perm := m.Permanent
		s.Permanent = &perm
	}
	return s
}
