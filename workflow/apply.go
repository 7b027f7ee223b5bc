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

// Persister saves what ApplySpec decides, in order: the group, then its
// members (new ones get their ID here, which the rotation needs), then the
// sessions. A row with ID 0 is created, any other updated.
type Persister interface {
	SaveGroup(g *Group) error
	SaveMember(m *Member) error
	SaveSession(s *Session) error
}

// ApplySpec brings a group's state in line with its file. cur is nil for a new
// group. It returns the new state and a line per change, empty when the file
// changed nothing. Sessions that have started are never changed; a future
// session whose time, duration or video link changes gets a higher Sequence
// (the reconciler then sends updated invitations), one removed from the file
// is cancelled.
func ApplySpec(cur *State, spec *GroupSpec, now time.Time, gen Generator, p Persister) (*State, []string, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	a := &applier{spec: spec, now: now, gen: gen}
	if cur == nil {
		cur = &State{}
	}
	a.st = &State{Group: cur.Group, Members: cur.Members, Sessions: cur.Sessions,
		Messages: cur.Messages, Answers: cur.Answers, RSVPs: cur.RSVPs}
	a.applyGroup()
	if err := p.SaveGroup(a.st.Group); err != nil {
		return nil, nil, err
	}
	a.applyMembers()
	for _, m := range a.st.Members {
		m.GroupID = a.st.Group.ID
		if err := p.SaveMember(m); err != nil {
			return nil, nil, err
		}
	}
	a.applySessions()
	a.rotate()
	for _, s := range a.st.Sessions {
		s.GroupID = a.st.Group.ID
		if err := p.SaveSession(s); err != nil {
			return nil, nil, err
		}
	}
	return a.st, a.changes, nil
}

type applier struct {
	spec         *GroupSpec
	now          time.Time
	gen          Generator
	st           *State
	changes      []string
	visioChanged bool
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
			m = &Member{Email: email, FeedToken: a.gen.Token()}
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
