package sqlite

import (
	"context"
	"fmt"

	"github.com/codev-org/codev/internal/sqlstore"
	"github.com/codev-org/codev/migrations"
)

// Migrate applies River's migrations and codev's to the database
// (migrations.MigrateSQLite), creating the file's tables.
func (s *Store) Migrate(ctx context.Context) error {
	return migrations.MigrateSQLite(ctx, s.db)
}

// PendingMigrations lists the migrations Migrate would apply, none when the
// database is up to date.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) {
	return migrations.PendingSQLite(ctx, s.db)
}

// JobCounts counts River's jobs by state: the queue depth. It reads outside
// a transaction, so a metrics scrape never waits for the writer.
func (s *Store) JobCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, sqlstore.JobCountsSQL)
	if err != nil {
		return nil, fmt.Errorf("sqlite: error counting jobs: %w", err)
	}
	defer rows.Close()
	counts, err := sqlstore.ScanJobCounts(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: error counting jobs: %w", err)
	}
	return counts, nil
}
