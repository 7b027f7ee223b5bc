package calendar

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"
)

// ErrInvalidInput is wrapped by every error the encoders return for input
// they refuse to write, so callers can tell bad data (a bug or a bad setting
// to fix, not to retry) from an encoding failure with errors.Is.
var ErrInvalidInput = errors.New("invalid input")

// Person is a calendar user: the service mailbox as ORGANIZER, or a member as
// ATTENDEE. Callers convert their own member and group types into it so that
// this package depends on no other codev package.
type Person struct {
	// Name is the display name, written as the CN parameter. Double quotes are
	// removed because go-ical cannot encode them in a parameter (INTEROP.md
	// §1.6). Empty means no CN.
	Name string
	// Email is the bare address ("codev+s-token@example.org"), never the
	// "Name <addr>" form: it becomes the mailto: URI that clients send REPLYs
	// to (INTEROP.md §1.1 rule 5).
	Email string
}

// Event is one co-development session as the calendar sees it. One Event
// becomes one VEVENT with no recurrence rule, because clients disagree on
// recurrence overrides (INTEROP.md §1.1 rule 1).
//
// SUMMARY, DESCRIPTION and LOCATION must name only the group, the session
// number, the date and the video link (DOMAIN.md §3 rule 3).
type Event struct {
	// UID identifies the session for its whole life, e.g.
	// "session-<uuid>@example.org". A new UID makes clients show a duplicate.
	UID string
	// Sequence is the revision stored with the session. It starts at 0 and the
	// caller raises it by one on every change that matters (time, link,
	// cancellation); clients ignore an update whose SEQUENCE is not higher.
	Sequence int
	// Start and End bound the session. They are converted to UTC when written
	// (INTEROP.md §1.1 rule 4); End must be after Start.
	Start, End time.Time
	// Summary is the title, e.g. "Codev Managers Lyon – séance 2/6". A feed
	// entry for a cancelled session carries a prefix such as « Annulé : »,
	// added by the caller.
	Summary string
	// Description repeats group, session, date and video link, on one line:
	// like every field it may not contain CR or LF. Empty means none.
	Description string
	// Location is the video link: every client shows LOCATION, few show URL
	// or CONFERENCE (INTEROP.md §1.2). Empty means none.
	Location string
	// URL is the video link again, as an absolute URL. Empty means none.
	URL string
	// Cancelled marks a cancelled session in a feed (STATUS:CANCELLED instead
	// of CONFIRMED). Request refuses it; Cancel always writes CANCELLED.
	Cancelled bool
	// Organizer is the service mailbox that reads replies for this group or
	// session. Required by Request and Cancel; never written in feeds.
	Organizer Person
	// Attendees are the members the message is addressed to, usually just one
	// (INTEROP.md §1.1 rule 10). Required by Request and Cancel; never written
	// in feeds.
	Attendees []Person
	// Created and Modified become CREATED and LAST-MODIFIED, in UTC. The zero
	// time omits the property.
	Created, Modified time.Time
}

// invalidf returns an error wrapping ErrInvalidInput with the package prefix.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("calendar: %w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// validate checks what every kind of output needs from an event.
func (ev *Event) validate() error {
	if ev.UID == "" {
		return invalidf("event has an empty UID")
	}
	if p := textProblem(ev.UID); p != "" {
		return invalidf("event UID %q %s", ev.UID, p)
	}
	if ev.Sequence < 0 {
		return invalidf("event %q: negative SEQUENCE %d", ev.UID, ev.Sequence)
	}
	if ev.Start.IsZero() || ev.End.IsZero() {
		return invalidf("event %q: start or end time is missing", ev.UID)
	}
	// Compared as written: DTSTART and DTEND have whole seconds.
	if !ev.End.Truncate(time.Second).After(ev.Start.Truncate(time.Second)) {
		return invalidf("event %q: end %s is not after start %s", ev.UID,
			ev.End.UTC().Format(time.RFC3339), ev.Start.UTC().Format(time.RFC3339))
	}
	if ev.Summary == "" {
		return invalidf("event %q: empty summary", ev.UID)
	}
	fields := [...]struct{ name, value string }{
		{"summary", ev.Summary},
		{"description", ev.Description},
		{"location", ev.Location},
		{"URL", ev.URL},
	}
	for _, f := range fields {
		if p := textProblem(f.value); p != "" {
			return invalidf("event %q: %s %s", ev.UID, f.name, p)
		}
	}
	if ev.URL != "" {
		if u, err := url.Parse(ev.URL); err != nil || u.Scheme == "" || u.Host == "" {
			return invalidf("event %q: URL is not an absolute URL", ev.UID)
		}
	}
	return nil
}

