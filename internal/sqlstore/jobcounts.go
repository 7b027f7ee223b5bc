package sqlstore

// JobCountsSQL counts River's jobs by state (the queue depth /metrics
// shows). It is the same text on both databases, and runs outside a
// transaction: the stores run it on their pool or database handle.
const JobCountsSQL = `SELECT state, count(*) FROM river_job GROUP BY state`

// ScannedRows are rows being read: pgx.Rows and *sql.Rows both have these
// methods.
type ScannedRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanJobCounts reads the (state, count) rows of JobCountsSQL. The caller
// closes rows.
func ScanJobCounts(rows ScannedRows) (map[string]int64, error) {
	out := map[string]int64{}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, err
		}
		out[state] = n
	}
	return out, rows.Err()
}
