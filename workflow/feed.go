package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Feed is a group's calendar as seen through one feed token.
type Feed struct {
	Name   string
	Events []Event
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
		ev := SessionEvent(g, ss)
		ev.Cancelled = ss.Cancelled()
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

// RotateFeedToken replaces the secret of the group's calendar feed (memberID
// 0) or of one member's, so that the old feed URL stops working at once,
// and returns the new feed URL. It returns EINVALID when the member is not
// in the group.
func (s *Service) RotateFeedToken(ctx context.Context, groupID, memberID int64) (string, error) {
	token := s.gen.Token()
	err := s.store.InTx(ctx, func(tx Tx) error {
		g, err := tx.Group(ctx, groupID)
		if err != nil {
			return err
		}
		if memberID == 0 {
			g.FeedToken = token
			return tx.UpdateGroup(ctx, g)
		}
		m, err := tx.Member(ctx, memberID)
		if err != nil {
			return err
		}
		if m.GroupID != g.ID {
			return Errorf(EINVALID, "member %d is not in group %d", memberID, groupID)
		}
		m.FeedToken = token
		return tx.UpdateMember(ctx, m)
	})
	if err != nil {
		return "", err
	}
	s.log.InfoContext(ctx, "feeds: Rotated feed token", slog.Int64("group_id", groupID), slog.Int64("member_id", memberID))
	return s.FeedURL(token), nil
}
