package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFeedValidation(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		info      FeedInfo
		edit      func(events []Event)
		zeroStamp bool
		wantErr   string
	}{
		{name: "NoName", info: FeedInfo{}, wantErr: "feed has no name"},
		{name: "LFInName", info: FeedInfo{Name: "Codev\nX-INJECTED:1"}, wantErr: "feed name contains control character"},
		{name: "NegativeRefresh", info: FeedInfo{Name: "x", Refresh: -time.Hour}, wantErr: "not a positive whole number of seconds"},
		{name: "SubSecondRefresh", info: FeedInfo{Name: "x", Refresh: 1500 * time.Millisecond}, wantErr: "not a positive whole number of seconds"},
		{name: "ZeroStamp", info: testFeedInfo, zeroStamp: true, wantErr: "DTSTAMP time is zero"},
		{name: "DuplicateUID", info: testFeedInfo, edit: func(evs []Event) { evs[2].UID = evs[0].UID }, wantErr: "appears twice in the feed"},
		{name: "EventEndBeforeStart", info: testFeedInfo, edit: func(evs []Event) { evs[1].End = evs[1].Start }, wantErr: "is not after start"},
		{name: "EventLFInSummary", info: testFeedInfo, edit: func(evs []Event) { evs[2].Summary += "\n" }, wantErr: "summary contains control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			events := testFeedEvents()
			if tt.edit != nil {
				tt.edit(events)
			}
			stamp := testStamp
			if tt.zeroStamp {
				stamp = time.Time{}
			}
			out, err := Feed(tt.info, events, stamp)
			require.Nil(t, out)
			requireInvalid(t, err, tt.wantErr)
		})
	}
}

func TestFeedIgnoresParticipants(t *testing.T) {
	t.Parallel()

	// Callers may pass the same Events as for invitations.
	out, err := Feed(testFeedInfo, []Event{testRescheduled()}, testStamp)
	require.NoError(t, err)
	require.NotContains(t, string(out), "ORGANIZER")
	require.NotContains(t, string(out), "ATTENDEE")
	require.NotContains(t, string(out), "METHOD")
	require.NotContains(t, string(out), "mailto:")
}

func TestFeedRefresh(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		refresh time.Duration
		want    string
	}{
		{name: "Default", refresh: 0, want: "PT1H"},
		{name: "Minutes", refresh: 30 * time.Minute, want: "PT30M"},
		{name: "HoursMinutes", refresh: 90 * time.Minute, want: "PT1H30M"},
		{name: "HoursSeconds", refresh: time.Hour + 5*time.Second, want: "PT1H0M5S"},
		{name: "Seconds", refresh: 45 * time.Second, want: "PT45S"},
		{name: "Day", refresh: 24 * time.Hour, want: "P1D"},
		{name: "DayHours", refresh: 26 * time.Hour, want: "P1DT2H"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			out, err := Feed(FeedInfo{Name: "Codev", Refresh: tt.refresh}, nil, testStamp)
			require.NoError(t, err)
			require.Contains(t, string(out), "\r\nREFRESH-INTERVAL;VALUE=DURATION:"+tt.want+"\r\n")
			require.Contains(t, string(out), "\r\nX-PUBLISHED-TTL:"+tt.want+"\r\n")
		})
	}
}

func TestFeedNameEscaped(t *testing.T) {
	t.Parallel()

	name := "Codev; Lyon, managers \\ " + strings.Repeat("é", 40)
	escaped := `Codev\; Lyon\, managers \\ ` + strings.Repeat("é", 40)
	tests := []struct {
		name   string
		events []Event
	}{
		{name: "WithEvents", events: testFeedEvents()},
		{name: "Empty", events: nil}, // written without go-ical's encoder
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			out, err := Feed(FeedInfo{Name: name}, tt.events, testStamp)
			require.NoError(t, err)
			unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
			require.Contains(t, unfolded, "\r\nNAME:"+escaped+"\r\n")
			require.Contains(t, unfolded, "\r\nX-WR-CALNAME:"+escaped+"\r\n")
			requireFolded(t, unfolded, string(out))
		})
	}
}
