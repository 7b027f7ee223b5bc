package workflow

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// everyDay is a calendar without weekends or holidays.
type everyDay struct{}

func (everyDay) IsWorkingDay(string, time.Time) bool { return true }

// frenchDays is a unit double of package holidays: weekends, and a few
// French public holidays of 2027 (Lundi de Pâques, Fête nationale,
// Assomption is a Sunday, Toussaint, Armistice, Noël is a Saturday) and
// New Year's Day 2028.
type frenchDays struct{}

var frenchHolidays = map[string]bool{
	"2027-03-29": true, "2027-07-14": true, "2027-11-01": true, "2027-11-11": true, "2028-01-01": true,
}

func (frenchDays) IsWorkingDay(country string, d time.Time) bool {
	if country != "FR" {
		panic("frenchDays asked about " + country)
	}
	return WeekendsOnly{}.IsWorkingDay(country, d) && !frenchHolidays[d.Format("2006-01-02")]
}

var (
	timingParis    = mustZone("Europe/Paris")
	timingMontreal = mustZone("America/Montreal")
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// paris reads "2006-01-02 15:04" in Paris.
func paris(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, timingParis)
	if err != nil {
		panic(err)
	}
	return t
}

func TestFitSendTime(t *testing.T) {
	t.Parallel()
	r := sendTimes{days: frenchDays{}, country: "FR"}
	var none time.Time
	tests := []struct {
		name       string
		due        string // in Paris
		lo, hi     string // in Paris; "" for none
		loc        *time.Location
		want       string // in loc
		wantUTCDay string // optional: the UTC time, to show a DST change
	}{
		{name: "WorkingDay", due: "2027-07-13 18:00", want: "2027-07-13 18:00"},
		{name: "Saturday", due: "2027-07-17 18:00", want: "2027-07-16 18:00"},
		{name: "Sunday", due: "2027-07-18 18:00", want: "2027-07-16 18:00"},
		{name: "Holiday", due: "2027-07-14 18:00", want: "2027-07-13 18:00"},
		{name: "HolidayMondayAfterWeekend", due: "2027-03-29 18:00", want: "2027-03-26 18:00"},
		{name: "SevenInTheMorning", due: "2027-07-13 07:00", want: "2027-07-13 08:00"},
		{name: "NineInTheEvening", due: "2027-07-13 21:00", want: "2027-07-13 20:00"},
		{name: "EightAndTwentyAreInside", due: "2027-07-13 20:00", want: "2027-07-13 20:00"},
		{name: "SaturdayNight", due: "2027-07-17 23:30", want: "2027-07-16 20:00"},
		{name: "SundayDawn", due: "2027-07-18 05:00", want: "2027-07-16 08:00"},
		// 28 March 2027 is the day Paris moves to summer time: 18:00 stays
		// 18:00, and the UTC hour changes.
		{name: "DSTChange", due: "2027-03-28 18:00", want: "2027-03-26 18:00", wantUTCDay: "2027-03-26 17:00"},
		{name: "AcrossMonthEnd", due: "2027-08-01 18:00", want: "2027-07-30 18:00"},
		{name: "AcrossYearEnd", due: "2028-01-01 18:00", want: "2027-12-31 18:00"},
		{name: "HolidayMondayBackToFriday", due: "2027-11-01 09:00", want: "2027-10-29 09:00"},
		// A floor (an earlier step): the latest daytime moment between it
		// and the due time, else the next one after.
		{name: "FloorKeepsLatestBefore", due: "2027-07-17 18:00", lo: "2027-07-16 19:00", want: "2027-07-16 20:00"},
		{name: "FloorPushesToMonday", due: "2027-07-17 18:00", lo: "2027-07-16 20:30", want: "2027-07-19 08:00"},
		{name: "FloorAfterSessionEvening", due: "2027-07-13 21:00", lo: "2027-07-13 21:00", want: "2027-07-15 08:00"},
		// A ceiling (the session's start): never at or after it.
		{name: "CeilingBeforeMorning", due: "2027-07-13 07:00", hi: "2027-07-13 07:30", want: "2027-07-12 20:00"},
		{name: "NoDaytimeSlotKeepsDue", due: "2027-07-17 12:00", lo: "2027-07-17 10:00", hi: "2027-07-18 10:00", want: "2027-07-17 12:00"},
		// The recipient's zone: 21:00 in Paris is 15:00 in Montréal, and
		// 09:00 in Paris is 03:00 there.
		{name: "RecipientZoneEvening", due: "2027-07-13 21:00", loc: timingMontreal, want: "2027-07-13 15:00"},
		{name: "RecipientZoneNight", due: "2027-07-13 09:00", loc: timingMontreal, want: "2027-07-13 08:00"},
		{name: "RecipientZoneDay", due: "2027-07-17 02:00", loc: timingMontreal, want: "2027-07-16 20:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := tt.loc
			if loc == nil {
				loc = timingParis
			}
			lo, hi := none, none
			if tt.lo != "" {
				lo = paris(tt.lo)
			}
			if tt.hi != "" {
				hi = paris(tt.hi)
			}
			got := r.fit(paris(tt.due), lo, hi, loc)
			require.Equal(t, tt.want, got.In(loc).Format("2006-01-02 15:04"))
			if tt.wantUTCDay != "" {
				require.Equal(t, tt.wantUTCDay, got.UTC().Format("2006-01-02 15:04"))
			}
		})
	}
}

func TestOffsetsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Offsets
		want []string // substrings, one per problem
	}{
		{"Defaults", Offsets{}, nil},
		{"FollowupAndReminderMoved", Offsets{Followup: -10, FollowupReminder: -6}, nil},
		{"PositiveBefore", Offsets{Digest: 2}, []string{"offsets.digest: 2 must be negative"}},
		{"NegativeAfter", Offsets{Summary: -2, Review: -7}, []string{"offsets.summary: -2 must be positive", "offsets.review: -7 must be positive"}},
		{"ReminderBeforeAsk", Offsets{PrepareReminder: -25}, []string{"offsets.prepare_reminder: -25 must come after offsets.prepare (-21)"}},
		{"ReminderAfterDigest", Offsets{PrepareReminder: -1}, []string{"offsets.digest: -2 must come after offsets.prepare_reminder (-1)"}},
		{"FollowupReminderOrder", Offsets{Followup: -4, FollowupReminder: -5}, []string{"offsets.followup_reminder: -5 must come after offsets.followup (-4)"}},
		{"TopicsTooLate", Offsets{CallForTopics: -5}, []string{"offsets.call_for_topics: -5 is too late"}},
		{"DigestAfterReminder", Offsets{Digest: -1, SessionReminder: -2}, []string{"offsets.session_reminder: -2 must not come before offsets.digest (-1)"}},
		{"SummaryAfterWeek", Offsets{Summary: 7}, []string{"offsets.summary: 7 is out of range (1 to 6)"}},
		{"TooEarly", Offsets{Prepare: -120}, []string{"offsets.prepare: -120 is more than 90 days before"}},
		{"Retention", Offsets{RetentionMonths: 40}, []string{"offsets.retention_months: 40 is out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.o.Validate()
			require.Len(t, got, len(tt.want), "%q", got)
			for i, w := range tt.want {
				require.Contains(t, got[i], w)
			}
		})
	}
}

// TestSpecRefusesOffsets: the group spec refuses a wrong sign with the
// field named, as the group file and the web's form do.
func TestSpecRefusesOffsets(t *testing.T) {
	t.Parallel()
	spec := timingSpec([]string{"2027-08-04 18:00"})
	spec.Offsets.Followup = 3
	err := spec.Validate()
	require.True(t, IsInvalid(err), "%v", err)
	require.ErrorContains(t, err, "offsets.followup: 3 must be negative")
	spec.Offsets.Followup = 0
	spec.Country = "DE"
	require.ErrorContains(t, spec.Validate(), `country: "DE" is not supported`)
}

// timingSpec is a French group of three peers, sessions at the given Paris
// times.
func timingSpec(sessions []string) *GroupSpec {
	s := &GroupSpec{
		Name: "Managers Lyon", Language: LangFR, Timezone: "Europe/Paris", Visio: "https://meet.example.org/g",
		Animator: Person{Name: "Claire Martin", Email: "claire@example.org"},
		Members: []MemberSpec{
			{Name: "Alice Dupont", Email: "alice@example.org"},
			{Name: "Bob Martin", Email: "bob@example.org"},
			{Name: "Chloé Bernard", Email: "chloe@example.org"},
		},
	}
	for _, d := range sessions {
		s.Sessions = append(s.Sessions, paris(d).UTC())
	}
	return s
}

type timingGen struct{ n int }

func (g *timingGen) UID() string   { g.n++; return fmt.Sprintf("uid-%d@example.org", g.n) }
func (g *timingGen) Token() string { g.n++; return fmt.Sprintf("token%020d", g.n) }

