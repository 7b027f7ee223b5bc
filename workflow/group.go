package workflow

import (
	"time"
)

// Language of a group's emails.
const (
	LangFR = "fr"
	LangEN = "en"
)

// Rotation modes (DOMAIN.md §1.6).
const (
	ModePlanned = "planned" // the order of clients is fixed at cycle start; swaps allowed
	ModeOpen    = "open"    // a call for topics before each session; the animator chooses
)

// Limits of the method: 5 to 8 peers, 6 by default.
const (
	DefaultMaxMembers = 6
	HardMaxMembers    = 8
	DefaultDuration   = 2 * time.Hour
)

// Group is a co-development group: peers, an animator and one cycle of sessions.
type Group struct {
	ID         int64
	Name       string
	Language   string // LangFR or LangEN
	Timezone   string // IANA name, e.g. Europe/Paris
	Country    string // whose public holidays no email goes out on (Countries); empty means DefaultCountry
	Visio      string // video link of every session
	Mode       string // ModePlanned or ModeOpen
	MaxMembers int
	Offsets    Offsets
	FeedToken  string // secret of the group's calendar feed URL
	CreatedAt  time.Time
}

// Location returns the group's time zone. Groups are validated on apply, so
// an unknown zone here means a corrupted row: fall back to UTC rather than fail
// every message of the group.
func (g *Group) Location() *time.Location {
	loc, err := time.LoadLocation(g.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// CountryCode is the group's country, DefaultCountry when unset.
func (g *Group) CountryCode() string {
	if g.Country == "" {
		return DefaultCountry
	}
	return g.Country
}

// Roles of a participant.
const (
	RoleMember   = "member"
	RoleAnimator = "animator"
)

// Member is a participant of a group: a peer, or the animator (Role). The
// animator is stored like a member so that every message has one recipient row,
// one token and one history.
type Member struct {
	ID          int64
	GroupID     int64
	Role        string
	Name        string
	Email       string // lowercased
	Position    int    // order in the group file; the rotation follows it
	Unavailable []int  // session numbers the member cannot attend
	Timezone    string // IANA name when the member lives in another zone than the group's; else empty
	Active      bool   // false once removed from the group file
	Paused      bool   // pause mode: no non-essential email
	Bounced     bool   // a permanent bounce was received for Email
	FeedToken   string // secret of the member's personal calendar feed
}

// Location is the member's time zone: their own when set, else the group's.
// Send times keep to daytime hours there.
func (m *Member) Location(g *Group) *time.Location {
	if m.Timezone != "" {
		if loc, err := time.LoadLocation(m.Timezone); err == nil {
			return loc
		}
	}
	return g.Location()
}

// Person is a name and an address, as the group file gives them.
type Person struct {
	Name  string
	Email string
}

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

// Session is one meeting of the cycle. UID and Sequence are the calendar
// identity of its invitations: UID never changes, Sequence goes up by one on
// every change that matters (time, link, cancellation) and never down.
type Session struct {
	ID       int64
	GroupID  int64
	Number   int // 1-based
	Start    time.Time
	Duration time.Duration
	ClientID int64 // member who is client; 0 when nobody is assigned (open mode, or more sessions than members)
	Status   string
	Sequence int
	UID      string
	// Pinned is set when the animator or an operator chose the client (a
	// swap, the choice in open mode): re-applying the group file keeps it.
	Pinned bool
	// MovedFrom is the start the session had before its last change of
	// time, so that the updated invitation can say the old date and the
	// new one. It is zero when the last raise of Sequence did not move the
	// session (a new video link or length, a restore), and for sessions
	// never moved.
	MovedFrom time.Time
}

// End is when the session finishes.
func (s *Session) End() time.Time { return s.Start.Add(s.Duration) }

// Cancelled reports whether the session was cancelled.
func (s *Session) Cancelled() bool { return s.Status == SessionCancelled }
