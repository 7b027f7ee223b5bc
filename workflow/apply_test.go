package workflow

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var applyParis = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Sessions of the apply tests: Tuesdays at 18:00 in Paris, four weeks apart,
// and the moment the file is first applied.
var (
	applyS1  = time.Date(2027, 1, 12, 18, 0, 0, 0, applyParis)
	applyS2  = time.Date(2027, 2, 9, 18, 0, 0, 0, applyParis)
	applyS3  = time.Date(2027, 3, 9, 18, 0, 0, 0, applyParis)
	applyNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
)

func applySpec() *GroupSpec {
	return &GroupSpec{
		Name: "Managers Lyon", Language: LangFR, Timezone: "Europe/Paris", Visio: "https://visio.example.org/lyon",
		Animator: Person{Name: "Claire Martin", Email: "Claire@Example.org"},
		Members: []MemberSpec{
			{Name: "Alice Dupont", Email: "alice@example.org"},
			{Name: "Bob Martin", Email: "bob@example.org"},
			{Name: "Chloé Bernard", Email: "chloe@example.org"},
		},
		Sessions: []time.Time{applyS1, applyS2, applyS3},
	}
}

// countingGen makes stable identifiers and counts them.
type countingGen struct{ n int }

func (g *countingGen) UID() string   { g.n++; return fmt.Sprintf("uid-%d", g.n) }
func (g *countingGen) Token() string { g.n++; return fmt.Sprintf("token-%d", g.n) }

// stored numbers the rows of a change as a database would and returns its
// state: the "current" state of the next apply.
func stored(t *testing.T, c *GroupChange) *State {
	t.Helper()
	require.NoError(t, c.write(&memoryRows{next: 100}))
	return c.State
}

func TestApplySpecNewGroup(t *testing.T) {
	t.Parallel()
	gen := &countingGen{}
	c, err := ApplySpec(nil, applySpec(), applyNow, gen)
	require.NoError(t, err)
	require.Equal(t, []string{
		`group "Managers Lyon" created`,
		"animator claire@example.org added", "member alice@example.org added", "member bob@example.org added",
		"member chloe@example.org added",
		"session 1 scheduled", "session 2 scheduled", "session 3 scheduled",
		"session 1: client is alice@example.org", "session 2: client is bob@example.org", "session 3: client is chloe@example.org",
	}, c.Changes)
	require.Same(t, c.State.Group, c.Group, "the group is to be created")
	require.Zero(t, c.Group.ID)
	require.Equal(t, ModePlanned, c.Group.Mode, "planned by default")
	require.Equal(t, applyNow, c.Group.CreatedAt)
	require.Equal(t, "token-1", c.Group.FeedToken)
	require.Len(t, c.Members, 4)
	for i, m := range c.Members {
		require.Equal(t, int64(-(i + 1)), m.ID, "new members have provisional IDs")
		require.True(t, m.Active)
	}
	require.Equal(t, "claire@example.org", c.Members[0].Email, "addresses are lowercased; the animator comes first")
	require.Equal(t, RoleAnimator, c.Members[0].Role)
	require.Len(t, c.Sessions, 3)
	for i, s := range c.Sessions {
		require.Zero(t, s.ID)
		require.Equal(t, i+1, s.Number)
		require.Equal(t, DefaultDuration, s.Duration)
		require.Equal(t, time.UTC, s.Start.Location())
		require.Equal(t, c.Members[i+1].ID, s.ClientID, "the rotation names new members by provisional ID")
		require.Equal(t, SessionScheduled, s.Status)
	}
	require.Equal(t, 4+3+1, gen.n, "one feed token per row with a feed, one UID per session")

	st := stored(t, c)
	require.Equal(t, int64(101), st.Group.ID)
	for i, s := range st.Sessions {
		require.Equal(t, st.Group.ID, s.GroupID)
		require.Equal(t, st.Peers()[i].ID, s.ClientID, "stored IDs replace provisional ones")
		require.Positive(t, s.ClientID)
	}
	for _, m := range st.Members {
		require.Equal(t, st.Group.ID, m.GroupID)
	}
}

