package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Generator makes the random identifiers of new rows: calendar UIDs and feed
// tokens. Tests and previews use deterministic ones.
type Generator interface {
	UID() string   // globally unique calendar UID, e.g. session-<uuid>@domain
	Token() string // secret for a feed URL, at least 128 bits
}

// GroupChange is what ApplySpec decided: the group's new state, the rows
// to write to get there, and a line per change for the operator.
type GroupChange struct {
	// State is the group as its file wants it. Rows not stored yet have ID
	// 0, except new members: they have provisional negative IDs, so that
	// the rotation can name them as clients before they exist.
	State *State
	// Changes has one line per change, empty when the file changed nothing.
	Changes []string
	// Group is the group row to create (ID 0) or update; nil when it is
	// unchanged.
	Group *Group
	// Members are the member rows to create (ID < 0) or update, in State
	// order; unchanged rows are left out.
	Members []*Member
	// Sessions are the session rows to create (ID 0) or update, by number;
	// unchanged rows are left out.
	Sessions []*Session
}

// ApplySpec brings a group's state in line with its file. cur is nil for a
// new group; it is not modified. It returns the new state and what to write
// for it, nothing when the file changed nothing. Sessions that have started
// are never changed; a future session whose time, duration or video link
// changes gets a higher Sequence (the reconciler then sends updated
// invitations), one removed from the file is cancelled. ApplySpec is pure:
// Service.ApplyGroup writes the rows, Service.Preview keeps them in memory.
func ApplySpec(cur *State, spec *GroupSpec, now time.Time, gen Generator) (*GroupChange, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	a := &applier{spec: spec, now: now, gen: gen}
	if cur == nil {
		cur = &State{}
	}
	a.st = &State{Group: cur.Group, Members: cur.Members, Sessions: cur.Sessions,
		Messages: cur.Messages, Answers: cur.Answers, RSVPs: cur.RSVPs}
	a.applyGroup()
	a.applyMembers()
	a.applySessions()
	a.rotate()
	return a.diff(cur), nil
}

// diff lists the rows of the new state that differ from cur's.
func (a *applier) diff(cur *State) *GroupChange {
	c := &GroupChange{State: a.st, Changes: a.changes}
	if cur.Group == nil || *cur.Group != *a.st.Group {
		c.Group = a.st.Group
	}
	for _, m := range a.st.Members {
		if old := cur.Member(m.ID); old == nil || !sameMember(old, m) {
			c.Members = append(c.Members, m)
		}
	}
	for _, s := range a.st.Sessions {
		if old := cur.Session(s.ID); old == nil || !sameSession(old, s) {
			c.Sessions = append(c.Sessions, s)
		}
	}
	return c
}

// sameMember reports whether two member rows hold the same values; an
// empty and a nil Unavailable are the same (TestSameRows checks that every
// field counts).
func sameMember(a, b *Member) bool {
	return a.ID == b.ID && a.GroupID == b.GroupID && a.Role == b.Role && a.Name == b.Name &&
		a.Email == b.Email && a.Position == b.Position && slices.Equal(a.Unavailable, b.Unavailable) &&
		a.Timezone == b.Timezone && a.Active == b.Active && a.Paused == b.Paused && a.Bounced == b.Bounced && a.FeedToken == b.FeedToken
}

// sameSession reports whether two session rows hold the same values, the
// start compared as an instant.
func sameSession(a, b *Session) bool {
	x, y := *a, *b
	x.Start, y.Start = time.Time{}, time.Time{}
	return x == y && a.Start.Equal(b.Start)
}

// rowWriter stores the rows of a GroupChange: in a transaction
// (Service.ApplyGroup) or in memory (Service.Preview). create sets the ID.
type rowWriter interface {
	createGroup(g *Group) error
	updateGroup(g *Group) error
	createMember(m *Member) error
	updateMember(m *Member) error
	createSession(s *Session) error
	updateSession(s *Session) error
}

// write stores c's rows through w in the order a database needs: the
// group, its members, then the sessions, whose clients may be members just
// created: their provisional IDs are replaced by the stored ones first.
func (c *GroupChange) write(w rowWriter) error {
	if g := c.Group; g != nil {
		write := w.updateGroup
		if g.ID == 0 {
			write = w.createGroup
		}
		if err := write(g); err != nil {
			return err
		}
	}
	groupID := c.State.Group.ID
	stored := map[int64]int64{} // provisional member ID → stored one
	for _, m := range c.Members {
		m.GroupID = groupID
		if m.ID >= 0 {
			if err := w.updateMember(m); err != nil {
				return err
			}
			continue
		}
		provisional := m.ID
		m.ID = 0
		if err := w.createMember(m); err != nil {
			return err
		}
		stored[provisional] = m.ID
	}
	for _, s := range c.State.Sessions {
		if id, ok := stored[s.ClientID]; ok {
			s.ClientID = id
		}
	}
	for _, s := range c.Sessions {
		s.GroupID = groupID
		write := w.updateSession
		if s.ID == 0 {
			write = w.createSession
		}
		if err := write(s); err != nil {
			return err
		}
	}
	return nil
}

type applier struct {
	spec         *GroupSpec
	now          time.Time
	gen          Generator
	st           *State
	changes      []string
	visioChanged bool
	newMembers   int64 // provisional IDs given so far
}

func (a *applier) note(format string, args ...any) {
	a.changes = append(a.changes, fmt.Sprintf(format, args...))
}

