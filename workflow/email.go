package workflow

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Email is a rendered message, ready for the mail adapter: every header value
// and both bodies are decided here, so that preview and sending show the same
// thing.
type Email struct {
	Kind            Kind
	To              Person
	From            Person // the service mailbox; also the ORGANIZER of invitations
	ReplyTo         string // local+TOKEN@domain
	EnvelopeFrom    string // SMTP MAIL FROM, the same tokenised address: bounces name the message
	MessageID       string // TOKEN.nonce@domain, without brackets
	InReplyTo       []string
	References      []string
	Date            time.Time
	Subject         string
	Text            string
	HTML            string
	Lang            string
	ListUnsubscribe string
	Invite          *Invite
}

// Invite is the calendar object of an invitation or a cancellation: the
// session's Event at the Sequence the message carries, its method, and who
// sends and receives it.
type Invite struct {
	Event
	Method    string // REQUEST or CANCEL
	Organizer Person
	Attendees []Person
}

// Calendar methods.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
)

// Mailer delivers emails. Send returns an error wrapping ErrPermanent when the
// server refused the message for good (5xx): retrying cannot help. Any other
// error is temporary.
type Mailer interface {
	Send(ctx context.Context, e *Email) error
}

// ErrPermanent marks a delivery failure that retrying cannot fix.
var ErrPermanent = errors.New("permanent delivery failure")

// ErrNothingToSend is returned by Compose for a digest or summary with nothing
// new: it is recorded as skipped, never sent empty.
var ErrNothingToSend = errors.New("nothing to send")

// Address is the service mailbox, split so that tokens can be put in its
// local part ("codev+TOKEN@example.org").
type Address struct {
	Local  string
	Domain string
}

// ParseAddress splits a bare address.
func ParseAddress(s string) (Address, error) {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(s, " <>\r\n") {
		return Address{}, Errorf(EINVALID, "%q is not a bare email address", s)
	}
	return Address{Local: local, Domain: strings.ToLower(domain)}, nil
}

func (a Address) String() string { return a.Local + "@" + a.Domain }

// Tagged returns the address with a sub-address: local+tag@domain.
func (a Address) Tagged(tag string) string { return a.Local + "+" + tag + "@" + a.Domain }
