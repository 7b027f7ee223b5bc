package calendar

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Fixed inputs: the goldens depend on nothing but these.
var (
	cet  = time.FixedZone("CET", 1*60*60)
	cest = time.FixedZone("CEST", 2*60*60)

	testStamp = time.Date(2026, 2, 20, 9, 30, 0, 0, time.UTC)

	testOrganizer = Person{Name: "Codev Managers Lyon", Email: "codev+s-k7xq2m4vb3@example.org"}
	testHelene    = Person{Name: `Hélène "Léna" Dubois-Côté`, Email: "helene.dubois@example.com"}
	testZoe       = Person{Name: "Martin, Zoé", Email: "zoe.martin@example.net"}
)

const testLink = "https://visio.example.org/codev-managers-lyon-4b1d9f00"

// testSession returns session 2 of 6 as first invited: French accents, a
// description long enough to be folded, one attendee (the default).
func testSession() Event {
	return Event{
		UID:      "session-7f3a9c2e-4b1d-4e8a-9f00-2b6c1d0e5a41@example.org",
		Sequence: 0,
		Start:    time.Date(2026, 3, 12, 18, 0, 0, 0, cet),
		End:      time.Date(2026, 3, 12, 20, 0, 0, 0, cet),
		Summary:  "Codev Managers Lyon – séance 2/6",
		Description: "Codev Managers Lyon, séance 2/6 : jeudi 12 mars 2026, 18 h 00 – 20 h 00 " +
			"(heure de Paris). Visioconférence : " + testLink,
		Location:  testLink,
		URL:       testLink,
		Organizer: testOrganizer,
		Attendees: []Person{testHelene},
		Created:   time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC),
	}
}

// testRescheduled is testSession moved by a week after a vote, sent to two
// members at once (the "list everyone" group setting).
func testRescheduled() Event {
	ev := testSession()
	ev.Sequence = 1
	ev.Start = time.Date(2026, 3, 19, 18, 30, 0, 0, cet)
	ev.End = time.Date(2026, 3, 19, 20, 30, 0, 0, cet)
	ev.Description = "Codev Managers Lyon, séance 2/6 : jeudi 19 mars 2026, 18 h 30 – 20 h 30 " +
		"(heure de Paris). Visioconférence : " + testLink
	ev.Attendees = []Person{testHelene, testZoe}
	ev.Modified = time.Date(2026, 2, 25, 16, 45, 0, 0, time.UTC)
	return ev
}

// testCancelled is the rescheduled session, cancelled.
func testCancelled() Event {
	ev := testRescheduled()
	ev.Sequence = 2
	ev.Cancelled = true
	ev.Attendees = []Person{testHelene}
	ev.Modified = time.Date(2026, 3, 2, 7, 15, 0, 0, time.UTC)
	return ev
}

// testFeedEvents returns a past session, the rescheduled one and a cancelled
// one whose summary carries the caller's prefix.
func testFeedEvents() []Event {
	first := testSession()
	first.UID = "session-0c1d2e3f-aaaa-4bbb-8ccc-123456789abc@example.org"
	first.Summary = "Codev Managers Lyon – séance 1/6"
	first.Start = time.Date(2026, 2, 12, 18, 0, 0, 0, cet)
	first.End = time.Date(2026, 2, 12, 20, 0, 0, 0, cet)
	first.Description = "Codev Managers Lyon, séance 1/6 : jeudi 12 février 2026, 18 h 00 – 20 h 00 " +
		"(heure de Paris). Visioconférence : " + testLink

	third := testSession()
	third.UID = "session-9e8d7c6b-5a49-4382-b716-a5b4c3d2e1f0@example.org"
	third.Sequence = 1
	third.Cancelled = true
	third.Summary = "Annulé : Codev Managers Lyon – séance 3/6"
	third.Start = time.Date(2026, 4, 9, 18, 0, 0, 0, cest)
	third.End = time.Date(2026, 4, 9, 20, 0, 0, 0, cest)
	third.Description = "Codev Managers Lyon, séance 3/6 : jeudi 9 avril 2026, 18 h 00 – 20 h 00 " +
		"(heure de Paris). Séance annulée."
	third.Location = ""
	third.URL = ""
	return []Event{first, testRescheduled(), third}
}

