package workflow

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// plannedState is openState in planned mode: Alice (2) is client of
// session 10, Bob (3) of session 11.
func plannedState() *State {
	st := openState()
	st.Group.Mode = ModePlanned
	st.Sessions[0].ClientID, st.Sessions[1].ClientID = 2, 3
	return st
}

// dueList writes Due's answer as "kind/session/member/seq status".
func dueList(st *State, now time.Time) []string {
	var out []string
	for _, m := range Due(st, now) {
		out = append(out, fmt.Sprintf("%s/%d/%d/%d %s", m.Kind, m.SessionID, m.MemberID, m.Sequence, m.Status))
	}
	return out
}

func TestDue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(st *State)
		at    time.Time
		want  []string
	}{
		{name: "NothingBeforeItsTime", at: openDay(openS1, -22), want: nil},
		{name: "PrepareAtDMinus21", at: openDay(openS1, -21), want: []string{"prepare/10/2/0 pending"}},
		{
			name:  "PausedMemberGetsOnlyWhatChangesCalendars",
			setup: func(st *State) { st.Members[1].Paused = true; st.Sessions[1].Sequence = 1 },
			at:    openDay(openS1, -21),
			want: []string{"invitation/11/1/1 pending", "invitation/11/2/1 pending", "invitation/11/3/1 pending",
				"invitation/11/4/1 pending"},
		},
		{
			name:  "BouncedAddressIsSkipped",
			setup: func(st *State) { st.Members[1].Bounced = true },
			at:    openDay(openS1, -21),
			want:  []string{"prepare/10/2/0 skipped"},
		},
		{
			name: "StaleAfterDowntime",
			at:   openDay(openS1, -1),
			want: []string{"prepare/10/2/0 skipped", "digest/10/1/0 pending", "session_reminder/10/1/0 pending",
				"session_reminder/10/2/0 pending", "session_reminder/10/3/0 pending", "session_reminder/10/4/0 pending"},
		},
		{
			name: "NoReminderAfterADecline",
			setup: func(st *State) {
				st.RSVPs = []*RSVP{{SessionID: 10, MemberID: 3, PartStat: RSVPDeclined}, {SessionID: 10, MemberID: 4, PartStat: RSVPAccepted}}
				openRecord(st, openDay(openS1, -2))
			},
			at: openDay(openS1, -1),
			want: []string{"session_reminder/10/1/0 pending", "session_reminder/10/2/0 pending",
				"session_reminder/10/4/0 pending"},
		},
		{
			name:  "RemovedMemberGetsCancels",
			setup: func(st *State) { st.Members[3].Active = false },
			at:    openDay(openS1, -30),
			want:  []string{"cancellation/10/4/1 pending", "cancellation/11/4/1 pending"},
		},
		{
			name:  "CancelledSession",
			setup: func(st *State) { st.Sessions[1].Status, st.Sessions[1].Sequence = SessionCancelled, 1 },
			at:    openDay(openS1, -30),
			want: []string{"cancellation/11/1/1 pending", "cancellation/11/2/1 pending", "cancellation/11/3/1 pending",
				"cancellation/11/4/1 pending"},
		},
		{
			name: "CancelledOnce",
			setup: func(st *State) {
				st.Sessions[1].Status, st.Sessions[1].Sequence = SessionCancelled, 1
				openRecord(st, openDay(openS1, -30))
				// The member is also removed later: no second CANCEL.
				st.Members[3].Active = false
			},
			at:   openDay(openS1, -29),
			want: []string{"cancellation/10/4/1 pending"},
		},
		{
			name: "AfterTheSession",
			setup: func(st *State) {
				openRecord(st, openDay(openS1, -1))
			},
			// An hour after the session is 21:00: they wait for 08:00.
			at:   time.Date(2027, 1, 13, 8, 1, 0, 0, openParis),
			want: []string{"client_plan/10/2/0 pending", "learnings/10/3/0 pending", "learnings/10/4/0 pending"},
		},
		{
			name:  "NothingInTheEveningAfterTheSession",
			setup: func(st *State) { openRecord(st, openDay(openS1, -1)) },
			at:    openS1.Add(3*time.Hour + time.Minute),
			want:  nil,
		},
		{
			name: "NudgeWhenEnabled",
			setup: func(st *State) {
				st.Group.Offsets.NudgeEnabled = true
				openRecord(st, openDay(openS1, 13))
			},
			at:   openDay(openS1, 14),
			want: []string{"nudge/10/2/0 pending"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := plannedState()
			if tc.setup != nil {
				tc.setup(st)
			}
			require.ElementsMatch(t, tc.want, dueList(st, tc.at))
			openRecord(st, tc.at)
			require.Empty(t, Due(st, tc.at), "nothing is due twice")
		})
	}
}

