package postgres

import (
	"context"
	"fmt"

	"github.com/codev-org/codev/internal/sqlstore"
	"github.com/codev-org/codev/migrations"
)

// Migrate applies River's migrations and codev's to the database
// (migrations.MigratePostgres). Several processes may run it at once.
func (s *Store) Migrate(ctx context.Context) error {
	return migrations.MigratePostgres(ctx, s.pool)
}

// PendingMigrations lists the migrations Migrate would apply, none when the
// database is up to date.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) {
	return migrations.PendingPostgres(ctx, s.pool)
}

// JobCounts counts River's jobs by state: the queue depth.
func (s *Store) JobCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, sqlstore.JobCountsSQL)
	if err != nil {
		return nil, fmt.Errorf("postgres: error counting jobs: %w", err)
	}
	defer rows.Close()
	counts, err := sqlstore.ScanJobCounts(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: error counting jobs: %w", err)
	}
	return counts, nil
}
