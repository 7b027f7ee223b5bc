package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/codev-org/codev/workflow"
)

const sessionColumns = `id, group_id, number, starts_at, duration_seconds, client_id, status, sequence, uid, pinned, moved_from`

// scanSession reads a row of sessionColumns.
func scanSession(row scanner) (*workflow.Session, error) {
	var (
		s       workflow.Session
		seconds int64
	)
	err := row.Scan(&s.ID, &s.GroupID, &s.Number, timeDest{&s.Start}, &seconds, idDest{&s.ClientID},
		&s.Status, &s.Sequence, &s.UID, &s.Pinned, timeDest{&s.MovedFrom})
	if err != nil {
		return nil, err
	}
	s.Duration = time.Duration(seconds) * time.Second
	return &s, nil
}

// durationSeconds is how a session's Duration is stored: whole seconds.
func durationSeconds(s *workflow.Session) int64 { return int64(s.Duration / time.Second) }

// Sessions implements workflow.Tx.
func (tx *Tx) Sessions(ctx context.Context, groupID int64) ([]*workflow.Session, error) {
	sessions, err := list(ctx, tx.ex, scanSession, `SELECT `+sessionColumns+` FROM sessions WHERE group_id = $1 ORDER BY number, id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("error listing sessions of group %d: %w", groupID, err)
	}
	return sessions, nil
}

// Session implements workflow.Tx.
func (tx *Tx) Session(ctx context.Context, id int64) (*workflow.Session, error) {
	s, err := one(ctx, tx.ex, scanSession, `SELECT `+sessionColumns+` FROM sessions WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("error getting session %d: %w", id, err)
	}
	return s, nil
}

// SessionByUID implements workflow.Tx. The empty UID matches nothing.
func (tx *Tx) SessionByUID(ctx context.Context, uid string) (*workflow.Session, error) {
	s, err := one(ctx, tx.ex, scanSession, `SELECT `+sessionColumns+` FROM sessions WHERE uid = $1 AND uid <> ''`, uid)
	if err != nil {
		return nil, fmt.Errorf("error getting session %q: %w", uid, err)
	}
	return s, nil
}

// CreateSession implements workflow.Tx. Duration is stored in whole seconds;
// a non-empty UID must be unique (ECONFLICT).
func (tx *Tx) CreateSession(ctx context.Context, s *workflow.Session) error {
	_, err := tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return 1, tx.ex.QueryRow(ctx, `
			INSERT INTO sessions (group_id, number, starts_at, duration_seconds, client_id, status, sequence, uid, pinned, moved_from)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			RETURNING id`,
			s.GroupID, s.Number, tx.dialect.time(s.Start), durationSeconds(s), nullID(s.ClientID),
			s.Status, s.Sequence, s.UID, s.Pinned, tx.dialect.nullTime(s.MovedFrom),
		).Scan(&s.ID)
	})
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "a session with UID %q exists", s.UID)
	}
	if err != nil {
		return fmt.Errorf("error creating session %d of group %d: %w", s.Number, s.GroupID, err)
	}
	return nil
}

// UpdateSession implements workflow.Tx. It writes every field but ID.
func (tx *Tx) UpdateSession(ctx context.Context, s *workflow.Session) error {
	err := mustAffect(tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return tx.ex.Exec(ctx, `
			UPDATE sessions SET group_id = $2, number = $3, starts_at = $4, duration_seconds = $5,
				client_id = $6, status = $7, sequence = $8, uid = $9, pinned = $10, moved_from = $11
			WHERE id = $1`,
			s.ID, s.GroupID, s.Number, tx.dialect.time(s.Start), durationSeconds(s), nullID(s.ClientID),
			s.Status, s.Sequence, s.UID, s.Pinned, tx.dialect.nullTime(s.MovedFrom))
	}))
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "a session with UID %q exists", s.UID)
	}
	if err != nil {
		return fmt.Errorf("error updating session %d: %w", s.ID, err)
	}
	return nil
}