// playCycle applies spec at created and walks the whole timeline as the
// reconciler and the send jobs would if nobody replied: every message is
// sent the moment it is due. It returns the state with every message.
func playCycle(t *testing.T, spec *GroupSpec, created time.Time, days WorkingDays) *State {
	t.Helper()
	st := applyInMemory(t, spec, created, &timingGen{})
	st.WorkingDays = days
	var id int64
	for now, steps := created, 0; !now.IsZero(); now, steps = Next(st, now), steps+1 {
		require.Less(t, steps, 2000, "the timeline must end")
		for _, m := range Due(st, now) {
			id++
			m.ID = id
			if m.Status == MessagePending {
				m.Status, m.SentAt = MessageSent, now
			}
			st.Messages = append(st.Messages, m)
		}
	}
	return st
}

// eventDriven kinds go out when the change that calls for them is made:
// applying the group file, moving a session.
func eventDriven(m *Message) bool {
	return m.Kind == KindWelcome || m.Kind == KindInvitation || m.Kind == KindCancellation
}

// TestTimelineSendsOnWorkingDaysInDaytime plays cycles whose sessions fall
// on each day of the week in turn, around holidays, and checks every
// message against the rules: a working day, 08:00 to 20:00 in the
// recipient's zone, before its session or after it as it should, and every
// step of a session in its order.
func TestTimelineSendsOnWorkingDaysInDaytime(t *testing.T) {
	t.Parallel()
	for wd := range 7 {
		first := paris("2027-03-01 18:00").AddDate(0, 0, wd)
		t.Run(first.Weekday().String(), func(t *testing.T) {
			t.Parallel()
			var sessions []string
			for i := range 6 {
				sessions = append(sessions, first.AddDate(0, 0, 35*i).Format("2006-01-02 15:04"))
			}
			spec := timingSpec(sessions)
			spec.Members = append(spec.Members, MemberSpec{Name: "David Petit", Email: "david@example.org", Timezone: "America/Montreal"},
				MemberSpec{Name: "Émilie Roux", Email: "emilie@example.org"}, MemberSpec{Name: "François Moreau", Email: "francois@example.org"})
			spec.Offsets.NudgeEnabled = true
			st := playCycle(t, spec, paris("2027-01-15 10:00"), frenchDays{})
			checkSendTimes(t, st)
		})
	}
}

func checkSendTimes(t *testing.T, st *State) {
	t.Helper()
	r := sendTimes{days: frenchDays{}, country: "FR"}
	at := map[string]time.Time{} // kind:session → when it went out, for recipients in the group's zone
	for _, m := range st.Messages {
		require.Equal(t, MessageSent, m.Status, "%s: %s", m.Key, m.Reason)
		if eventDriven(m) {
			continue
		}
		to := st.Member(m.MemberID)
		loc := to.Location(st.Group)
		local := m.DueAt.In(loc)
		require.True(t, r.working(local), "%s goes out on %s, not a working day", m.Key, local.Format("Mon 2006-01-02"))
		tod := timeOfDay(local)
		require.True(t, tod >= sendFrom && tod <= sendUntil, "%s goes out at %s in %s", m.Key, local.Format("15:04"), loc)
		if s := st.Session(m.SessionID); s != nil {
			switch m.Kind {
			case KindPrepare, KindPrepareReminder, KindFollowup, KindFollowupReminder, KindDigest, KindSessionReminder, KindInvitation:
				require.True(t, m.DueAt.Before(s.Start), "%s goes out after its session", m.Key)
			default:
				require.True(t, m.DueAt.After(s.End()), "%s goes out before its session ends", m.Key)
			}
		}
		if to.Timezone == "" {
			at[fmt.Sprintf("%s:%d", m.Kind, m.SessionID)] = m.DueAt
		}
	}
	for _, s := range st.Sessions {
		step := func(k Kind) time.Time { return at[fmt.Sprintf("%s:%d", k, s.ID)] }
		for _, chain := range [][]Kind{
			{KindPrepare, KindPrepareReminder, KindDigest},
			{KindFollowup, KindFollowupReminder, KindDigest},
		} {
			for i := 1; i < len(chain); i++ {
				a, b := step(chain[i-1]), step(chain[i])
				if a.IsZero() || b.IsZero() {
					continue // a Montréal client's steps keep to their own zone
				}
				require.True(t, a.Before(b), "session %d: %s (%s) must come before %s (%s)", s.Number,
					chain[i-1], a.In(timingParis).Format("Mon 02 15:04"), chain[i], b.In(timingParis).Format("Mon 02 15:04"))
			}
		}
		require.False(t, step(KindSessionReminder).Before(step(KindDigest)), "session %d: the digest comes first", s.Number)
		for _, pair := range [][2]Kind{{KindPrepare, KindPrepareReminder}, {KindFollowup, KindFollowupReminder}} {
			if a, b := step(pair[0]), step(pair[1]); !a.IsZero() && !b.IsZero() {
				require.GreaterOrEqual(t, b.Sub(a), reminderGap, "session %d: %s too soon after %s", s.Number, pair[1], pair[0])
			}
		}
	}
}