func TestApplySpecChanges(t *testing.T) {
	t.Parallel()
	during := applyS1.Add(time.Hour)
	tests := []struct {
		name     string
		now      time.Time             // when the second file is applied; applyNow if zero
		setup    func(st *State)       // changes to the stored state before
		edit     func(spec *GroupSpec) // the second file
		changes  []string              // what the second apply says
		written  []string              // rows written: "group", "member EMAIL", "session N"
		check    func(t *testing.T, c *GroupChange)
		wantErrs string
	}{
		{
			name: "Unchanged",
			edit: func(*GroupSpec) {},
		},
		{
			name:    "SettingsChanged",
			edit:    func(s *GroupSpec) { s.Language, s.MaxMembers = LangEN, 7 },
			changes: []string{"group settings updated"},
			written: []string{"group"},
		},
		{
			name:    "VideoLinkRaisesEveryFutureSequence",
			now:     during,
			edit:    func(s *GroupSpec) { s.Visio = "https://visio.example.org/new" },
			changes: []string{"group settings updated", "session 2: video link changed", "session 3: video link changed"},
			written: []string{"group", "session 2", "session 3"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, []int{0, 1, 1}, sequences(c.State))
			},
		},
		{
			name:    "MemberRenamed",
			edit:    func(s *GroupSpec) { s.Members[0].Name = "Alice Dupont-Roux" },
			changes: []string{"member alice@example.org updated"},
			written: []string{"member alice@example.org"},
		},
		{
			// Only the zone changes: the row must still be written, or
			// the member's daytime hours would stay the old zone's.
			name:    "MemberMovesZone",
			edit:    func(s *GroupSpec) { s.Members[0].Timezone = "America/Montreal" },
			changes: []string{"member alice@example.org updated"},
			written: []string{"member alice@example.org"},
		},
		{
			name:    "MemberUnavailable",
			edit:    func(s *GroupSpec) { s.Members[0].Unavailable = []int{1} },
			changes: []string{"member alice@example.org updated", "session 1: client is bob@example.org", "session 2: client is alice@example.org"},
			written: []string{"member alice@example.org", "session 1", "session 2"},
		},
		{
			name: "MemberRemoved",
			edit: func(s *GroupSpec) { s.Members = s.Members[1:] },
			changes: []string{"member bob@example.org updated", "member chloe@example.org updated", "member alice@example.org removed",
				"session 1: client is bob@example.org", "session 2: client is chloe@example.org", "session 3: no client assigned"},
			written: []string{"member alice@example.org", "member bob@example.org", "member chloe@example.org", "session 1", "session 2", "session 3"},
			check: func(t *testing.T, c *GroupChange) {
				a := c.State.Members[1]
				require.Equal(t, "alice@example.org", a.Email)
				require.False(t, a.Active, "a removed member stays, inactive")
			},
		},
		{
			name: "MemberAdded",
			edit: func(s *GroupSpec) {
				s.Members = append(s.Members, MemberSpec{Name: "David Petit", Email: "david@example.org"})
			},
			changes: []string{"member david@example.org added"},
			written: []string{"member david@example.org"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, int64(-1), c.Members[0].ID)
			},
		},
		{
			name:    "Rescheduled",
			edit:    func(s *GroupSpec) { s.Sessions[1] = applyS2.Add(24 * time.Hour) },
			changes: []string{"session 2 rescheduled"},
			written: []string{"session 2"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, []int{0, 1, 0}, sequences(c.State))
				require.True(t, c.State.SessionNumber(2).Start.Equal(applyS2.Add(24*time.Hour)))
			},
		},
		{
			name:    "DurationChanged",
			edit:    func(s *GroupSpec) { s.Duration = 3 * time.Hour },
			changes: []string{"session 1 rescheduled", "session 2 rescheduled", "session 3 rescheduled"},
			written: []string{"session 1", "session 2", "session 3"},
		},
		{
			name:    "StartedSessionIsKept",
			now:     during,
			edit:    func(s *GroupSpec) { s.Sessions[0] = applyS1.Add(24 * time.Hour) },
			changes: []string{"session 1 has started: its time was kept"},
			check: func(t *testing.T, c *GroupChange) {
				require.True(t, c.State.SessionNumber(1).Start.Equal(applyS1))
			},
		},
		{
			name:    "SessionRemovedIsCancelled",
			edit:    func(s *GroupSpec) { s.Sessions = s.Sessions[:2] },
			changes: []string{"session 3 cancelled"},
			written: []string{"session 3"},
			check: func(t *testing.T, c *GroupChange) {
				s := c.State.SessionNumber(3)
				require.True(t, s.Cancelled())
				require.Equal(t, 1, s.Sequence)
			},
		},
		{
			name:    "CancelledSessionRestored",
			setup:   func(st *State) { st.SessionNumber(3).Status, st.SessionNumber(3).Sequence = SessionCancelled, 1 },
			edit:    func(*GroupSpec) {},
			changes: []string{"session 3 restored"},
			written: []string{"session 3"},
			check: func(t *testing.T, c *GroupChange) {
				require.False(t, c.State.SessionNumber(3).Cancelled())
				require.Equal(t, 2, c.State.SessionNumber(3).Sequence, "SEQUENCE never goes down")
			},
		},
		{
			name: "ClientAskedToPrepareKeepsTheSession",
			setup: func(st *State) {
				s := st.SessionNumber(1)
				st.Messages = append(st.Messages, &Message{ID: 1, Kind: KindPrepare, SessionID: s.ID, MemberID: s.ClientID,
					Key: MessageKey(KindPrepare, s.ID, s.ClientID, 0), Status: MessageSent})
			},
			edit:    func(s *GroupSpec) { s.Members[0].Unavailable = []int{1} },
			changes: []string{"member alice@example.org updated"},
			written: []string{"member alice@example.org"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, "alice@example.org", c.State.Member(c.State.SessionNumber(1).ClientID).Email,
					"someone preparing is not moved")
			},
		},
		{
			name:    "PinnedSwapIsKept",
			setup:   func(st *State) { swapClients(st, 1, 2) },
			edit:    func(*GroupSpec) {},
			changes: nil,
		},
		{
			name:    "HeldSessionKeepsItsClient",
			now:     applyS2.Add(3 * time.Hour), // sessions 1 and 2 held
			edit:    func(s *GroupSpec) { s.Members[0], s.Members[1] = s.Members[1], s.Members[0] },
			changes: []string{"member bob@example.org updated", "member alice@example.org updated"},
			written: []string{"member alice@example.org", "member bob@example.org"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, "alice@example.org", c.State.Member(c.State.SessionNumber(1).ClientID).Email)
				require.Equal(t, "bob@example.org", c.State.Member(c.State.SessionNumber(2).ClientID).Email)
			},
		},
		{
			name:    "OpenModeAssignsNobody",
			edit:    func(s *GroupSpec) { s.Mode = ModeOpen },
			changes: []string{"group settings updated"},
			written: []string{"group"},
			check: func(t *testing.T, c *GroupChange) {
				require.Equal(t, ModeOpen, c.Group.Mode)
				require.NotZero(t, c.State.SessionNumber(1).ClientID, "open mode keeps the clients already assigned")
			},
		},
		{
			name:     "Invalid",
			edit:     func(s *GroupSpec) { s.Members = nil },
			wantErrs: "members: a group needs at least one member",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			first, err := ApplySpec(nil, applySpec(), applyNow, &countingGen{})
			require.NoError(t, err)
			cur := stored(t, first)
			if tc.setup != nil {
				tc.setup(cur)
			}
			snapshot := cloneState(cur)
			spec := applySpec()
			tc.edit(spec)
			now := applyNow
			if !tc.now.IsZero() {
				now = tc.now
			}
			c, err := ApplySpec(cur, spec, now, &countingGen{})
			if tc.wantErrs != "" {
				require.ErrorContains(t, err, tc.wantErrs)
				require.True(t, IsInvalid(err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.changes, c.Changes)
			require.Equal(t, tc.written, written(c))
			require.Equal(t, snapshot, cur, "ApplySpec does not modify the current state")
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// swapClients exchanges the clients of two sessions and pins them, as
// Service.SwapClients does.
func swapClients(st *State, a, b int) {
	sa, sb := st.SessionNumber(a), st.SessionNumber(b)
	sa.ClientID, sb.ClientID = sb.ClientID, sa.ClientID
	sa.Pinned, sb.Pinned = true, true
}

func sequences(st *State) []int {
	var out []int
	for _, s := range st.Sessions {
		out = append(out, s.Sequence)
	}
	return out
}

// written names the rows a change writes, sorted as the table lists them.
func written(c *GroupChange) []string {
	var out []string
	if c.Group != nil {
		out = append(out, "group")
	}
	var members []string
	for _, m := range c.Members {
		members = append(members, "member "+m.Email)
	}
	slices.Sort(members)
	out = append(out, members...)
	for _, s := range c.Sessions {
		out = append(out, fmt.Sprintf("session %d", s.Number))
	}
	return out
}

// cloneState copies a state's rows, so that a test can tell whether they
// were modified.
func cloneState(st *State) *State {
	c := &State{}
	g := *st.Group
	c.Group = &g
	for _, m := range st.Members {
		mm := *m
		c.Members = append(c.Members, &mm)
	}
	for _, s := range st.Sessions {
		ss := *s
		c.Sessions = append(c.Sessions, &ss)
	}
	c.Messages = append(c.Messages, st.Messages...)
	return c
}

// TestSameRows checks that the comparisons behind "write only what
// changed" notice a change in any field, so that a field added to Member
// or Session cannot be silently left unwritten.
func TestSameRows(t *testing.T) {
	t.Parallel()
	m := &Member{ID: 1, GroupID: 2, Role: RoleMember, Name: "A", Email: "a@example.org", Position: 1,
		Unavailable: []int{2}, Active: true, FeedToken: "t"}
	require.True(t, sameMember(m, m))
	nilUn, emptyUn := *m, *m
	nilUn.Unavailable, emptyUn.Unavailable = nil, []int{}
	require.True(t, sameMember(&nilUn, &emptyUn), "no unavailable session, however stored")
	forEachField(t, m, func(changed any) { require.False(t, sameMember(m, changed.(*Member))) })

	s := &Session{ID: 1, GroupID: 2, Number: 3, Start: applyS1.UTC(), Duration: time.Hour, ClientID: 4,
		Status: SessionScheduled, Sequence: 1, UID: "u"}
	require.True(t, sameSession(s, s))
	inParis := *s
	inParis.Start = applyS1
	require.True(t, sameSession(s, &inParis), "the same instant in another zone is the same start")
	forEachField(t, s, func(changed any) { require.False(t, sameSession(s, changed.(*Session))) })
}

// forEachField calls fn with copies of *v, each with one field changed.
func forEachField(t *testing.T, v any, fn func(changed any)) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		c := reflect.New(rv.Type())
		c.Elem().Set(rv)
		f := c.Elem().Field(i)
		switch f.Kind() {
		case reflect.Int, reflect.Int64:
			f.SetInt(f.Int() + 1)
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf(99)))
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(f.Interface().(time.Time).Add(time.Second)))
		default:
			t.Fatalf("field %s of %s: kind %s not handled", rv.Type().Field(i).Name, rv.Type(), f.Kind())
		}
		fn(c.Interface())
	}
}
