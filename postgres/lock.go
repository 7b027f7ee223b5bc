package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// unlockTimeout bounds the release of a lock; past it the connection is
// closed, which releases the lock too.
const unlockTimeout = 10 * time.Second

// lockKey is the advisory lock key of name. The "codev:" prefix keeps codev's
// keys apart from those of other applications sharing the database.
func lockKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("codev:" + name))
	return int64(h.Sum64())
}

// TryLock implements workflow.Store with a session-level advisory lock
// (pg_try_advisory_lock) taken on a connection acquired from the pool and
// held until release, so the lock is exclusive across every process on the
// database. The held connection counts against the pool's size. Should that
// connection break, PostgreSQL drops the lock with its session. Close
// releases the locks still held.
func (s *Store) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: error acquiring connection for lock %q: %w", name, err)
	}
	key := lockKey(name)
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("postgres: error taking lock %q: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.locks, name)
			s.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
			defer cancel()
			var unlocked bool
			err := conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked)
			if err == nil && unlocked {
				conn.Release()
				return
			}
			// Closing the session releases every lock it holds.
			s.logger.WarnContext(ctx, "postgres: Closing connection to release lock", "lock", name, "error", err)
			_ = conn.Hijack().Close(ctx)
		})
	}
	s.mu.Lock()
	s.locks[name] = release
	s.mu.Unlock()
	return release, true, nil
}
