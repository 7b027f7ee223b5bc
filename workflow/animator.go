package workflow

// The animators' pages: who may manage which group, and the helpers the
// pages use to show a group as its emails do.

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/codev-org/codev/templates"
)

// IsAdmin reports whether email is one of CODEV_ADMINS.
func (s *Service) IsAdmin(email string) bool {
	return email != "" && slices.Contains(s.cfg.Admins, normalEmail(email))
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ManagedGroups returns the groups email may manage, ordered by name: every
// group for an admin, else the groups it is the active animator of.
func (s *Service) ManagedGroups(ctx context.Context, email string) ([]*Group, error) {
	email = normalEmail(email)
	var out []*Group
	err := s.store.InTx(ctx, func(tx Tx) error {
		out = out[:0]
		if s.IsAdmin(email) {
			var err error
			out, err = tx.Groups(ctx)
			return err
		}
		ms, err := tx.MembersByEmail(ctx, email)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role != RoleAnimator || !m.Active {
				continue
			}
			g, err := tx.Group(ctx, m.GroupID)
			if err != nil {
				return err
			}
			out = append(out, g)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// GroupState loads one group's state. A missing group returns ErrNotFound.
func (s *Service) GroupState(ctx context.Context, groupID int64) (*State, error) {
	var st *State
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		st, err = LoadState(ctx, tx, groupID)
		return err
	})
	return st, err
}

// Manages reports whether email may see and steer the group: it is the
// group's active animator, or an admin.
func (s *Service) Manages(st *State, email string) bool {
	email = normalEmail(email)
	if s.IsAdmin(email) {
		return true
	}
	a := st.Animator()
	return a != nil && email != "" && a.Email == email
}

// FormatWhen writes a time as the group's emails do, in its language and
// time zone.
func FormatWhen(g *Group, t time.Time) string {
	return templates.FormatDateTime(g.Language, t, g.Location())
}

// KindLabel names a kind of email in words in lang, for the animator's pages.
func KindLabel(k Kind, lang string) string { return templates.KindLabel(templateKind(k), lang) }
