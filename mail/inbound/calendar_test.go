package inbound

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRSVP(t *testing.T) {
	t.Parallel()

	wrap := func(props ...string) string {
		return "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n" + strings.Join(props, "\r\n") +
			"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	const uid = "UID:session-1@example.org"

	tests := []struct {
		name     string
		ics      string
		attendee string
		partstat string
		err      error
	}{
		{name: "Thunderbird", ics: wrap(uid, "ORGANIZER:mailto:codev@example.org",
			"ATTENDEE;PARTSTAT=DECLINED;CN=Paul:mailto:paul@example.org"),
			attendee: "paul@example.org", partstat: "DECLINED"},
		{name: "FoldedLine", ics: wrap(uid, "ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;CN=Marie\r\n  Dupont:mailto:ma\r\n rie@example.org"),
			attendee: "marie@example.org", partstat: "ACCEPTED"},
		{name: "QuotedParamWithColonAndSemicolon", ics: wrap(uid, `ATTENDEE;CN="Dupont; Marie: RH";PARTSTAT=tentative:MAILTO:Marie@Example.org`),
			attendee: "marie@example.org", partstat: "TENTATIVE"},
		{name: "BareQuoteInParameter", ics: wrap(uid, `ATTENDEE;CN="O"Brien;PARTSTAT=ACCEPTED:mailto:ob@example.org`),
			attendee: "ob@example.org", partstat: "ACCEPTED"},
		{name: "LowercaseNames", ics: "begin:vcalendar\nmethod:reply\nbegin:vevent\nuid:session-1@example.org\nattendee;partstat=accepted:mailto:a@example.org\nend:vevent\nend:vcalendar\n",
			attendee: "a@example.org", partstat: "ACCEPTED"},
		{name: "AnsweringAttendeePreferred", ics: wrap(uid, "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:x@example.org",
			"ATTENDEE;PARTSTAT=ACCEPTED:mailto:y@example.org"), attendee: "y@example.org", partstat: "ACCEPTED"},
		{name: "AlarmAttendeeIgnored", ics: wrap(uid, "BEGIN:VALARM", "ATTENDEE:mailto:alarm@example.org", "END:VALARM",
			"ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.org"), attendee: "a@example.org", partstat: "ACCEPTED"},
		{name: "NoUID", ics: wrap("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.org"), attendee: "a@example.org", partstat: "ACCEPTED", err: ErrNoUID},
		{name: "NoAttendee", ics: wrap(uid), err: ErrNoAttendee},
		{name: "NoEvent", ics: "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", err: ErrNoEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := ParseRSVP(tt.ics)
			require.ErrorIs(t, err, tt.err)
			require.NotNil(t, r)
			require.Equal(t, tt.attendee, r.Attendee)
			require.Equal(t, tt.partstat, r.PartStat)
		})
	}

	t.Run("TimesNeverResolved", func(t *testing.T) {
		t.Parallel()
		r, err := ParseRSVP(wrap(uid, "SEQUENCE:7", "DTSTAMP;TZID=Customized Time Zone:20260312T170000",
			"DTSTART;TZID=Romance Standard Time:20260312T180000", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.org"))
		require.NoError(t, err)
		require.Equal(t, "REPLY", r.Method)
		require.Equal(t, 7, r.Sequence)
		require.Equal(t, time.Date(2026, 3, 12, 17, 0, 0, 0, time.UTC), r.DTStamp)
	})
}