// TestTimelineNamedDays: the moves the issue names, by date.
func TestTimelineNamedDays(t *testing.T) {
	t.Parallel()
	spec := timingSpec([]string{
		"2027-05-19 18:00", // Wednesday
		"2027-08-04 18:00", // Wednesday: D−21 is 14 July
		"2027-11-02 18:30", // Tuesday: D−2 is Sunday 31 October, D−1 the Toussaint
	})
	st := playCycle(t, spec, paris("2027-04-01 10:00"), frenchDays{})
	checkSendTimes(t, st)
	when := func(kind Kind, n int, to string) string {
		for _, m := range st.Messages {
			if m.Kind == kind && m.SessionID == st.SessionNumber(n).ID && st.Member(m.MemberID).Email == to {
				return m.DueAt.In(timingParis).Format("Mon 2006-01-02 15:04")
			}
		}
		return "not sent"
	}
	// Bob is the client of session 2, Chloé of session 3; Bob has to
	// report on his experiments before it.
	require.Equal(t, "Tue 2027-07-13 18:00", when(KindPrepare, 2, "bob@example.org"), "D−21 on 14 July goes the working day before")
	require.Equal(t, "Fri 2027-10-29 18:30", when(KindDigest, 3, "claire@example.org"), "D−2 on Sunday 31 October goes back across the month end")
	require.Equal(t, "Fri 2027-10-29 18:30", when(KindSessionReminder, 3, "alice@example.org"), "D−1 on Monday 1 November, a holiday, too")
	require.Equal(t, "Tue 2027-10-26 18:30", when(KindFollowup, 3, "bob@example.org"), "D−7 is a working day: it stays")
	require.Equal(t, "Thu 2027-10-28 18:30", when(KindFollowupReminder, 3, "bob@example.org"), "D−5")
}

// TestTimelineEveningSession: plans and learnings are asked an hour after
// the session ends, or the next working morning when that is past 20:00
// where the recipient is.
func TestTimelineEveningSession(t *testing.T) {
	t.Parallel()
	spec := timingSpec([]string{"2027-01-12 18:00", "2027-02-09 18:00"}) // Tuesdays, 18:00–20:00
	spec.Members[2].Timezone = "America/Montreal"
	st := playCycle(t, spec, paris("2026-12-01 10:00"), frenchDays{})
	s1 := st.SessionNumber(1)
	when := func(kind Kind, email string) string {
		for _, m := range st.Messages {
			if m.Kind == kind && m.SessionID == s1.ID && st.Member(m.MemberID).Email == email {
				return m.DueAt.In(st.Member(m.MemberID).Location(st.Group)).Format("Mon 2006-01-02 15:04")
			}
		}
		return "not sent"
	}
	require.Equal(t, "Wed 2027-01-13 08:00", when(KindClientPlan, "alice@example.org"), "21:00 in Paris: the next morning")
	require.Equal(t, "Wed 2027-01-13 08:00", when(KindLearnings, "bob@example.org"))
	require.Equal(t, "Tue 2027-01-12 15:00", when(KindLearnings, "chloe@example.org"), "15:00 in Montréal: right away")
	require.Equal(t, "Mon 2027-01-11 12:00", when(KindSessionReminder, "chloe@example.org"), "18:00 in Paris is noon in Montréal")
}

// TestTimelineFirstDay: a group applied ten days before its first session
// sends the welcome and the invitations on day one, and nothing else: the
// client's questionnaire, already due, follows on the next working day.
func TestTimelineFirstDay(t *testing.T) {
	t.Parallel()
	spec := timingSpec([]string{"2027-07-20 18:00", "2027-08-17 18:00", "2027-09-14 18:00"})
	spec.Mode = ModeOpen
	created := paris("2027-07-09 16:00") // a Friday, D−11: the call for topics (D−14) is due at once
	st := playCycle(t, spec, created, frenchDays{})
	alice := st.Members[1]
	byDay := map[string][]string{}
	for _, m := range st.Messages {
		if m.MemberID == alice.ID {
			day := m.DueAt.In(timingParis).Format("Mon 2006-01-02")
			byDay[day] = append(byDay[day], string(m.Kind))
		}
	}
	require.ElementsMatch(t, []string{"welcome", "invitation", "invitation", "invitation"}, byDay["Fri 2027-07-09"], "day one: %v", byDay)
	require.Equal(t, []string{"call_for_topics"}, byDay["Mon 2027-07-12"], "then the rest, one working day later: %v", byDay)
	for _, m := range st.Messages {
		if m.Kind == KindCallForTopics && m.MemberID == alice.ID && m.SessionID == st.SessionNumber(1).ID {
			require.Equal(t, "16:00", m.DueAt.In(timingParis).Format("15:04"), "at the welcome's time of day")
		}
	}
}

