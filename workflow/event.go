package workflow

import (
	"fmt"
	"time"

	"github.com/codev-org/codev/templates"
)

// Event is a session as calendars show it, the one shape shared by the
// invitations (Invite) and the feeds (Feed): the same UID and SEQUENCE
// everywhere, and no content (DOMAIN.md §3 rule 3): the group name, the
// session number, the date and the video link only. The calendar adapter
// (mail/postman) turns it into calendar.Event.
type Event struct {
	UID         string
	Sequence    int
	Start, End  time.Time
	Summary     string
	Description string
	Location    string // the video link
	// Cancelled marks a cancelled session in a feed. Invitations never set
	// it: their Method says REQUEST or CANCEL.
	Cancelled bool
}

// SessionEvent is session s of group g as calendars show it, at the
// session's current Sequence.
func SessionEvent(g *Group, s *Session) Event {
	return Event{UID: s.UID, Sequence: s.Sequence, Start: s.Start, End: s.End(),
		Summary: EventSummary(g, s), Description: EventDescription(g, s), Location: g.Visio}
}

// EventSummary is the title of a session in calendars: group and session
// number only (DOMAIN.md §3 rule 3).
func EventSummary(g *Group, s *Session) string {
	if g.Language == LangEN {
		return fmt.Sprintf("Codev %s – session %d", g.Name, s.Number)
	}
	return fmt.Sprintf("Codev %s – séance %d", g.Name, s.Number)
}

// EventDescription is the description of a session in calendars: group,
// session, date and video link, nothing else.
func EventDescription(g *Group, s *Session) string {
	when := templates.FormatDateTime(g.Language, s.Start, g.Location())
	if g.Language == LangEN {
		return fmt.Sprintf("Co-development group %s, session %d, %s. Video link: %s", g.Name, s.Number, when, g.Visio)
	}
	return fmt.Sprintf("Groupe de codéveloppement %s, séance %d, %s. Lien visio"+templates.NBSP+": %s", g.Name, s.Number, when, g.Visio)
}
