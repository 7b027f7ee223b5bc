package sqlstore

import (
	"context"
	"fmt"
)

// SetRequestText implements workflow.Tx. It leaves every other column of
// the message alone, so UpdateMessage never needs to carry the text.
func (tx *Tx) SetRequestText(ctx context.Context, messageID int64, text string) error {
	err := mustAffect(tx.ex.Exec(ctx, `UPDATE messages SET request_text = $2 WHERE id = $1`, messageID, text))
	if err != nil {
		return fmt.Errorf("error recording the text of message %d: %w", messageID, err)
	}
	return nil
}

// RequestText implements workflow.Tx.
func (tx *Tx) RequestText(ctx context.Context, messageID int64) (string, error) {
	var text string
	if err := tx.ex.QueryRow(ctx, `SELECT request_text FROM messages WHERE id = $1`, messageID).Scan(&text); err != nil {
		return "", fmt.Errorf("error reading the text of message %d: %w", messageID, err)
	}
	return text, nil
}

// ForgetRequestTexts implements workflow.Tx. Rows already without text
// are not touched, so that a purge run on every reconcile changes nothing
// (and fires no trigger) the second time.
func (tx *Tx) ForgetRequestTexts(ctx context.Context, groupID, memberID int64) (int64, error) {
	n, err := tx.ex.Exec(ctx, `UPDATE messages SET request_text = '' WHERE group_id = $1 AND ($2 = 0 OR member_id = $2)
		AND request_text <> ''`, groupID, memberID)
	if err != nil {
		return 0, fmt.Errorf("error forgetting request texts of group %d member %d: %w", groupID, memberID, err)
	}
	return n, nil
}
