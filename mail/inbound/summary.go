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
	File       string            `json:"file"`
	Kind       Kind              `json:"kind"`
	Reason     string            `json:"reason"`
	MessageID  string            `json:"message_id,omitempty"`
	From       string            `json:"from,omitempty"`
	Recipients []string          `json:"recipients,omitempty"`
	Subject    string            `json:"subject,omitempty"`
	Text       string            `json:"text"`
	Truncated  bool              `json:"truncated,omitempty"`
	Answers    map[string]string `json:"answers"`
	Rating     *int              `json:"rating"`
	PartStat   string            `json:"partstat,omitempty"`
	Attendee   string            `json:"attendee,omitempty"`
	UID        string            `json:"uid,omitempty"`
	Sequence   *int              `json:"sequence,omitempty"`
	Bounced    []string          `json:"bounced,omitempty"`
	Permanent  *bool             `json:"permanent,omitempty"`
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
