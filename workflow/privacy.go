package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Erasure and retention (DOMAIN.md §3 rules 6 and 7). What is deleted is
// free text: answers, inbound messages and the kept texts of requests
// (request_text.go). What stays is what carries no content: recorded
// messages (kind, dates, status), RSVPs (attendance) and the sessions.

// erasedDomain is the reserved .invalid domain (RFC 2606) that erased
// members' addresses are moved to: it can never be delivered to, nor
// collide with a real participant.
const erasedDomain = "@invalid"

// Erased reports whether the member's personal data was erased.
func (m *Member) Erased() bool {
	return strings.HasPrefix(m.Email, "erased-") && strings.HasSuffix(m.Email, erasedDomain)
}

// EraseMember removes a person's personal data from every group they are in:
// their answers and inbound messages are deleted, and their member row is
// anonymised (name, address, feed token) and made inactive. RSVPs and the
// record of sent messages stay: they say who attended and what was sent,
// never what was written. It returns how many member rows were erased; an
// address no group knows is an ENOTFOUND error.
//
// The erased row is also marked bounced: it has no address left, so the
// reconciler records whatever it would still send them (the CANCELs of an
// inactive member) as skipped instead of writing to the .invalid domain.
func (s *Service) EraseMember(ctx context.Context, email string) (int, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		members, err := tx.MembersByEmail(ctx, email)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			return Errorf(ENOTFOUND, "no group has a participant with the address %q", email)
		}
		n = 0
		for _, m := range members {
			if err := s.erase(ctx, tx, m); err != nil {
				return err
			}
			n++
		}
		return tx.EnqueueReconcile(ctx)
	})
	if err != nil {
		return 0, err
	}
	s.log.InfoContext(ctx, "privacy: Erased member", slog.Int("members", n))
	return n, nil
}

func (s *Service) erase(ctx context.Context, tx Tx, m *Member) error {
	answers, err := tx.DeleteAnswers(ctx, m.GroupID, m.ID)
	if err != nil {
		return err
	}
	inbound, err := tx.DeleteInbound(ctx, m.GroupID, m.ID)
	if err != nil {
		return err
	}
	if err := s.forgetTexts(ctx, tx, m.GroupID, m.ID); err != nil {
		return err
	}
	m.Name = "—"
	m.Email = fmt.Sprintf("erased-%d%s", m.ID, erasedDomain)
	m.Active, m.Paused, m.Bounced = false, true, true
	m.Unavailable, m.Timezone = nil, ""
	m.FeedToken = s.gen.Token()
	if err := tx.UpdateMember(ctx, m); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "privacy: Erased member data", slog.Int64("member_id", m.ID),
		slog.Int64("group_id", m.GroupID), slog.Int64("answers", answers), slog.Int64("inbound", inbound))
	return nil
}

// purge deletes a group's free text once its retention period is over:
// RetentionMonths after its last scheduled session (PurgeAt), 15 days after
// the warning (#16). It runs on every reconcile, inside its transaction, and
// deletes nothing the second time; an answer that arrives later is deleted
// by the next reconcile.
func (s *Service) purge(ctx context.Context, tx Tx, st *State, now time.Time) error {
	sch := st.Scheduled()
	if len(sch) == 0 || now.Before(PurgeAt(st.Group, sch[len(sch)-1])) {
		return nil
	}
	answers, err := tx.DeleteAnswers(ctx, st.Group.ID, 0)
	if err != nil {
		return err
	}
	inbound, err := tx.DeleteInbound(ctx, st.Group.ID, 0)
	if err != nil {
		return err
	}
	if err := s.forgetTexts(ctx, tx, st.Group.ID, 0); err != nil {
		return err
	}
	if answers+inbound > 0 {
		s.log.InfoContext(ctx, "privacy: Purged free text after the retention period", slog.Int64("group_id", st.Group.ID),
			slog.Int64("answers", answers), slog.Int64("inbound", inbound))
	}
	return nil
}

// Preferences is what a member's preferences page shows: the member, their
// group, and the animator to write to for anything the page does not offer
// (erasure).
type Preferences struct {
	Member   *Member
	Group    *Group
	Animator *Member // nil when the group has none
}

// PreferencesByToken returns the member a preferences token names (the
// /p/TOKEN and /u/TOKEN links of every email). A token that does not verify,
// or that names a missing or erased member, is an ENOTFOUND error: the
// caller cannot tell which.
func (s *Service) PreferencesByToken(ctx context.Context, token string) (*Preferences, error) {
	id, err := s.signer.Verify(TokenPreferences, token)
	if err != nil {
		return nil, Errorf(ENOTFOUND, "unknown preferences link")
	}
	var p Preferences
	err = s.store.InTx(ctx, func(tx Tx) error {
		m, err := tx.Member(ctx, id)
		if errors.Is(err, ErrNotFound) || (err == nil && m.Erased()) {
			return Errorf(ENOTFOUND, "unknown preferences link")
		} else if err != nil {
			return err
		}
		members, err := tx.Members(ctx, m.GroupID)
		if err != nil {
			return err
		}
		g, err := tx.Group(ctx, m.GroupID)
		if err != nil {
			return err
		}
		p = Preferences{Member: m, Group: g, Animator: (&State{Members: members}).Animator()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}
