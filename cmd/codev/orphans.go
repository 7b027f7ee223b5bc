package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/sqlite"
)

// sqlitePoll is how often River's workers look for new jobs on SQLite.
const sqlitePoll = 50 * time.Millisecond

// orphanInterval is how often a PostgreSQL process looks for jobs left
// running by a process that died.
const orphanInterval = 5 * time.Second

// clientID names this process's River client: host and a random suffix, so
// that no two processes, nor two runs of one, share it.
func clientID() string {
	host, _ := os.Hostname()
	host = strings.NewReplacer(".", "_", "-", "_").Replace(host)
	if len(host) > 40 {
		host = host[:40]
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "codev_" + host + "_" + hex.EncodeToString(b[:])
}

// watchOrphans makes sure that jobs a killed process left running are
// worked again within seconds, instead of after River's one-hour rescue
// (a send interrupted by SIGKILL or a power cut). Call it before River
// starts; stop after River stopped.
//
// SQLite serves one process: every job still running at start is an
// orphan. On PostgreSQL, processes announce themselves under their River
// client ID (an advisory lock that dies with their session), and every
// orphanInterval each process rescues the jobs of clients found gone twice
// in a row, so that a live process whose connection dropped for a moment
// (a server restart) has time to announce itself again.
func (d *database) watchOrphans(ctx context.Context, self string, log *slog.Logger) (stop func(), err error) {
	switch s := d.Store.(type) {
	case *sqlite.Store:
		n, err := s.RescueOrphans(ctx, self)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			log.InfoContext(ctx, "serve: Rescued jobs of a previous run", slog.Int64("jobs", n))
		}
		return func() {}, nil
	case *postgres.Store:
		release, err := s.Announce(ctx, self)
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		var wg sync.WaitGroup
		wg.Go(func() { rescueLoop(ctx, s, self, log) })
		return func() { cancel(); wg.Wait(); release() }, nil
	}
	return func() {}, nil
}

func rescueLoop(ctx context.Context, s *postgres.Store, self string, log *slog.Logger) {
	var suspects []string
	t := time.NewTicker(orphanInterval)
	defer t.Stop()
	for {
		dead, err := s.Orphans(ctx, self)
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "serve: Cannot look for orphaned jobs", slog.String("error", err.Error()))
		}
		var confirmed []string
		for _, c := range dead {
			if slices.Contains(suspects, c) {
				confirmed = append(confirmed, c)
			}
		}
		suspects = dead
		if n, err := s.RescueOrphans(ctx, confirmed); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "serve: Cannot rescue orphaned jobs", slog.String("error", err.Error()))
		} else if n > 0 {
			log.InfoContext(ctx, "serve: Rescued jobs of a process that died", slog.Int64("jobs", n),
				slog.String("clients", strings.Join(confirmed, ",")))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
