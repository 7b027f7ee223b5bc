package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/codev-org/codev/workflow"
)

const memberColumns = `id, group_id, role, name, email, position, unavailable, active, paused, bounced, feed_token, timezone`

// memberOrder puts the animator first, then members by position.
const memberOrder = ` ORDER BY CASE WHEN role = 'animator' THEN 0 ELSE 1 END, position, id`

// scanMember reads a row of memberColumns. An empty Unavailable reads as nil.
func scanMember(row scanner) (*workflow.Member, error) {
	var (
		m           workflow.Member
		unavailable string
	)
	err := row.Scan(&m.ID, &m.GroupID, &m.Role, &m.Name, &m.Email, &m.Position, &unavailable,
		&m.Active, &m.Paused, &m.Bounced, &m.FeedToken, &m.Timezone)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(unavailable), &m.Unavailable); err != nil {
		return nil, fmt.Errorf("error decoding unavailability of member %d: %w", m.ID, err)
	}
	if len(m.Unavailable) == 0 {
		m.Unavailable = nil
	}
	return &m, nil
}

// encodeUnavailable returns the JSON array of session numbers, "[]" for none.
func encodeUnavailable(m *workflow.Member) (string, error) {
	if len(m.Unavailable) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(m.Unavailable)
	if err != nil {
		return "", fmt.Errorf("error encoding unavailability of member %q: %w", m.Email, err)
	}
	return string(b), nil
}

// Members implements workflow.Tx.
func (tx *Tx) Members(ctx context.Context, groupID int64) ([]*workflow.Member, error) {
	members, err := list(ctx, tx.ex, scanMember, `SELECT `+memberColumns+` FROM members WHERE group_id = $1`+memberOrder, groupID)
	if err != nil {
		return nil, fmt.Errorf("error listing members of group %d: %w", groupID, err)
	}
	return members, nil
}

// Member implements workflow.Tx.
func (tx *Tx) Member(ctx context.Context, id int64) (*workflow.Member, error) {
	m, err := one(ctx, tx.ex, scanMember, `SELECT `+memberColumns+` FROM members WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("error getting member %d: %w", id, err)
	}
	return m, nil
}

// MemberByFeedToken implements workflow.Tx. The empty token matches nothing.
func (tx *Tx) MemberByFeedToken(ctx context.Context, token string) (*workflow.Member, error) {
	m, err := one(ctx, tx.ex, scanMember, `SELECT `+memberColumns+` FROM members WHERE feed_token = $1 AND feed_token <> ''`, token)
	if err != nil {
		return nil, fmt.Errorf("error getting member by feed token: %w", err)
	}
	return m, nil
}

// MembersByEmail implements workflow.Tx. They come ordered by ID. The
// address is compared as stored: members' addresses are lowercased.
func (tx *Tx) MembersByEmail(ctx context.Context, email string) ([]*workflow.Member, error) {
	members, err := list(ctx, tx.ex, scanMember, `SELECT `+memberColumns+` FROM members WHERE email = $1 ORDER BY id`, email)
	if err != nil {
		return nil, fmt.Errorf("error listing members with address %q: %w", email, err)
	}
	return members, nil
}

// CreateMember implements workflow.Tx.
func (tx *Tx) CreateMember(ctx context.Context, m *workflow.Member) error {
	unavailable, err := encodeUnavailable(m)
	if err != nil {
		return err
	}
	err = tx.ex.QueryRow(ctx, `
		INSERT INTO members (group_id, role, name, email, position, unavailable, active, paused, bounced, feed_token, timezone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (group_id, email) DO NOTHING
		RETURNING id`,
		m.GroupID, m.Role, m.Name, m.Email, m.Position, unavailable, m.Active, m.Paused, m.Bounced, m.FeedToken, m.Timezone,
	).Scan(&m.ID)
	if errors.Is(err, workflow.ErrNotFound) {
		return workflow.Errorf(workflow.ECONFLICT, "%s is already a participant of group %d", m.Email, m.GroupID)
	}
	if err != nil {
		return fmt.Errorf("error creating member %q: %w", m.Email, err)
	}
	return nil
}

// UpdateMember implements workflow.Tx. It writes every field but ID. Taking
// the address of another participant of the group is an ECONFLICT error.
func (tx *Tx) UpdateMember(ctx context.Context, m *workflow.Member) error {
	unavailable, err := encodeUnavailable(m)
	if err != nil {
		return err
	}
	err = mustAffect(tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return tx.ex.Exec(ctx, `
			UPDATE members SET group_id = $2, role = $3, name = $4, email = $5, position = $6,
				unavailable = $7, active = $8, paused = $9, bounced = $10, feed_token = $11, timezone = $12
			WHERE id = $1`,
			m.ID, m.GroupID, m.Role, m.Name, m.Email, m.Position, unavailable, m.Active, m.Paused, m.Bounced, m.FeedToken, m.Timezone)
	}))
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "%s or its feed token is used by another participant of group %d", m.Email, m.GroupID)
	}
	if err != nil {
		return fmt.Errorf("error updating member %d: %w", m.ID, err)
	}
	return nil
}
