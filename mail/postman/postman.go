// Package postman turns workflow emails into MIME messages, with their
// calendar part, and hands them to an SMTP sender; it also encodes the
// domain's calendar feeds. It is the one place where the domain's Email and
// Event meet the mail and calendar adapters, so preview and sending produce
// the same bytes, and invitations and feeds the same events.
package postman

import (
	"context"
	"fmt"
	"time"

	"github.com/codev-org/codev/calendar"
	"github.com/codev-org/codev/mail"
	"github.com/codev-org/codev/workflow"
)

// Sender delivers raw messages (mail.Sender).
type Sender interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// Postman implements workflow.Mailer.
type Postman struct {
	sender Sender
}

var _ workflow.Mailer = (*Postman)(nil)

// New returns a Postman sending through sender.
func New(sender Sender) *Postman { return &Postman{sender: sender} }

// Send composes and sends e. SMTP 5xx refusals are wrapped in
// workflow.ErrPermanent.
func (p *Postman) Send(ctx context.Context, e *workflow.Email) error {
	raw, _, err := Render(e)
	if err != nil {
		return fmt.Errorf("%w: %w", workflow.ErrPermanent, err)
	}
	err = p.sender.Send(ctx, e.EnvelopeFrom, []string{e.To.Email}, raw)
	if mail.IsPermanent(err) {
		return fmt.Errorf("%w: %w", workflow.ErrPermanent, err)
	}
	return err
}

// Render returns the RFC 5322 bytes of e and, for invitations, the
// iCalendar object it carries.
func Render(e *workflow.Email) (raw, ics []byte, err error) {
	return render(e, nil)
}

// RenderWith is Render with deterministic MIME boundaries, for golden files.
func RenderWith(e *workflow.Email, boundary func() string) (raw, ics []byte, err error) {
	return render(e, boundary)
}

func render(e *workflow.Email, boundary func() string) (raw, ics []byte, err error) {
	m := &mail.Message{
		From:            mail.Address{Name: e.From.Name, Email: e.From.Email},
		To:              []mail.Address{{Name: e.To.Name, Email: e.To.Email}},
		ReplyTo:         mail.Address{Email: e.ReplyTo},
		MessageID:       e.MessageID,
		InReplyTo:       e.InReplyTo,
		References:      e.References,
		Date:            e.Date,
		Subject:         e.Subject,
		Text:            e.Text,
		HTML:            e.HTML,
		Lang:            e.Lang,
		ListUnsubscribe: e.ListUnsubscribe,
		BoundaryFunc:    boundary,
	}
	if inv := e.Invite; inv != nil {
		ics, err = Calendar(inv, e.Date)
		if err != nil {
			return nil, nil, err
		}
		m.Calendar = &mail.Calendar{Method: inv.Method, Data: ics}
	}
	raw, err = mail.Compose(m)
	if err != nil {
		return nil, nil, fmt.Errorf("error composing %s: %w", e.Kind, err)
	}
	return raw, ics, nil
}

// Calendar encodes an invitation's iCalendar object, stamped at stamp.
func Calendar(inv *workflow.Invite, stamp time.Time) ([]byte, error) {
	ev := event(inv.Event)
	ev.Organizer = calendar.Person{Name: inv.Organizer.Name, Email: inv.Organizer.Email}
	for _, a := range inv.Attendees {
		ev.Attendees = append(ev.Attendees, calendar.Person{Name: a.Name, Email: a.Email})
	}
	switch inv.Method {
	case workflow.MethodRequest:
		return calendar.Request(ev, stamp)
	case workflow.MethodCancel:
		return calendar.Cancel(ev, stamp)
	}
	return nil, fmt.Errorf("postman: unknown calendar method %q", inv.Method)
}

// Feed encodes a calendar feed (GET /cal/TOKEN.ics), stamped at stamp.
func Feed(f *workflow.Feed, stamp time.Time) ([]byte, error) {
	events := make([]calendar.Event, len(f.Events))
	for i, e := range f.Events {
		events[i] = event(e)
	}
	return calendar.Feed(calendar.FeedInfo{Name: f.Name}, events, stamp)
}

// event is a session as the calendar package writes it. The video link is
// both LOCATION, which every client shows, and URL (INTEROP.md §1.2).
func event(e workflow.Event) calendar.Event {
	return calendar.Event{UID: e.UID, Sequence: e.Sequence, Start: e.Start, End: e.End,
		Summary: e.Summary, Description: e.Description, Location: e.Location, URL: e.Location,
		Cancelled: e.Cancelled}
}