// TestTimelineFirstDaySpreadsSeveral: a member who joins when several asks
// are overdue gets them one working day apart, in order.
func TestTimelineFirstDaySpreadsSeveral(t *testing.T) {
	t.Parallel()
	created := paris("2027-07-07 09:00") // Wednesday; the 14th is a holiday
	spec := timingSpec([]string{"2027-07-16 18:00", "2027-08-13 18:00"})
	st := applyInMemory(t, spec, created, &timingGen{})
	st.WorkingDays = frenchDays{}
	alice := st.Members[1]
	var got []string
	for _, c := range candidates(st) {
		if c.member == alice && !essential[c.kind] && c.dueAt.Before(paris("2027-07-17 00:00")) {
			got = append(got, string(c.kind)+" "+c.dueAt.In(timingParis).Format("Mon 02 15:04"))
		}
	}
	// Alice is the client of session 1: the questionnaire (D−21, overdue)
	// goes on Thursday, the D−1 reminder (Thursday 15th) stays on its day.
	require.Equal(t, []string{"prepare Thu 08 09:00", "session_reminder Thu 15 18:00"}, got)
	require.True(t, strings.HasPrefix(got[0], "prepare"))
}

// TestTimelineHoldsLateMessagesUntilDaytime: what became due while nothing
// ran (downtime) is not sent at 03:00 on restart but at 08:00, unless its
// window closes before then.
func TestTimelineHoldsLateMessagesUntilDaytime(t *testing.T) {
	t.Parallel()
	spec := timingSpec([]string{"2027-01-13 07:30", "2027-02-10 18:00"}) // a Wednesday at 07:30
	st := applyInMemory(t, spec, paris("2026-12-01 10:00"), &timingGen{})
	st.WorkingDays = frenchDays{}
	// Everything due until 4 January went out; then the service was down
	// until 03:00 on Tuesday 12 January, the eve of the session: the
	// digest (D−2, Monday 11th, 07:30 moved to 08:00) is late; the D−1
	// reminders are due at 08:00 on the 12th.
	for now := paris("2026-12-01 10:00"); !now.IsZero() && now.Before(paris("2027-01-04 00:00")); now = Next(st, now) {
		for _, m := range Due(st, now) {
			m.ID = int64(len(st.Messages) + 1)
			m.Status, m.SentAt = MessageSent, now
			st.Messages = append(st.Messages, m)
		}
	}
	night := paris("2027-01-12 03:00")
	kinds := func(ms []*Message) []string {
		var out []string
		for _, m := range ms {
			if m.SessionID == st.SessionNumber(1).ID && m.Kind != KindInvitation {
				out = append(out, string(m.Kind)+" "+m.Status)
			}
		}
		return out
	}
	require.Empty(t, kinds(Due(st, night)), "nothing at 03:00, not even the late digest")
	require.Equal(t, paris("2027-01-12 08:00"), Next(st, night), "the reconciler wakes at 08:00")
	require.ElementsMatch(t, []string{"digest pending", "session_reminder pending", "session_reminder pending",
		"session_reminder pending", "session_reminder pending"}, kinds(Due(st, paris("2027-01-12 08:00"))))

	// Had the service come back only at 21:00 on the eve, the window of
	// the digest and the reminders (the session, at 07:30) would close
	// before the next morning: last chance, they go at once.
	require.ElementsMatch(t, []string{"digest pending", "session_reminder pending", "session_reminder pending",
		"session_reminder pending", "session_reminder pending"}, kinds(Due(st, paris("2027-01-12 21:00"))))
}

// applyInMemory applies spec to an empty group the way Preview does: the
// rows are numbered in memory, nothing is stored.
func applyInMemory(t *testing.T, spec *GroupSpec, now time.Time, gen Generator) *State {
	t.Helper()
	change, err := ApplySpec(nil, spec, now, gen)
	require.NoError(t, err)
	require.NoError(t, change.write(&memoryRows{}))
	return change.State
}