func TestDueOrderAndWindow(t *testing.T) {
	t.Parallel()
	st := plannedState()
	due := Due(st, openDay(openS1, -1))
	for i := 1; i < len(due); i++ {
		require.False(t, due[i].DueAt.Before(due[i-1].DueAt), "ordered by due time")
	}
	for _, m := range due {
		require.Equal(t, MessageKey(m.Kind, m.SessionID, m.MemberID, m.Sequence), m.Key)
		require.Equal(t, int64(1), m.GroupID)
		if m.Status == MessageSkipped {
			require.Equal(t, "too late: its moment passed on "+Days(-2).At(openS1, openParis).UTC().Format(time.RFC3339), m.Reason)
		}
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	st := plannedState()
	require.Equal(t, Days(-21).At(openS1, openParis), Next(st, openDay(openS1, -30)))
	openRecord(st, openDay(openS1, -21))
	// The reminder of an unanswered preparation: D−10, at least two days after.
	require.Equal(t, Days(-10).At(openS1, openParis), Next(st, openDay(openS1, -21)))
	st.Messages[len(st.Messages)-1].AnsweredAt = openDay(openS1, -20)
	require.Equal(t, Days(-2).At(openS1, openParis), Next(st, openDay(openS1, -21)), "answered: the digest is next")

	// A whole cycle: Next walks to the end and then says never.
	var last time.Time
	for now, n := openDay(openS1, -21), 0; ; n++ {
		require.Less(t, n, 200)
		next := Next(st, now)
		if next.IsZero() {
			break
		}
		require.True(t, next.After(now))
		openRecord(st, next)
		now, last = next, next
	}
	require.Equal(t, PurgeAt(st.Group, st.Sessions[1]).AddDate(0, 0, -15), last, "the retention warning is the last message")
}

func TestWakeAt(t *testing.T) {
	t.Parallel()
	st := plannedState()
	now := openDay(openS1, -30)
	require.Equal(t, Next(st, now), wakeAt(st, now), "the next message")

	// Every message recorded: the purge is what wakes the group.
	for next := Next(st, now); !next.IsZero(); next = Next(st, next) {
		openRecord(st, next)
	}
	end := openS2.AddDate(0, 2, 0)
	purge := PurgeAt(st.Group, st.Sessions[1])
	require.Equal(t, time.Date(2027, 8, 9, 20, 0, 0, 0, openParis), purge)
	require.Equal(t, purge, wakeAt(st, end))
	require.True(t, wakeAt(st, purge.Add(time.Minute)).IsZero(), "after the purge: never")

	// Every session cancelled: once the CANCELs are recorded there is
	// nothing to send and no purge to wait for.
	st = plannedState()
	for _, s := range st.Sessions {
		s.Status = SessionCancelled
		s.Sequence = 1
	}
	openRecord(st, now)
	require.Equal(t, 8, len(st.Messages)-len(plannedState().Messages), "a CANCEL per participant and session")
	require.True(t, wakeAt(st, now).IsZero())
}

func TestDaysAtAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	// Paris moves to summer time on 28 March 2027: D−7 of a session at
	// 18:00 on 30 March is at 18:00 too, 167 hours before.
	s := time.Date(2027, 3, 30, 18, 0, 0, 0, openParis)
	at := Days(-7).At(s, openParis)
	require.Equal(t, time.Date(2027, 3, 23, 18, 0, 0, 0, openParis), at)
	require.Equal(t, 167*time.Hour, s.Sub(at))
}

func TestOffsetsWithDefaults(t *testing.T) {
	t.Parallel()
	require.Equal(t, defaultOffsets, Offsets{}.WithDefaults())
	o := Offsets{Prepare: -28, RetentionMonths: 12, NudgeEnabled: true}.WithDefaults()
	require.Equal(t, Days(-28), o.Prepare)
	require.Equal(t, 12, o.RetentionMonths)
	require.True(t, o.NudgeEnabled)
	require.Equal(t, defaultOffsets.Digest, o.Digest)
}

func TestGroupLocation(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Europe/Paris", (&Group{Timezone: "Europe/Paris"}).Location().String())
	require.Equal(t, time.UTC, (&Group{Timezone: "Nowhere/Else"}).Location(), "a corrupted zone falls back to UTC")
}
