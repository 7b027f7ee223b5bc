package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// never is the wake time of a group with nothing planned: far enough that
// no clock reaches it, and a valid time in both databases.
var never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// GroupsToReconcile implements workflow.Tx.
func (tx *Tx) GroupsToReconcile(ctx context.Context, now time.Time) ([]int64, error) {
	ids, err := list(ctx, tx.ex, func(row scanner) (*int64, error) {
		var id int64
		return &id, row.Scan(&id)
	}, `SELECT id FROM groups WHERE wake_at IS NULL OR wake_at <= $1 ORDER BY id`, tx.dialect.time(now))
	if err != nil {
		return nil, fmt.Errorf("error listing groups to reconcile: %w", err)
	}
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = *id
	}
	return out, nil
}

// LockGroup implements workflow.Tx. On PostgreSQL it locks the group's row,
// which every change to the group's state also locks (the triggers of
// migration 0004_group_wake); SQLite runs one writing transaction at a time
// (BEGIN IMMEDIATE), so there it only checks that the group exists.
func (tx *Tx) LockGroup(ctx context.Context, groupID int64) error {
	query := `SELECT id FROM groups WHERE id = $1`
	if tx.dialect == Postgres {
		query += ` FOR NO KEY UPDATE`
	}
	var id int64
	if err := tx.ex.QueryRow(ctx, query, groupID).Scan(&id); err != nil {
		return fmt.Errorf("error locking group %d: %w", groupID, err)
	}
	return nil
}

// SetGroupWake implements workflow.Tx. Writing the time it already holds
// changes nothing, so that the trigger that clears it on other updates of
// the group does not fire (migrations 0004_group_wake).
func (tx *Tx) SetGroupWake(ctx context.Context, groupID int64, at time.Time) error {
	if at.IsZero() {
		at = never
	}
	t := tx.dialect.time(at)
	_, err := tx.ex.Exec(ctx, `UPDATE groups SET wake_at = $2 WHERE id = $1 AND (wake_at IS NULL OR wake_at <> $2)`, groupID, t)
	if err != nil {
		return fmt.Errorf("error setting the wake time of group %d: %w", groupID, err)
	}
	return nil
}
