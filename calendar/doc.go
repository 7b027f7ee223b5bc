// Package calendar builds the iCalendar objects codev sends and publishes:
// iMIP invitations (METHOD:REQUEST), cancellations (METHOD:CANCEL) and
// subscription feeds. It sits on github.com/emersion/go-ical and fills the gaps
// listed in INTEROP.md §1.6 (line folding, VALUE=DURATION, quotes in CN).
//
// The package imports no other codev package: callers convert their domain
// types to [Event] and [Person], so the iCalendar rules stay in one place and
// can be tested byte for byte against golden files.
//
// # Rules the encoders enforce
//
//   - One VEVENT per session and no RRULE; the caller keeps the UID stable and
//     raises SEQUENCE on every change that matters (INTEROP.md §1.1 rules 1–3).
//   - Times are written in UTC: a TZID without VTIMEZONE shifts events in
//     Outlook, and old Outlook failed on CANCELs with TZIDs (rule 4).
//   - ORGANIZER and ATTENDEE values are bare mailto: URIs, and the organizer is
//     never invited (rules 5 and 6).
//   - Feeds carry no METHOD, ORGANIZER or ATTENDEE (INTEROP.md §1.4).
//   - Lines are folded at 75 octets on UTF-8 boundaries ([FoldWriter]).
//
// # Privacy
//
// DOMAIN.md §3 rule 3: SUMMARY, DESCRIPTION and LOCATION carry the group name,
// the session number, the date and the video link only, never what members
// wrote. Work calendars are visible to assistants and delegates. The package
// cannot check meaning, so callers must build these fields from those four
// values alone.
//
// # Validation
//
// Every encoder validates its input before writing anything and returns an
// error wrapping [ErrInvalidInput] for data a client would misread: an empty
// UID, an end not after the start, a missing organizer, an attendee without an
// address, a control character (CR, LF…) in any field. Errors carry the
// "calendar: " prefix.
package calendar
