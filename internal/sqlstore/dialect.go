package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Dialect is the database a Tx talks to.
type Dialect int

// The dialects.
const (
	Postgres Dialect = iota + 1
	SQLite
)

// timeFormat is how SQLite columns hold times: UTC, fixed width, with
// microseconds, so that they sort as text and round-trip exactly.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// timePrecision is PostgreSQL's; SQLite text keeps the same.
const timePrecision = time.Microsecond

// savepoint names the savepoint that guards a statement that may conflict.
const savepoint = "codev_statement"

// normalTime is t as stored: UTC, truncated to the microsecond.
func normalTime(t time.Time) time.Time { return t.UTC().Truncate(timePrecision) }

// time returns t as a query argument for a NOT NULL column.
func (d Dialect) time(t time.Time) any {
	t = normalTime(t)
	if d == SQLite {
		return t.Format(timeFormat)
	}
	return t
}

// nullTime returns t as a query argument for a nullable column: NULL when t
// is zero.
func (d Dialect) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return d.time(t)
}

// collate returns the clause that makes text sort byte-wise, as SQLite's
// default BINARY collation does, rather than by PostgreSQL's database locale.
func (d Dialect) collate() string {
	if d == Postgres {
		return ` COLLATE "C"`
	}
	return ""
}

// guard runs exec, a statement that may violate a unique constraint, so that
// the transaction stays usable when it does. A failed statement aborts a
// PostgreSQL transaction, so there it runs inside a savepoint that is rolled
// back on error; SQLite only undoes the failed statement.
func (d Dialect) guard(ctx context.Context, ex Executor, exec func() (int64, error)) (int64, error) {
	if d != Postgres {
		return exec()
	}
	if _, err := ex.Exec(ctx, "SAVEPOINT "+savepoint); err != nil {
		return 0, fmt.Errorf("error creating savepoint: %w", err)
	}
	n, err := exec()
	if err != nil {
		if _, rerr := ex.Exec(ctx, "ROLLBACK TO SAVEPOINT "+savepoint); rerr != nil {
			return 0, errors.Join(err, fmt.Errorf("error rolling back to savepoint: %w", rerr))
		}
		return 0, err
	}
	if _, err := ex.Exec(ctx, "RELEASE SAVEPOINT "+savepoint); err != nil {
		return 0, fmt.Errorf("error releasing savepoint: %w", err)
	}
	return n, nil
}

// nullID returns id as a query argument for a nullable reference: NULL when
// id is 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SQLite's result codes for a violated unique constraint or primary key
// (extended codes), and for any constraint (primary code).
const (
	sqliteConstraint           = 19
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// isUniqueViolation reports whether err is a violated unique constraint.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqliteErr interface{ Code() int }
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return true
		case sqliteConstraint:
			return strings.Contains(err.Error(), "UNIQUE constraint failed")
		}
	}
	return false
}

// timeDest scans a time column, NULL giving the zero time, into *t in UTC.
// PostgreSQL gives a time.Time, SQLite timeFormat text.
type timeDest struct {
	t *time.Time
}

// Scan implements sql.Scanner, which pgx also honours.
func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v.UTC()
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	return nil
}

func (d timeDest) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("error parsing time %q: %w", s, err)
	}
	*d.t = t.UTC()
	return nil
}

// idDest scans a nullable reference, NULL giving 0, into *id.
type idDest struct {
	id *int64
}

// Scan implements sql.Scanner, which pgx also honours.
func (d idDest) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d.id = 0
	case int64:
		*d.id = v
	default:
		return fmt.Errorf("cannot scan %T into an id", src)
	}
	return nil
}
