package sqlite

import (
	"context"
	"fmt"
	"log/slog"
)

// WatchOrphans makes available again every job left running by another
// River client than self (this process's), so that it is worked again at
// once instead of after River's one-hour rescue. SQLite serves one process
// per database file, so when this process starts, a job still marked
// running belongs to a process that died (killed, or the machine stopped).
// Call it before the River client starts working; there is nothing to watch
// afterwards, so stop does nothing. Workers are written to run more than
// once (workflow.Service.Send checks the message's status).
func (s *Store) WatchOrphans(ctx context.Context, self string) (stop func(), err error) {
	res, err := s.db.ExecContext(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running' AND coalesce(json_extract(json(attempted_by), '$[#-1]'), '') <> $1`, self)
	if err != nil {
		return nil, fmt.Errorf("sqlite: error rescuing jobs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("sqlite: error rescuing jobs: %w", err)
	}
	if n > 0 {
		s.logger.InfoContext(ctx, "sqlite: Rescued jobs of a previous run", slog.Int64("jobs", n))
	}
	return func() {}, nil
}
