package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/codev-org/codev/workflow"
)

// CreateLogin implements workflow.Tx.
func (tx *Tx) CreateLogin(ctx context.Context, l *workflow.Login) error {
	if l.CreatedAt.IsZero() {
		l.CreatedAt = time.Now()
	}
	l.CreatedAt, l.ExpiresAt = normalTime(l.CreatedAt), normalTime(l.ExpiresAt)
	_, err := tx.ex.Exec(ctx, `INSERT INTO logins (token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		l.TokenHash, l.Email, tx.dialect.time(l.CreatedAt), tx.dialect.time(l.ExpiresAt))
	if err != nil {
		return fmt.Errorf("error storing sign-in link: %w", err)
	}
	return nil
}

// ConsumeLogin implements workflow.Tx. The UPDATE only matches an unused,
// unexpired link, so two concurrent uses cannot both succeed.
func (tx *Tx) ConsumeLogin(ctx context.Context, tokenHash string, now time.Time) (*workflow.Login, error) {
	now = normalTime(now)
	n, err := tx.ex.Exec(ctx, `UPDATE logins SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
		tokenHash, tx.dialect.time(now))
	if err != nil {
		return nil, fmt.Errorf("error using sign-in link: %w", err)
	}
	if n != 1 {
		return nil, fmt.Errorf("sign-in link unknown, used or expired: %w", workflow.ErrNotFound)
	}
	l := &workflow.Login{TokenHash: tokenHash}
	err = tx.ex.QueryRow(ctx, `SELECT email, created_at, expires_at, used_at FROM logins WHERE token_hash = $1`, tokenHash).
		Scan(&l.Email, timeDest{&l.CreatedAt}, timeDest{&l.ExpiresAt}, timeDest{&l.UsedAt})
	if err != nil {
		return nil, fmt.Errorf("error reading sign-in link: %w", err)
	}
	return l, nil
}
