package groupfile

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func TestParseExample(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../examples/group.yaml")
	require.NoError(t, err)
	defer f.Close()
	spec, err := Parse(f)
	require.NoError(t, err)
	require.Equal(t, "Managers Lyon", spec.Name)
	require.Len(t, spec.Members, 6)
	require.Equal(t, []int{3}, spec.Members[1].Unavailable)
	require.Len(t, spec.Sessions, 6)
	require.Equal(t, 2*time.Hour, spec.Duration)
	paris, _ := time.LoadLocation("Europe/Paris")
	for i, s := range spec.Sessions {
		local := s.In(paris)
		require.Equal(t, time.Tuesday, local.Weekday(), "session %d", i+1)
		require.True(t, local.Day() >= 8 && local.Day() <= 14, "session %d is the second Tuesday", i+1)
		require.Equal(t, 18, local.Hour(), "session %d keeps 18:00 across DST", i+1)
	}
	require.Equal(t, "2027-01-12T17:00:00Z", spec.Sessions[0].Format(time.RFC3339))
}

const base = `name: G
language: fr
timezone: Europe/Paris
visio: https://meet.example.org/g
animator: {name: Claire, email: claire@example.org}
members:
  - {name: Alice, email: alice@example.org}
  - {name: Bob, email: bob@example.org}
sessions: {first: "2027-01-12 18:00", every: month}
`

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		every string
		want  []string
	}{
		{"Month", "month", []string{"2027-01-12", "2027-02-12"}},
		{"Weeks", "4 weeks", []string{"2027-01-12", "2027-02-09"}},
		{"RRule", "FREQ=MONTHLY;BYDAY=2TU", []string{"2027-01-12", "2027-02-09"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec, err := Parse(strings.NewReader(strings.Replace(base, "every: month", "every: \""+tt.every+"\"", 1)))
			require.NoError(t, err)
			var got []string
			for _, s := range spec.Sessions {
				got = append(got, s.Format("2006-01-02"))
			}
			require.Equal(t, tt.want, got, "count defaults to the number of members")
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	seven := "members:\n" + strings.Repeat("  - {name: M, email: m@example.org}\n", 0)
	for i := range 7 {
		seven += "  - {name: M, email: m" + string(rune('a'+i)) + "@example.org}\n"
	}
	nine := seven + "  - {name: M, email: mx@example.org}\n  - {name: M, email: my@example.org}\n"
	members := "members:\n  - {name: Alice, email: alice@example.org}\n  - {name: Bob, email: bob@example.org}\n"
	tests := []struct {
		name    string
		replace [2]string
		want    string
	}{
		{"UnknownField", [2]string{"language: fr", "langue: fr"}, "field langue not found"},
		{"Language", [2]string{"language: fr", "language: de"}, "language: \"de\" is not supported"},
		{"Timezone", [2]string{"Europe/Paris", "Europe/Lyon"}, "timezone: \"Europe/Lyon\" is not an IANA time zone"},
		{"Email", [2]string{"bob@example.org", "bob@"}, "members[1].email: \"bob@\" is not an email address"},
		{"DuplicateEmail", [2]string{"bob@example.org", "alice@example.org"}, "members[1].email: alice@example.org is also members[0]"},
		{"AnimatorIsMember", [2]string{"bob@example.org", "claire@example.org"}, "is the animator's address"},
		{"TooMany", [2]string{members, seven}, "7 members is more than the 6 peers of a codev group; set max_members"},
		{"MaxMembersTooHigh", [2]string{members, "max_members: 9\n" + nine}, "max_members: 9 is out of range"},
		{"HeaderInjection", [2]string{"name: G", "name: \"G\\r\\nBcc: evil@example.org\""}, "name: contains a control character"},
		{"Visio", [2]string{"https://meet.example.org/g", "javascript:alert(1)"}, "visio: \"javascript:alert(1)\" must be an http(s) link"},
		{"Unavailable", [2]string{"{name: Bob, email: bob@example.org}", "{name: Bob, email: bob@example.org, unavailable: [5]}"}, "members[1].unavailable: session 5 does not exist"},
		{"First", [2]string{"2027-01-12 18:00", "12/01/2027"}, "sessions.first: \"12/01/2027\" is not a date and time"},
		{"RRule", [2]string{"every: month", "every: \"FREQ=SOMETIMES\""}, "sessions.every"},
		{"Syntax", [2]string{"members:", "members: ["}, "group file: "},
		{"RRuleNeverMatches", [2]string{"every: month", "every: \"FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30\""}, "sessions.every"},
		{"RRuleDaily", [2]string{"every: month", "every: \"FREQ=DAILY\""}, "FREQ must be WEEKLY or MONTHLY"},
		{"Country", [2]string{"language: fr", "language: fr\ncountry: DE"}, "country: \"DE\" is not supported; use one of FR, BE, LU, CH, CA, CA-QC"},
		{"MemberTimezone", [2]string{"{name: Bob, email: bob@example.org}", "{name: Bob, email: bob@example.org, timezone: Mars/Olympus}"}, "members[1].timezone: \"Mars/Olympus\" is not an IANA time zone"},
		{"OffsetSign", [2]string{"language: fr", "language: fr\noffsets: {digest: 2}"}, "offsets.digest: 2 must be negative: the message goes out before the session"},
		{"OffsetSignAfter", [2]string{"language: fr", "language: fr\noffsets: {summary: -2}"}, "offsets.summary: -2 must be positive"},
		{"OffsetOrder", [2]string{"language: fr", "language: fr\noffsets: {prepare_reminder: -25}"}, "offsets.prepare_reminder: -25 must come after offsets.prepare (-21)"},
		{"FollowupOrder", [2]string{"language: fr", "language: fr\noffsets: {followup_reminder: -1}"}, "offsets.digest: -2 must come after offsets.followup_reminder (-1)"},
		{"SummaryAfterWeek", [2]string{"language: fr", "language: fr\noffsets: {summary: 9}"}, "offsets.summary: 9 is out of range (1 to 6)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := strings.Replace(base, tt.replace[0], tt.replace[1], 1)
			require.NotEqual(t, base, in, "the replacement must apply")
			_, err := Parse(strings.NewReader(in))
			require.Error(t, err)
			require.True(t, workflow.IsInvalid(err), "%v", err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestParseTiming reads the fields that decide send times: the country
// (upper-cased, FR when omitted), a member's own time zone, and offsets.
func TestParseTiming(t *testing.T) {
	t.Parallel()
	spec, err := Parse(strings.NewReader(base))
	require.NoError(t, err)
	require.Empty(t, spec.Country, "omitted: the domain's default applies")

	in := strings.Replace(base, "language: fr", "language: fr\ncountry: ca-qc\noffsets: {followup: -8, followup_reminder: -4}", 1)
	in = strings.Replace(in, "{name: Bob, email: bob@example.org}", "{name: Bob, email: bob@example.org, timezone: America/Montreal}", 1)
	spec, err = Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, "CA-QC", spec.Country)
	require.Equal(t, "America/Montreal", spec.Members[1].Timezone)
	require.Empty(t, spec.Members[0].Timezone)
	require.Equal(t, workflow.Days(-8), spec.Offsets.Followup)
	require.Equal(t, workflow.Days(-4), spec.Offsets.FollowupReminder)
}

func TestParseOversize(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader(base + "# " + strings.Repeat("x", MaxSize)))
	require.ErrorContains(t, err, "larger than")
}
