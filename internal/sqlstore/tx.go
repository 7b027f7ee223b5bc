package sqlstore

import (
	"context"
	"fmt"

	"github.com/codev-org/codev/workflow"
)

// Tx implements workflow.Tx over an Executor.
type Tx struct {
	ex      Executor
	dialect Dialect
	jobs    Jobs
}

var _ workflow.Tx = (*Tx)(nil)

// NewTx returns the workflow.Tx of one open transaction: ex runs its
// statements and jobs inserts and completes its River jobs, both in that same
// transaction.
func NewTx(ex Executor, dialect Dialect, jobs Jobs) *Tx {
	return &Tx{ex: ex, dialect: dialect, jobs: jobs}
}

// Secret implements workflow.Tx.
func (tx *Tx) Secret(ctx context.Context) ([]byte, error) {
	var secret []byte
	err := tx.ex.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, secretName).Scan(&secret)
	if err != nil {
		return nil, fmt.Errorf("error reading signing secret (run codev migrate): %w", err)
	}
	return secret, nil
}

// secretName is the settings row that package migrations fills with the
// signing secret.
const secretName = "signing_secret"

// scanner is a Row or the current row of Rows.
type scanner interface {
	Scan(dest ...any) error
}

// list runs query and scans each row with scan into a non-nil slice.
func list[T any](ctx context.Context, ex Executor, scan func(scanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := ex.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// one runs query and scans its row with scan. No row is an error wrapping
// workflow.ErrNotFound.
func one[T any](ctx context.Context, ex Executor, scan func(scanner) (*T, error), query string, args ...any) (*T, error) {
	return scan(ex.QueryRow(ctx, query, args...))
}

// mustAffect turns an update that matched no row into a not-found error.
func mustAffect(n int64, err error) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return workflow.ErrNotFound
	}
	return nil
}