func (a *applier) applyGroup() {
	s := a.spec
	g := a.st.Group
	if g == nil {
		g = &Group{Name: s.Name, FeedToken: a.gen.Token(), CreatedAt: a.now}
		a.note("group %q created", s.Name)
	} else {
		c := *g
		g = &c
		a.visioChanged = g.Visio != s.Visio
		if g.Language != s.Language || g.Timezone != s.Timezone || g.CountryCode() != cmpOr(s.Country, DefaultCountry) || g.Visio != s.Visio ||
			g.Mode != cmpOr(s.Mode, ModePlanned) || g.MaxMembers != s.MaxMembers || g.Offsets != s.Offsets {
			a.note("group settings updated")
		}
	}
	g.Language, g.Timezone, g.Visio = s.Language, s.Timezone, s.Visio
	g.Country = cmpOr(s.Country, DefaultCountry)
	g.Mode = cmpOr(s.Mode, ModePlanned)
	g.MaxMembers = s.MaxMembers
	g.Offsets = s.Offsets
	a.st.Group = g
}

func (a *applier) applyMembers() {
	byEmail := map[string]*Member{}
	var members []*Member
	for _, m := range a.st.Members {
		c := *m
		members = append(members, &c)
		byEmail[c.Email] = &c
	}
	wanted := map[string]bool{}
	upsert := func(role, name, email, tz string, pos int, unavailable []int) {
		email = strings.ToLower(email)
		wanted[email] = true
		m := byEmail[email]
		if m == nil {
			a.newMembers++
			m = &Member{ID: -a.newMembers, Email: email, FeedToken: a.gen.Token()}
			members = append(members, m)
			byEmail[email] = m
			a.note("%s %s added", role, email)
		} else if !m.Active || m.Role != role || m.Name != name || m.Timezone != tz || m.Position != pos || !slices.Equal(m.Unavailable, unavailable) {
			a.note("%s %s updated", role, email)
		}
		m.Role, m.Name, m.Timezone, m.Position, m.Active = role, name, tz, pos, true
		m.Unavailable = slices.Clone(unavailable)
	}
	upsert(RoleAnimator, a.spec.Animator.Name, a.spec.Animator.Email, "", 0, nil)
	for i, ms := range a.spec.Members {
		upsert(RoleMember, ms.Name, ms.Email, ms.Timezone, i+1, ms.Unavailable)
	}
	for _, m := range members {
		if m.Active && !wanted[m.Email] {
			m.Active = false
			a.note("%s %s removed", m.Role, m.Email)
		}
	}
	slices.SortStableFunc(members, func(x, y *Member) int {
		if x.Role != y.Role {
			if x.Role == RoleAnimator {
				return -1
			}
			return 1
		}
		return x.Position - y.Position
	})
	a.st.Members = members
}

func (a *applier) applySessions() {
	dur := a.spec.Duration
	if dur == 0 {
		dur = DefaultDuration
	}
	byNumber := map[int]*Session{}
	var sessions []*Session
	for _, s := range a.st.Sessions {
		c := *s
		sessions = append(sessions, &c)
		byNumber[c.Number] = &c
	}
	for i, start := range a.spec.Sessions {
		n := i + 1
		start = start.UTC()
		s := byNumber[n]
		if s == nil {
			s = &Session{Number: n, Start: start, Duration: dur, Status: SessionScheduled, UID: a.gen.UID()}
			sessions = append(sessions, s)
			a.note("session %d scheduled", n)
			continue
		}
		if !s.Start.After(a.now) {
			if !s.Start.Equal(start) || s.Duration != dur {
				a.note("session %d has started: its time was kept", n)
			}
			continue
		}
		switch {
		case s.Cancelled():
			a.note("session %d restored", n)
		case !s.Start.Equal(start) || s.Duration != dur:
			a.note("session %d rescheduled", n)
		case a.visioChanged:
			a.note("session %d: video link changed", n)
		default:
			continue
		}
		s.MovedFrom = time.Time{}
		if !s.Start.Equal(start) && !s.Cancelled() {
			s.MovedFrom = s.Start
		}
		s.Start, s.Duration, s.Status = start, dur, SessionScheduled
		s.Sequence++
	}
	for _, s := range sessions {
		if s.Number > len(a.spec.Sessions) && !s.Cancelled() && s.Start.After(a.now) {
			s.Status = SessionCancelled
			s.Sequence++
			a.note("session %d cancelled", s.Number)
		}
	}
	slices.SortFunc(sessions, func(x, y *Session) int { return x.Number - y.Number })
	a.st.Sessions = sessions
}

// rotate assigns clients to the future sessions. Sessions that have started
// keep their client, and so does a session whose client was already asked to
// prepare: re-applying a file must not move someone who is preparing.
func (a *applier) rotate() {
	if a.st.Group.Mode == ModeOpen {
		return
	}
	fixed := map[int]int64{}
	for _, s := range a.st.Sessions {
		switch {
		case s.Cancelled():
			fixed[s.Number] = 0
		case !s.Start.After(a.now) || s.Pinned || (s.ClientID != 0 && a.asked(s)):
			fixed[s.Number] = s.ClientID
		}
	}
	var cands []Candidate
	for _, m := range a.st.Peers() {
		cands = append(cands, Candidate{ID: m.ID, Unavailable: m.Unavailable})
	}
	rot := Rotate(len(a.st.Sessions), cands, fixed)
	for _, s := range a.st.Sessions {
		if _, ok := fixed[s.Number]; ok {
			continue
		}
		if id := rot[s.Number]; id != s.ClientID {
			s.ClientID = id
			if m := a.st.Member(id); m != nil {
				a.note("session %d: client is %s", s.Number, m.Email)
			} else {
				a.note("session %d: no client assigned", s.Number)
			}
		}
	}
}

func (a *applier) asked(s *Session) bool {
	return a.st.Message(MessageKey(KindPrepare, s.ID, s.ClientID, 0)) != nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
