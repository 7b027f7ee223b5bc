package pgtest

import (
	"context"
	"fmt"
)

// Standalone is a PostgreSQL server for a program that is not a test
// binary (the benchmarks in bench/): the server URLEnv names, or a
// throwaway cluster with durability off (fsync, synchronous_commit and
// full-page writes), started from the local binaries.
type Standalone struct{ srv *server }

// StartStandalone starts or connects to the server. Call Stop when done.
func StartStandalone(ctx context.Context) (*Standalone, error) {
	srv, err := start(ctx)
	if err != nil {
		return nil, err
	}
	return &Standalone{srv: srv}, nil
}

// NewDatabase creates a database, migrated or empty, and returns its URL.
func (s *Standalone) NewDatabase(ctx context.Context, migrated bool) (string, error) {
	name := "codev_bench_" + randomHex()
	if err := s.srv.createDatabase(ctx, name, migrated); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return s.srv.databaseURL(name), nil
}

// Stop drops the template database and stops the cluster (databases made
// by NewDatabase go with it; on a URLEnv server they stay).
func (s *Standalone) Stop() error { return s.srv.stop() }
