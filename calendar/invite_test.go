package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestInviteValidation(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		request bool // else Cancel, with Sequence raised to 2 before edit
		edit    func(ev *Event)
		wantErr string
	}{
		{name: "EmptyUID", request: true, edit: func(ev *Event) { ev.UID = "" }, wantErr: "empty UID"},
		{name: "NegativeSequence", request: true, edit: func(ev *Event) { ev.Sequence = -1 }, wantErr: "negative SEQUENCE"},
		{name: "ZeroStart", request: true, edit: func(ev *Event) { ev.Start = time.Time{} }, wantErr: "start or end time is missing"},
		{name: "ZeroEnd", request: true, edit: func(ev *Event) { ev.End = time.Time{} }, wantErr: "start or end time is missing"},
		{name: "EndEqualsStart", request: true, edit: func(ev *Event) { ev.End = ev.Start }, wantErr: "is not after start"},
		{name: "EndBeforeStart", request: true, edit: func(ev *Event) { ev.End = ev.Start.Add(-1) }, wantErr: "is not after start"},
		{name: "EndSubSecondAfterStart", request: true, edit: func(ev *Event) { ev.End = ev.Start.Add(time.Millisecond) }, wantErr: "is not after start"},
		{name: "EmptySummary", request: true, edit: func(ev *Event) { ev.Summary = "" }, wantErr: "empty summary"},
		{name: "LFInSummary", request: true, edit: func(ev *Event) { ev.Summary += "\nATTENDEE:mailto:x@example.org" }, wantErr: "summary contains control character U+000A"},
		{name: "CRInDescription", request: true, edit: func(ev *Event) { ev.Description += "\r" }, wantErr: "description contains control character U+000D"},
		{name: "CRLFInLocation", request: true, edit: func(ev *Event) { ev.Location += "\r\n" }, wantErr: "location contains control character"},
		{name: "LFInUID", request: true, edit: func(ev *Event) { ev.UID += "\n" }, wantErr: "contains control character U+000A"},
		{name: "NULInURL", request: true, edit: func(ev *Event) { ev.URL += "\x00" }, wantErr: "URL contains control character"},
		{name: "InvalidUTF8", request: true, edit: func(ev *Event) { ev.Summary = "s\xe9ance" }, wantErr: "summary is not valid UTF-8"},
		{name: "RelativeURL", request: true, edit: func(ev *Event) { ev.URL = "/visio/42" }, wantErr: "not an absolute URL"},
		{name: "NoOrganizer", request: true, edit: func(ev *Event) { ev.Organizer = Person{} }, wantErr: "no organizer"},
		{name: "OrganizerNameAddr", request: true, edit: func(ev *Event) { ev.Organizer.Email = "Codev <codev@example.org>" }, wantErr: "not a bare address"},
		{name: "OrganizerNotAnAddress", request: true, edit: func(ev *Event) { ev.Organizer.Email = "codev" }, wantErr: "organizer email is not a bare address"},
		{name: "LFInOrganizerName", request: true, edit: func(ev *Event) { ev.Organizer.Name = "Codev\nLyon" }, wantErr: "organizer name contains control character"},
		{name: "NoAttendees", request: true, edit: func(ev *Event) { ev.Attendees = nil }, wantErr: "no attendees"},
		{name: "AttendeeWithoutEmail", request: true, edit: func(ev *Event) { ev.Attendees[0].Email = "" }, wantErr: "attendee 1 has no email address"},
		{name: "AttendeeMailtoURI", request: true, edit: func(ev *Event) { ev.Attendees[0].Email = "mailto:a@example.org" }, wantErr: "attendee 1 email is not a bare address"},
		{name: "CRInAttendeeName", request: true, edit: func(ev *Event) { ev.Attendees[0].Name = "Hélène\r" }, wantErr: "attendee 1 name contains control character U+000D"},
		{name: "OrganizerInvited", request: true, edit: func(ev *Event) {
			ev.Attendees = append(ev.Attendees, Person{Email: strings.ToUpper(ev.Organizer.Email)})
		}, wantErr: "attendee 2 is the organizer"},
		{name: "DuplicateAttendee", request: true, edit: func(ev *Event) { ev.Attendees = append(ev.Attendees, Person{Email: "Helene.Dubois@example.com"}) }, wantErr: "attendee 2 has the address of an earlier attendee"},
		{name: "RequestCancelled", request: true, edit: func(ev *Event) { ev.Cancelled = true }, wantErr: "sent with Cancel"},
		{name: "CancelSequenceZero", edit: func(ev *Event) { ev.Sequence = 0 }, wantErr: "needs a raised SEQUENCE"},
		{name: "CancelNoOrganizer", edit: func(ev *Event) { ev.Organizer.Email = "" }, wantErr: "no organizer"},
		{name: "CancelEndBeforeStart", edit: func(ev *Event) { ev.Start, ev.End = ev.End, ev.Start }, wantErr: "is not after start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ev := testSession()
			if !tt.request {
				ev.Sequence = 2
			}
			tt.edit(&ev)
			var (
				out []byte
				err error
			)
			if tt.request {
				out, err = Request(ev, testStamp)
			} else {
				out, err = Cancel(ev, testStamp)
			}
			require.Nil(t, out)
			requireInvalid(t, err, tt.wantErr)
		})
	}
}

func TestInviteZeroStamp(t *testing.T) {
	t.Parallel()

	_, err := Request(testSession(), time.Time{})
	requireInvalid(t, err, "DTSTAMP time is zero")
}

func TestCancelAlwaysCancelled(t *testing.T) {
	t.Parallel()

	// Removing one member from a session that still takes place: the event
	// is not marked cancelled, the message still is.
	ev := testSession()
	ev.Sequence = 1
	out, err := Cancel(ev, testStamp)
	require.NoError(t, err)
	require.Contains(t, string(out), "\r\nMETHOD:CANCEL\r\n")
	require.Contains(t, string(out), "\r\nSTATUS:CANCELLED\r\n")
}

func TestInviteCommonName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		cn   string
		want string // the ATTENDEE line up to the mailto: value, unfolded
	}{
		{name: "Plain", cn: "Zoé Martin", want: "ATTENDEE;CN=Zoé Martin;CUTYPE="},
		{name: "QuotesRemoved", cn: `Zoé "Zo" Martin`, want: "ATTENDEE;CN=Zoé Zo Martin;CUTYPE="},
		{name: "CommaQuoted", cn: "Martin, Zoé", want: `ATTENDEE;CN="Martin, Zoé";CUTYPE=`},
		{name: "ColonQuoted", cn: "Zoé: RH", want: `ATTENDEE;CN="Zoé: RH";CUTYPE=`},
		{name: "OnlyQuotes", cn: `""`, want: "ATTENDEE;CUTYPE="},
		{name: "Empty", cn: "", want: "ATTENDEE;CUTYPE="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			ev := testSession()
			ev.Attendees = []Person{{Name: tt.cn, Email: "zoe@example.net"}}
			out, err := Request(ev, testStamp)
			require.NoError(t, err)
			require.Contains(t, strings.ReplaceAll(string(out), "\r\n ", ""), "\r\n"+tt.want)
		})
	}
}

// requireInvalid checks that err is a validation error with the package
// prefix and a message containing want.
func requireInvalid(t *testing.T, err error, want string) {
	t.Helper()

	require.Error(t, err)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.True(t, strings.HasPrefix(err.Error(), "calendar: "), err.Error())
	require.Contains(t, err.Error(), want)
}
