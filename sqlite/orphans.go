package sqlite

import (
	"context"
	"fmt"
)

// RescueOrphans makes available again every job left running by another
// River client than self, and returns how many. SQLite serves one process
// per database file, so when this process starts, a job still marked
// running belongs to a process that died (killed, or the machine stopped):
// without this, River would leave it for an hour before retrying it. Call it
// before the River client starts working. Workers are written to run more
// than once (workflow.Service.Send checks the message's status).
func (s *Store) RescueOrphans(ctx context.Context, self string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running' AND coalesce(json_extract(json(attempted_by), '$[#-1]'), '') <> $1`, self)
	if err != nil {
		return 0, fmt.Errorf("sqlite: error rescuing jobs: %w", err)
	}
	return res.RowsAffected()
}