var testFeedInfo = FeedInfo{Name: "Codev Managers Lyon"}

// goldenCase is one output compared byte for byte with testdata/<name>.ics.
type goldenCase struct {
	name   string
	method string // "" for feeds
	events []Event
	stamp  time.Time
	build  func() ([]byte, error)
}

func goldenCases() []goldenCase {
	rescheduledStamp := time.Date(2026, 2, 25, 16, 45, 12, 0, time.UTC)
	cancelStamp := time.Date(2026, 3, 2, 7, 15, 3, 0, time.UTC)
	return []goldenCase{
		{
			name: "request", method: "REQUEST", events: []Event{testSession()}, stamp: testStamp,
			build: func() ([]byte, error) { return Request(testSession(), testStamp) },
		},
		{
			name: "request_rescheduled", method: "REQUEST", events: []Event{testRescheduled()}, stamp: rescheduledStamp,
			build: func() ([]byte, error) { return Request(testRescheduled(), rescheduledStamp) },
		},
		{
			name: "cancel", method: "CANCEL", events: []Event{testCancelled()}, stamp: cancelStamp,
			build: func() ([]byte, error) { return Cancel(testCancelled(), cancelStamp) },
		},
		{
			name: "feed", events: testFeedEvents(), stamp: testStamp,
			build: func() ([]byte, error) { return Feed(testFeedInfo, testFeedEvents(), testStamp) },
		},
		{
			name: "feed_empty", stamp: testStamp,
			build: func() ([]byte, error) { return Feed(testFeedInfo, nil, testStamp) },
		},
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()

	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			got, err := tc.build()
			require.NoError(t, err)
			path := filepath.Join("testdata", tc.name+".ics")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))

			requireFolded(t, strings.ReplaceAll(string(got), "\r\n ", ""), string(got))
			require.True(t, bytes.HasSuffix(got, []byte("END:VCALENDAR\r\n")))
			require.NotContains(t, strings.ReplaceAll(string(got), "\r\n", ""), "\n", "bare LF")
		})
	}
}

// TestRoundTrip decodes every output with go-ical's decoder, which unfolds
// and unescapes, and checks that it says what the inputs said.
func TestRoundTrip(t *testing.T) {
	t.Parallel()

	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			out, err := tc.build()
			require.NoError(t, err)
			cal, err := ical.NewDecoder(bytes.NewReader(out)).Decode()
			require.NoError(t, err)

			requireText(t, productID, cal.Props, ical.PropProductID)
			requireText(t, "2.0", cal.Props, ical.PropVersion)
			requireText(t, tc.method, cal.Props, ical.PropMethod)
			if tc.method == "" {
				requireFeedProps(t, cal)
			}

			events := cal.Events()
			require.Len(t, events, len(tc.events))
			for i, want := range tc.events {
				requireEvent(t, tc.method, want, tc.stamp, events[i])
			}
		})
	}
}

func requireFeedProps(t *testing.T, cal *ical.Calendar) {
	t.Helper()

	requireText(t, testFeedInfo.Name, cal.Props, ical.PropName)
	requireText(t, testFeedInfo.Name, cal.Props, "X-WR-CALNAME")
	require.Empty(t, cal.Props.Get("X-WR-CALNAME").Params, "no VALUE=TEXT")

	refresh := cal.Props.Get(ical.PropRefreshInterval)
	require.NotNil(t, refresh)
	require.Equal(t, "DURATION", refresh.Params.Get(ical.ParamValue))
	require.Equal(t, "PT1H", refresh.Value)
	d, err := refresh.Duration()
	require.NoError(t, err)
	require.Equal(t, time.Hour, d)
	require.Equal(t, "PT1H", cal.Props.Get("X-PUBLISHED-TTL").Value)
}

