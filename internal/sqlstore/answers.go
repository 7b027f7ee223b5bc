package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/codev-org/codev/workflow"
)

const answerColumns = `id, group_id, session_id, member_id, request_id, kind, question, text, shared, inbound_id, created_at`

// scanAnswer reads a row of answerColumns.
func scanAnswer(row scanner) (*workflow.Answer, error) {
	var a workflow.Answer
	err := row.Scan(&a.ID, &a.GroupID, idDest{&a.SessionID}, idDest{&a.MemberID}, &a.RequestID, &a.Kind,
		&a.Question, &a.Text, &a.Shared, idDest{&a.InboundID}, timeDest{&a.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// SaveAnswer implements workflow.Tx. It sets a.ID, which a replaced answer
// keeps. A zero CreatedAt is set to now; either way a.CreatedAt is left as
// stored (UTC, microseconds).
func (tx *Tx) SaveAnswer(ctx context.Context, a *workflow.Answer) error {
	created := a.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	created = normalTime(created)
	err := tx.ex.QueryRow(ctx, `
		INSERT INTO answers (group_id, session_id, member_id, request_id, kind, question, text, shared,
			inbound_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (request_id, question) DO UPDATE SET group_id = excluded.group_id,
			session_id = excluded.session_id, member_id = excluded.member_id, kind = excluded.kind,
			text = excluded.text, shared = excluded.shared, inbound_id = excluded.inbound_id,
			created_at = excluded.created_at
		RETURNING id`,
		a.GroupID, nullID(a.SessionID), nullID(a.MemberID), a.RequestID, string(a.Kind), a.Question, a.Text,
		a.Shared, nullID(a.InboundID), tx.dialect.time(created),
	).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("error saving answer %d to request %d: %w", a.Question, a.RequestID, err)
	}
	a.CreatedAt = created
	return nil
}

// Answers implements workflow.Tx. They come in the order first saved.
func (tx *Tx) Answers(ctx context.Context, groupID int64) ([]*workflow.Answer, error) {
	answers, err := list(ctx, tx.ex, scanAnswer, `SELECT `+answerColumns+` FROM answers WHERE group_id = $1 ORDER BY id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("error listing answers of group %d: %w", groupID, err)
	}
	return answers, nil
}
