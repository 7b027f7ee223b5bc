package calendar

import (
	"time"

	"github.com/emersion/go-ical"
)

// iTIP methods (RFC 5546 §1.4). The MIME part's method= parameter must equal
// the one inside (INTEROP.md §1.1 rule 7), so the mail package should use the
// same values.
const (
	// MethodRequest invites attendees to a session or updates it.
	MethodRequest = "REQUEST"
	// MethodCancel cancels a session for the attendees listed.
	MethodCancel = "CANCEL"
)

// Request returns an iMIP invitation or update for ev: METHOD:REQUEST with one
// VEVENT, STATUS:CONFIRMED, the organizer and every attendee with
// PARTSTAT=NEEDS-ACTION and RSVP=TRUE, so that clients show Yes/No/Maybe
// buttons (INTEROP.md §1.1 rule 6). stamp is the time the message is built
// and becomes DTSTAMP in UTC; it comes from the caller's clock so output is
// reproducible.
//
// A rescheduled session is sent with the same UID and a raised Sequence. A
// cancelled event (ev.Cancelled) is refused: use Cancel.
func Request(ev Event, stamp time.Time) ([]byte, error) {
	return invite(MethodRequest, ical.EventConfirmed, &ev, stamp)
}

// Cancel returns an iMIP cancellation for ev: METHOD:CANCEL, the same UID as
// the invitation, STATUS:CANCELLED, the organizer and the attendees being
// cancelled (INTEROP.md §1.1 rule 8). ev.Sequence must already be raised
// above the last one sent, so it is at least 1; clients ignore a CANCEL whose
// SEQUENCE is not higher. ev.Cancelled is ignored.
//
// To remove one member from a session that still takes place, list only that
// member in ev.Attendees.
func Cancel(ev Event, stamp time.Time) ([]byte, error) {
	return invite(MethodCancel, ical.EventCancelled, &ev, stamp)
}

// invite validates ev and encodes the iTIP message shared by Request and
// Cancel.
func invite(method string, status ical.EventStatus, ev *Event, stamp time.Time) ([]byte, error) {
	if err := checkStamp(stamp); err != nil {
		return nil, err
	}
	if err := ev.validate(); err != nil {
		return nil, err
	}
	if err := ev.validateParticipants(); err != nil {
		return nil, err
	}
	switch {
	case method == MethodRequest && ev.Cancelled:
		return nil, invalidf("event %q: a cancelled event is sent with Cancel, not Request", ev.UID)
	case method == MethodCancel && ev.Sequence < 1:
		return nil, invalidf("event %q: a CANCEL needs a raised SEQUENCE, got %d", ev.UID, ev.Sequence)
	}
	vevent := ev.component(stamp, status)
	vevent.Props.Set(addressProp(ical.PropOrganizer, ev.Organizer))
	for _, a := range ev.Attendees {
		prop := addressProp(ical.PropAttendee, a)
		prop.Params.Set(ical.ParamCalendarUserType, "INDIVIDUAL")
		prop.Params.Set(ical.ParamRole, "REQ-PARTICIPANT")
		prop.Params.Set(ical.ParamParticipationStatus, "NEEDS-ACTION")
		prop.Params.Set(ical.ParamRSVP, "TRUE")
		vevent.Props.Add(prop)
	}
	cal := newCalendar(method)
	cal.Children = append(cal.Children, vevent)
	return encode(cal)
}
