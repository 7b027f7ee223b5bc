package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// presenceRetry is how often a lost presence connection is re-made.
const presenceRetry = time.Second

// orphanInterval is how often a process looks for jobs left running by a
// process that died.
const orphanInterval = 5 * time.Second

// WatchOrphans makes sure that jobs a killed process left running are
// worked again within seconds, instead of after River's one-hour rescue (a
// send interrupted by SIGKILL or a power cut). self is this process's River
// client ID. Call it before River starts; call stop after River stopped.
//
// Processes announce themselves under their River client ID (an advisory
// lock that dies with their session), and every orphanInterval each process
// rescues the jobs of clients found gone twice in a row, so that a live
// process whose connection dropped for a moment (a server restart) has time
// to announce itself again.
func (s *Store) WatchOrphans(ctx context.Context, self string) (stop func(), err error) {
	release, err := s.announce(ctx, self)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { s.rescueLoop(ctx, self) })
	return func() { cancel(); wg.Wait(); release() }, nil
}

// rescueLoop rescues, every orphanEvery until ctx ends, the jobs of the
// clients found orphaned twice in a row.
func (s *Store) rescueLoop(ctx context.Context, self string) {
	var suspects []string
	t := time.NewTicker(s.orphanEvery)
	defer t.Stop()
	for {
		dead, err := s.orphans(ctx, self)
		if err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "postgres: Cannot look for orphaned jobs", slog.String("error", err.Error()))
		}
		var confirmed []string
		for _, c := range dead {
			if slices.Contains(suspects, c) {
				confirmed = append(confirmed, c)
			}
		}
		suspects = dead
		if n, err := s.rescueOrphans(ctx, confirmed); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "postgres: Cannot rescue orphaned jobs", slog.String("error", err.Error()))
		} else if n > 0 {
			s.logger.InfoContext(ctx, "postgres: Rescued jobs of a process that died", slog.Int64("jobs", n),
				slog.String("clients", strings.Join(confirmed, ",")))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// announce marks this process alive under clientID (its River client ID)
// until release is called: it holds a session-level advisory lock on a
// connection of its own, re-taken within a second should the connection
// drop (a server restart). When the process dies, PostgreSQL ends the
// session and frees the lock, which is how rescueLoop in other
// processes tells that the jobs it left running will never finish.
func (s *Store) announce(ctx context.Context, clientID string) (release func(), err error) {
	key := lockKey("river-client:" + clientID)
	conn, err := s.presence(ctx, key)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(presenceRetry)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if conn != nil {
					_ = conn.Close(context.Background()) // ends the session: frees the lock
				}
				return
			case <-t.C:
			}
			if conn != nil && conn.Ping(ctx) == nil {
				continue
			}
			if conn != nil {
				_ = conn.Close(ctx)
				conn = nil
			}
			if c, err := s.presence(ctx, key); err == nil {
				conn = c
			} else if ctx.Err() == nil {
				s.logger.WarnContext(ctx, "postgres: Cannot announce this process", "error", err)
			}
		}
	})
	return func() { cancel(); wg.Wait() }, nil
}

// presence opens a connection and takes the advisory lock key on it.
func (s *Store) presence(ctx context.Context, key int64) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("postgres: error connecting for presence: %w", err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil || !ok {
		_ = conn.Close(ctx)
		if err == nil {
			err = fmt.Errorf("presence lock %d is held by another session", key)
		}
		return nil, fmt.Errorf("postgres: error announcing: %w", err)
	}
	return conn, nil
}

// orphans returns the River client IDs, other than self, that ran the jobs
// still marked running and whose process is no longer announced (see
// announce). A client announced again since (a process whose connection to
// the server dropped) is not an orphan: callers should only rescue clients
// found orphaned twice, a few seconds apart.
func (s *Store) orphans(ctx context.Context, self string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT attempted_by[array_upper(attempted_by, 1)] FROM river_job
		WHERE state = 'running' AND attempted_by IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("postgres: error listing running jobs: %w", err)
	}
	clients, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: error listing running jobs: %w", err)
	}
	var dead []string
	for _, c := range clients {
		if c == self {
			continue
		}
		key := lockKey("river-client:" + c)
		var free bool
		// The lock is taken and given back in one statement, on one session
		// (CASE fixes the order of evaluation).
		err := s.pool.QueryRow(ctx, `SELECT CASE WHEN pg_try_advisory_lock($1) THEN pg_advisory_unlock($1) ELSE false END`, key).Scan(&free)
		if err != nil {
			return nil, fmt.Errorf("postgres: error checking client %s: %w", c, err)
		}
		if free {
			dead = append(dead, c)
		}
	}
	slices.Sort(dead)
	return dead, nil
}

// rescueOrphans makes the jobs that clients last attempted, and left
// running, available again, and returns how many. Their workers are written
// to run more than once (workflow.Service.Send checks the message's status).
func (s *Store) rescueOrphans(ctx context.Context, clients []string) (int64, error) {
	if len(clients) == 0 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE state = 'running' AND attempted_by[array_upper(attempted_by, 1)] = ANY($1)`, clients)
	if err != nil {
		return 0, fmt.Errorf("postgres: error rescuing jobs: %w", err)
	}
	return tag.RowsAffected(), nil
}
