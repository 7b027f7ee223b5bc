package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestShutdownLetsJobsFinish cancels the context `codev serve` runs with, as
// SIGTERM does, while the first sends are in flight: running jobs must not
// be cancelled with it (River stops abruptly when its start context ends).
// Everything queued is still sent, and close then stops the workers.
func TestShutdownLetsJobsFinish(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	cfg, err := e.m.config()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := e.m.start(ctx, cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(a.close)

	e.smtp.WaitFor(1, 30*time.Second)
	cancel() // SIGTERM: the HTTP server stops, then serve calls close
	require.Len(t, e.smtp.WaitFor(48, 60*time.Second), 48, "jobs kept running after the signal")
	done := make(chan struct{})
	go func() { a.close(); close(done) }()
	select {
	case <-done:
	case <-time.After(35 * time.Second):
		t.Fatal("close did not return")
	}
}
