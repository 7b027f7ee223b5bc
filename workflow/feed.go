package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FeedEvent is a session as a calendar feed shows it: the same UID and
// SEQUENCE as the invitations, no attendee, no content.
type FeedEvent struct {
	UID         string
	Sequence    int
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	Cancelled   bool
}

// Feed is a group's calendar as seen through one feed token.
type Feed struct {
	Name   string
	Events []FeedEvent
}

// feedHistory is how far back feeds show past sessions.
const feedHistory = 92 * 24 * time.Hour

// Feed returns the calendar behind a feed token: the group's token or one of
// its members' (a removed member's token stops working). Unknown tokens
// return ErrNotFound.
func (s *Service) Feed(ctx context.Context, token string) (*Feed, error) {
	var st *State
	err := s.store.InTx(ctx, func(tx Tx) error {
		g, err := tx.GroupByFeedToken(ctx, token)
		if errors.Is(err, ErrNotFound) {
			m, merr := tx.MemberByFeedToken(ctx, token)
			if merr != nil {
				return merr
			}
			if !m.Active {
				return fmt.Errorf("member %d is no longer in the group: %w", m.ID, ErrNotFound)
			}
			g, err = tx.Group(ctx, m.GroupID)
		}
		if err != nil {
			return err
		}
		st = &State{Group: g}
		st.Sessions, err = tx.Sessions(ctx, g.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return FeedOf(st, s.clock.Now()), nil
}

// FeedOf builds a group's feed: sessions of the last three months and all
// future ones; cancelled ones stay, marked, so that calendars drop them.
func FeedOf(st *State, now time.Time) *Feed {
	g := st.Group
	f := &Feed{Name: "Codev " + g.Name}
	for _, ss := range st.Sessions {
		if ss.End().Before(now.Add(-feedHistory)) {
			continue
		}
		ev := FeedEvent{UID: ss.UID, Sequence: ss.Sequence, Start: ss.Start, End: ss.End(),
			Summary: EventSummary(g, ss), Description: EventDescription(g, ss), Location: g.Visio,
			Cancelled: ss.Cancelled()}
		if ev.Cancelled {
			prefix := "Annulé : "
			if g.Language == LangEN {
				prefix = "Cancelled: "
			}
			ev.Summary = prefix + ev.Summary
		}
		f.Events = append(f.Events, ev)
	}
	return f
}
