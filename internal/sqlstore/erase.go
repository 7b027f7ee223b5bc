package sqlstore

import (
	"context"
	"fmt"
)

// DeleteAnswers implements workflow.Tx.
func (tx *Tx) DeleteAnswers(ctx context.Context, groupID, memberID int64) (int64, error) {
	n, err := tx.ex.Exec(ctx, `DELETE FROM answers WHERE group_id = $1 AND ($2 = 0 OR member_id = $2)`, groupID, memberID)
	if err != nil {
		return 0, fmt.Errorf("error deleting answers of group %d member %d: %w", groupID, memberID, err)
	}
	return n, nil
}

// DeleteInbound implements workflow.Tx.
func (tx *Tx) DeleteInbound(ctx context.Context, groupID, memberID int64) (int64, error) {
	n, err := tx.ex.Exec(ctx, `DELETE FROM inbound WHERE group_id = $1 AND ($2 = 0 OR member_id = $2)`, groupID, memberID)
	if err != nil {
		return 0, fmt.Errorf("error deleting inbound messages of group %d member %d: %w", groupID, memberID, err)
	}
	return n, nil
}
