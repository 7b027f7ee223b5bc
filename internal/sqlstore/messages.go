package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/codev-org/codev/workflow"
)

const messageColumns = `id, group_id, session_id, member_id, kind, sequence, key, due_at, status, reason,
	message_id, sent_at, attempts, answered_at`

// scanMessage reads a row of messageColumns.
func scanMessage(row scanner) (*workflow.Message, error) {
	var m workflow.Message
	err := row.Scan(&m.ID, &m.GroupID, idDest{&m.SessionID}, idDest{&m.MemberID}, &m.Kind, &m.Sequence,
		&m.Key, timeDest{&m.DueAt}, &m.Status, &m.Reason, &m.MessageID, timeDest{&m.SentAt}, &m.Attempts,
		timeDest{&m.AnsweredAt})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// Messages implements workflow.Tx.
func (tx *Tx) Messages(ctx context.Context, groupID int64) ([]*workflow.Message, error) {
	messages, err := list(ctx, tx.ex, scanMessage, `SELECT `+messageColumns+` FROM messages WHERE group_id = $1 ORDER BY id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("error listing messages of group %d: %w", groupID, err)
	}
	return messages, nil
}

// Message implements workflow.Tx.
func (tx *Tx) Message(ctx context.Context, id int64) (*workflow.Message, error) {
	m, err := one(ctx, tx.ex, scanMessage, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("error getting message %d: %w", id, err)
	}
	return m, nil
}

// MessageByMessageID implements workflow.Tx. The empty Message-ID matches
// nothing; should two messages share one, the first recorded is returned.
func (tx *Tx) MessageByMessageID(ctx context.Context, messageID string) (*workflow.Message, error) {
	m, err := one(ctx, tx.ex, scanMessage, `SELECT `+messageColumns+` FROM messages
		WHERE message_id = $1 AND message_id <> '' ORDER BY id LIMIT 1`, messageID)
	if err != nil {
		return nil, fmt.Errorf("error getting message <%s>: %w", messageID, err)
	}
	return m, nil
}

// AddMessage implements workflow.Tx.
func (tx *Tx) AddMessage(ctx context.Context, m *workflow.Message) (bool, error) {
	var id int64
	err := tx.ex.QueryRow(ctx, `
		INSERT INTO messages (group_id, session_id, member_id, kind, sequence, key, due_at, status, reason,
			message_id, sent_at, attempts, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (key) DO NOTHING
		RETURNING id`,
		m.GroupID, nullID(m.SessionID), nullID(m.MemberID), string(m.Kind), m.Sequence, m.Key,
		tx.dialect.time(m.DueAt), m.Status, m.Reason, m.MessageID, tx.dialect.nullTime(m.SentAt), m.Attempts,
		tx.dialect.nullTime(m.AnsweredAt),
	).Scan(&id)
	if errors.Is(err, workflow.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("error adding message %q: %w", m.Key, err)
	}
	m.ID = id
	return true, nil
}

// UpdateMessage implements workflow.Tx. It writes every field but ID; taking
// another message's Key is an ECONFLICT error.
func (tx *Tx) UpdateMessage(ctx context.Context, m *workflow.Message) error {
	err := mustAffect(tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return tx.ex.Exec(ctx, `
			UPDATE messages SET group_id = $2, session_id = $3, member_id = $4, kind = $5, sequence = $6,
				key = $7, due_at = $8, status = $9, reason = $10, message_id = $11, sent_at = $12,
				attempts = $13, answered_at = $14
			WHERE id = $1`,
			m.ID, m.GroupID, nullID(m.SessionID), nullID(m.MemberID), string(m.Kind), m.Sequence, m.Key,
			tx.dialect.time(m.DueAt), m.Status, m.Reason, m.MessageID, tx.dialect.nullTime(m.SentAt),
			m.Attempts, tx.dialect.nullTime(m.AnsweredAt))
	}))
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "a message with key %q exists", m.Key)
	}
	if err != nil {
		return fmt.Errorf("error updating message %d: %w", m.ID, err)
	}
	return nil
}
