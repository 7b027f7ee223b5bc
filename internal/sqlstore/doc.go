// Package sqlstore implements workflow.Tx once for both of codev's databases.
//
// The postgres and sqlite packages open their database, begin a transaction
// and wrap it in an Executor (NewPgxExecutor, NewSQLExecutor) and a Jobs (NewJobs)
// before calling NewTx. The queries are the same text for both: PostgreSQL
// and modernc.org/sqlite both bind $1..$n by number, reused or out of order,
// and both support RETURNING, ON CONFLICT and SAVEPOINT. The few differences
// are in Dialect: how a time is passed (timestamptz, or fixed-width UTC text
// in SQLite), how text sorts byte-wise, and whether a failed statement aborts
// the transaction (PostgreSQL) so that a conflict must be caught inside a
// savepoint to leave the transaction usable, as it is in SQLite.
//
// Conventions shared by every table: times are stored in UTC, truncated to the
// microsecond (PostgreSQL's precision); an optional time that is zero and a
// reference that is 0 are stored as NULL; JSON fields are text.
package sqlstore
