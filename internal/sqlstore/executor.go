package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/codev-org/codev/workflow"
)

// Executor runs statements inside one transaction. Its QueryRow returns a
// Row whose Scan fails with an error wrapping workflow.ErrNotFound when there
// is no row.
type Executor interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query returning rows. The caller closes them.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query returning at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Row is the result of Executor.QueryRow.
type Row interface {
	Scan(dest ...any) error
}

// Rows is the result of Executor.Query.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// NewPgxExecutor returns an Executor running statements in tx.
func NewPgxExecutor(tx pgx.Tx) Executor { return pgxExecutor{tx} }

// pgxExecutor adapts a pgx transaction.
type pgxExecutor struct {
	tx pgx.Tx
}

func (e pgxExecutor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := e.tx.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (e pgxExecutor) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return e.tx.Query(ctx, query, args...)
}

func (e pgxExecutor) QueryRow(ctx context.Context, query string, args ...any) Row {
	return pgxRow{e.tx.QueryRow(ctx, query, args...)}
}

// pgxRow maps pgx.ErrNoRows to workflow.ErrNotFound.
type pgxRow struct {
	row pgx.Row
}

func (r pgxRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return workflow.ErrNotFound
	}
	return err
}

// NewSQLExecutor returns an Executor running statements in tx.
func NewSQLExecutor(tx *sql.Tx) Executor { return sqlExecutor{tx} }

// sqlExecutor adapts a database/sql transaction.
type sqlExecutor struct {
	tx *sql.Tx
}

func (e sqlExecutor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := e.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (e sqlExecutor) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := e.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (e sqlExecutor) QueryRow(ctx context.Context, query string, args ...any) Row {
	return sqlRow{e.tx.QueryRowContext(ctx, query, args...)}
}

// sqlRow maps sql.ErrNoRows to workflow.ErrNotFound.
type sqlRow struct {
	row *sql.Row
}

func (r sqlRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return workflow.ErrNotFound
	}
	return err
}

// sqlRows drops the error of Close, which Err reports.
type sqlRows struct {
	*sql.Rows
}

func (r sqlRows) Close() { _ = r.Rows.Close() }