// validateParticipants checks the organizer and attendees that iTIP messages
// need (INTEROP.md §1.1 rules 5 and 6). Errors name attendees by position,
// not by name or address, because errors end up in logs.
func (ev *Event) validateParticipants() error {
	if ev.Organizer.Email == "" {
		return invalidf("event %q: no organizer", ev.UID)
	}
	if err := ev.checkPerson("organizer", ev.Organizer); err != nil {
		return err
	}
	if len(ev.Attendees) == 0 {
		return invalidf("event %q: no attendees", ev.UID)
	}
	organizer := strings.ToLower(ev.Organizer.Email)
	seen := make(map[string]bool, len(ev.Attendees))
	for i, a := range ev.Attendees {
		role := "attendee " + strconv.Itoa(i+1)
		if err := ev.checkPerson(role, a); err != nil {
			return err
		}
		key := strings.ToLower(a.Email)
		if key == organizer {
			// Clients would offer the service mailbox to answer its own
			// invitation, and its replies would loop back to us.
			return invalidf("event %q: %s is the organizer", ev.UID, role)
		}
		if seen[key] {
			return invalidf("event %q: %s has the address of an earlier attendee", ev.UID, role)
		}
		seen[key] = true
	}
	return nil
}

// checkPerson checks a display name and a bare email address.
func (ev *Event) checkPerson(role string, p Person) error {
	if problem := textProblem(p.Name); problem != "" {
		return invalidf("event %q: %s name %s", ev.UID, role, problem)
	}
	if p.Email == "" {
		return invalidf("event %q: %s has no email address", ev.UID, role)
	}
	a, err := mail.ParseAddress(p.Email)
	if err != nil || a.Name != "" || a.Address != p.Email || textProblem(p.Email) != "" ||
		strings.ContainsAny(p.Email, " \t\"<>()[],;:\\") {
		return invalidf("event %q: %s email is not a bare address", ev.UID, role)
	}
	return nil
}

// textProblem describes why s cannot be written in a field, or returns "".
// It refuses invalid UTF-8 and control characters other than tab: CR and LF
// would end the content line early and let a field inject properties.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7F {
			return fmt.Sprintf("contains control character %U (CR, LF and others are refused)", r)
		}
	}
	return ""
}

// component builds the VEVENT shared by invitations and feeds; the callers
// add ORGANIZER and ATTENDEE where they belong.
func (ev *Event) component(stamp time.Time, status ical.EventStatus) *ical.Component {
	c := ical.NewComponent(ical.CompEvent)
	c.Props.Set(textProp(ical.PropUID, ev.UID))
	c.Props.Set(&ical.Prop{Name: ical.PropSequence, Params: ical.Params{}, Value: strconv.Itoa(ev.Sequence)})
	c.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
	c.Props.SetDateTime(ical.PropDateTimeStart, ev.Start.UTC())
	c.Props.SetDateTime(ical.PropDateTimeEnd, ev.End.UTC())
	c.Props.Set(textProp(ical.PropSummary, ev.Summary))
	c.Props.Set(textProp(ical.PropStatus, string(status)))
	if ev.Description != "" {
		c.Props.Set(textProp(ical.PropDescription, ev.Description))
	}
	if ev.Location != "" {
		c.Props.Set(textProp(ical.PropLocation, ev.Location))
	}
	if ev.URL != "" {
		// URI is URL's default type, so no VALUE parameter and no escaping.
		c.Props.Set(&ical.Prop{Name: ical.PropURL, Params: ical.Params{}, Value: ev.URL})
	}
	if !ev.Created.IsZero() {
		c.Props.SetDateTime(ical.PropCreated, ev.Created.UTC())
	}
	if !ev.Modified.IsZero() {
		c.Props.SetDateTime(ical.PropLastModified, ev.Modified.UTC())
	}
	return c
}

// addressProp builds an ORGANIZER or ATTENDEE property: the CN without
// double quotes, and the bare mailto: URI as value (INTEROP.md §1.1 rule 5).
func addressProp(name string, p Person) *ical.Prop {
	prop := ical.NewProp(name)
	if cn := strings.TrimSpace(strings.ReplaceAll(p.Name, `"`, "")); cn != "" {
		prop.Params.Set(ical.ParamCommonName, cn)
	}
	prop.Value = "mailto:" + p.Email
	return prop
}

// textProp builds a TEXT property with its value escaped. It is used instead
// of go-ical's SetText, which adds VALUE=TEXT to properties it does not know,
// such as X-WR-CALNAME (INTEROP.md §1.6).
func textProp(name, value string) *ical.Prop {
	return &ical.Prop{Name: name, Params: ical.Params{}, Value: escapeText(value)}
}

// textEscaper escapes TEXT values as RFC 5545 §3.3.11 requires.
var textEscaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\n", `\n`)

// escapeText escapes a TEXT value. LF cannot reach it (checkText refuses it)
// but is escaped anyway so the function is correct on its own.
func escapeText(s string) string {
	return textEscaper.Replace(s)
}
