package templates

import (
	"strings"
	"testing"
	"time"
)

func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	newYork := mustLoad("America/New_York")
	cases := []struct {
		name string
		lang string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"WinterFR", "fr", time.Date(2027, 1, 12, 17, 0, 0, 0, time.UTC), paris, "mardi 12 janvier 2027 à 18 h 00 (heure de Paris)"},
		{"WinterEN", "en", time.Date(2027, 1, 12, 17, 0, 0, 0, time.UTC), paris, "Tuesday 12 January 2027 at 18:00 (Paris time)"},
		// Summer time starts in Paris on Sunday 28 March 2027 at 02:00:
		// the same UTC hour is an hour later on the wall clock.
		{"DayBeforeDSTFR", "fr", time.Date(2027, 3, 27, 17, 0, 0, 0, time.UTC), paris, "samedi 27 mars 2027 à 18 h 00 (heure de Paris)"},
		{"DayOfDSTFR", "fr", time.Date(2027, 3, 28, 17, 0, 0, 0, time.UTC), paris, "dimanche 28 mars 2027 à 19 h 00 (heure de Paris)"},
		{"DayOfDSTEN", "en", time.Date(2027, 3, 28, 16, 0, 0, 0, time.UTC), paris, "Sunday 28 March 2027 at 18:00 (Paris time)"},
		{"SessionAfterDSTFR", "fr", sessionStart(4), paris, "mardi 6 avril 2027 à 18 h 00 (heure de Paris)"},
		{"SessionAfterDSTEN", "en", sessionStart(4), paris, "Tuesday 6 April 2027 at 18:00 (Paris time)"},
		// Winter time is back on Sunday 31 October 2027 at 03:00.
		{"EndOfDSTFR", "fr", time.Date(2027, 10, 31, 17, 0, 0, 0, time.UTC), paris, "dimanche 31 octobre 2027 à 18 h 00 (heure de Paris)"},
		{"EndOfDSTEN", "en", time.Date(2027, 10, 30, 17, 0, 0, 0, time.UTC), paris, "Saturday 30 October 2027 at 19:00 (Paris time)"},
		// A member in another zone sees the same instant in their time;
		// the US changes on 14 March 2027, two weeks before Europe.
		{"NewYorkGapFR", "fr", time.Date(2027, 3, 16, 17, 0, 0, 0, time.UTC), newYork, "mardi 16 mars 2027 à 13 h 00 (heure de New York)"},
		{"NewYorkGapEN", "en", time.Date(2027, 3, 16, 17, 0, 0, 0, time.UTC), newYork, "Tuesday 16 March 2027 at 13:00 (New York time)"},
		{"FirstOfMonthFR", "fr", sessionStart(6), paris, "mardi 1er juin 2027 à 18 h 00 (heure de Paris)"},
		{"FirstOfMonthEN", "en", sessionStart(6), paris, "Tuesday 1 June 2027 at 18:00 (Paris time)"},
		{"MorningFR", "fr", time.Date(2027, 5, 4, 7, 5, 0, 0, time.UTC), paris, "mardi 4 mai 2027 à 9 h 05 (heure de Paris)"},
		{"UTCFR", "fr", time.Date(2027, 5, 4, 7, 5, 0, 0, time.UTC), time.UTC, "mardi 4 mai 2027 à 7 h 05 (UTC)"},
		{"UTCEN", "en", time.Date(2027, 5, 4, 7, 5, 0, 0, time.UTC), time.UTC, "Tuesday 4 May 2027 at 07:05 (UTC)"},
		{"NilLocationKeepsZone", "en", time.Date(2027, 5, 4, 18, 0, 0, 0, paris), nil, "Tuesday 4 May 2027 at 18:00 (Paris time)"},
		{"OffsetZone", "fr", time.Date(2027, 5, 4, 7, 5, 0, 0, time.UTC), mustLoad("Etc/GMT-2"), "mardi 4 mai 2027 à 9 h 05 (UTC+02:00)"},
		{"FixedZone", "en", time.Date(2027, 5, 4, 7, 5, 0, 0, time.UTC), time.FixedZone("CEST", 2*3600), "Tuesday 4 May 2027 at 09:05 (UTC+02:00)"},
		{"FrenchPlaceName", "fr", time.Date(2027, 5, 4, 16, 0, 0, 0, time.UTC), mustLoad("Europe/Brussels"), "mardi 4 mai 2027 à 18 h 00 (heure de Bruxelles)"},
		{"Elision", "fr", time.Date(2027, 5, 4, 16, 0, 0, 0, time.UTC), mustLoad("Europe/Amsterdam"), "mardi 4 mai 2027 à 18 h 00 (heure d'Amsterdam)"},
		{"Contraction", "fr", time.Date(2027, 5, 4, 16, 0, 0, 0, time.UTC), mustLoad("Africa/Cairo"), "mardi 4 mai 2027 à 19 h 00 (heure du Caire)"},
		{"Underscore", "en", time.Date(2027, 5, 4, 16, 0, 0, 0, time.UTC), mustLoad("America/Port_of_Spain"), "Tuesday 4 May 2027 at 12:00 (Port of Spain time)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The cases are written with ordinary spaces for legibility;
			// French times are written « 18 h 00 » with no-break spaces.
			tc.want = strings.ReplaceAll(tc.want, " h ", NBSP+"h"+NBSP)
			if got := FormatDateTime(tc.lang, tc.t, tc.loc); got != tc.want {
				t.Errorf("FormatDateTime = %q, want %q", got, tc.want)
			}
			date := tc.want[:strings.Index(tc.want, map[string]string{"fr": " à ", "en": " at "}[tc.lang])]
			if got := FormatDate(tc.lang, tc.t, tc.loc); got != date {
				t.Errorf("FormatDate = %q, want %q", got, date)
			}
		})
	}
}

func TestAgenda(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages() {
		// Session 4 is after the change to summer time: clock times must
		// still start at 18:00.
		items := Agenda(lang, sessionStart(4).UTC(), paris, AgendaOptions{Followup: true})
		if len(items) != 7 {
			t.Fatalf("%s: %d steps, want 7", lang, len(items))
		}
		wantMinutes := []int{15, 10, 20, 10, 30, 15, 20}
		total := 0
		for i, it := range items {
			if it.Step != i || it.Minutes != wantMinutes[i] || it.Label == "" {
				t.Errorf("%s: step %d = %+v", lang, i, it)
			}
			if i > 0 && it.Time != items[i-1].End {
				t.Errorf("%s: step %d starts at %s, previous ends at %s", lang, i, it.Time, items[i-1].End)
			}
			if strings.Contains(strings.ToLower(it.Label), "météo") {
				t.Errorf("%s: « météo » is not codev vocabulary: %q", lang, it.Label)
			}
			total += it.Minutes
		}
		if total != 120 {
			t.Errorf("%s: agenda lasts %d minutes, want 120", lang, total)
		}
		first, last := items[0].Time, items[6].End
		want := map[string][2]string{"fr": {"18\u00a0h\u00a000", "20\u00a0h\u00a000"}, "en": {"18:00", "20:00"}}[lang]
		if first != want[0] || last != want[1] {
			t.Errorf("%s: agenda runs %s–%s, want %s–%s", lang, first, last, want[0], want[1])
		}
		if !items[0].Start.Equal(sessionStart(4)) {
			t.Errorf("%s: first step starts at %v", lang, items[0].Start)
		}
	}
}