func requireEvent(t *testing.T, method string, want Event, stamp time.Time, got ical.Event) {
	t.Helper()

	requireText(t, want.UID, got.Props, ical.PropUID)
	seq, err := got.Props.Get(ical.PropSequence).Int()
	require.NoError(t, err)
	require.Equal(t, want.Sequence, seq)

	for name, wantTime := range map[string]time.Time{
		ical.PropDateTimeStamp: stamp,
		ical.PropDateTimeStart: want.Start,
		ical.PropDateTimeEnd:   want.End,
	} {
		prop := got.Props.Get(name)
		require.NotNil(t, prop, name)
		require.True(t, strings.HasSuffix(prop.Value, "Z"), "%s in UTC: %s", name, prop.Value)
		require.Empty(t, prop.Params.Get(ical.ParamTimezoneID))
		gotTime, err := prop.DateTime(nil)
		require.NoError(t, err)
		require.True(t, wantTime.Equal(gotTime), "%s: want %s, got %s", name, wantTime, gotTime)
	}

	requireText(t, want.Summary, got.Props, ical.PropSummary)
	requireText(t, want.Description, got.Props, ical.PropDescription)
	requireText(t, want.Location, got.Props, ical.PropLocation)
	if want.URL != "" {
		u, err := got.Props.URI(ical.PropURL)
		require.NoError(t, err)
		require.Equal(t, want.URL, u.String())
	}

	status, err := got.Status()
	require.NoError(t, err)
	wantStatus := ical.EventConfirmed
	if want.Cancelled || method == "CANCEL" {
		wantStatus = ical.EventCancelled
	}
	require.Equal(t, wantStatus, status)

	if method == "" {
		require.Nil(t, got.Props.Get(ical.PropOrganizer), "feeds carry no ORGANIZER")
		require.Empty(t, got.Props.Values(ical.PropAttendee), "feeds carry no ATTENDEE")
		return
	}
	requirePerson(t, want.Organizer, got.Props.Get(ical.PropOrganizer))
	attendees := got.Props.Values(ical.PropAttendee)
	require.Len(t, attendees, len(want.Attendees))
	for i, a := range attendees {
		requirePerson(t, want.Attendees[i], &a)
		require.Equal(t, "INDIVIDUAL", a.Params.Get(ical.ParamCalendarUserType))
		require.Equal(t, "REQ-PARTICIPANT", a.Params.Get(ical.ParamRole))
		require.Equal(t, "NEEDS-ACTION", a.Params.Get(ical.ParamParticipationStatus))
		require.Equal(t, "TRUE", a.Params.Get(ical.ParamRSVP))
	}
}

func requirePerson(t *testing.T, want Person, got *ical.Prop) {
	t.Helper()

	require.NotNil(t, got)
	require.Equal(t, "mailto:"+want.Email, got.Value)
	require.Equal(t, strings.ReplaceAll(want.Name, `"`, ""), got.Params.Get(ical.ParamCommonName))
}

func requireText(t *testing.T, want string, props ical.Props, name string) {
	t.Helper()

	got, err := props.Text(name)
	require.NoError(t, err, name)
	require.Equal(t, want, got, name)
}

func BenchmarkRequest(b *testing.B) {
	ev := testSession()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Request(ev, testStamp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFeed(b *testing.B) {
	// A year of monthly sessions: about what a feed holds (1–3 past months
	// and all future sessions).
	events := make([]Event, 12)
	for i := range events {
		ev := testSession()
		ev.UID = "session-" + strings.Repeat(string(rune('a'+i)), 8) + "@example.org"
		ev.Start = ev.Start.AddDate(0, i, 0)
		ev.End = ev.End.AddDate(0, i, 0)
		events[i] = ev
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Feed(testFeedInfo, events, testStamp); err != nil {
			b.Fatal(err)
		}
	}
}
