package imapwatch

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Watcher reads new messages from one mailbox, hands each to a Sink and then
// moves it out of the way. See the package documentation for the order of
// operations and what happens on failures.
type Watcher struct {
	set    *settings
	sink   Sink
	locker Locker
	log    *slog.Logger

	running atomic.Bool
	mu      sync.Mutex
	state   State
}

// New validates cfg and returns a Watcher. It does not dial: Check tests the
// server, Run watches it. A nil locker means this process is the only one
// that can run a watcher (no election).
func New(cfg Config, sink Sink, locker Locker) (*Watcher, error) {
	if sink == nil {
		return nil, errors.New("imapwatch: nil Sink")
	}
	s, err := cfg.parse()
	if err != nil {
		return nil, err
	}
	return &Watcher{set: s, sink: sink, locker: locker, log: s.log, state: StateStopped}, nil
}

// State returns what the watcher is doing now. It is safe to call from any
// goroutine.
func (w *Watcher) State() State {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

func (w *Watcher) setState(s State) {
	w.mu.Lock()
	w.state = s
	w.mu.Unlock()
}

// Run watches the mailbox until ctx is done, then logs out and returns nil.
// It first takes the "imap-watcher" lock, retrying every LockRetry while
// another process holds it, and keeps it until it returns. Every error
// (network, server, Sink) is logged and followed by a backoff and a new
// connection: nothing is lost, as messages leave the mailbox only once
// stored. Run returns an error only when the Watcher is already running.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("imapwatch: Run called while the watcher is running")
	}
	defer w.running.Store(false)
	defer w.setState(StateStopped)
	release, ok := w.lock(ctx)
	if !ok {
		return nil
	}
	defer release()
	w.loop(ctx)
	w.log.InfoContext(ctx, "imap watcher: Stopped")
	return nil
}

// lock waits for the watcher lock. ok is false when ctx ended first.
func (w *Watcher) lock(ctx context.Context) (release func(), ok bool) {
	if w.locker == nil {
		return func() {}, true
	}
	waiting := false
	for {
		w.setState(StateWaitingLock)
		release, ok, err := w.locker.TryLock(ctx, lockName)
		switch {
		case ok:
			if waiting {
				w.log.InfoContext(ctx, "imap watcher: Took over the lock")
			}
			return release, true
		case err != nil && ctx.Err() == nil:
			w.log.WarnContext(ctx, "imap watcher: Could not take the lock", slog.String("error", err.Error()))
		case !waiting && ctx.Err() == nil:
			w.log.InfoContext(ctx, "imap watcher: Another process is watching the mailbox, waiting",
				slog.Duration("retry_every", w.set.lockRetry))
			waiting = true
		}
		if !sleep(ctx, w.set.lockRetry) {
			return nil, false
		}
	}
}

// loop connects, watches and reconnects after a backoff until ctx is done.
func (w *Watcher) loop(ctx context.Context) {
	wait := w.set.minWait
	for {
		worked, err := w.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if worked {
			wait = w.set.minWait
		}
		delay := jitter(wait)
		level := slog.LevelWarn
		if wait >= w.set.maxWait {
			level = slog.LevelError // failing for a while now: worth an alert
		}
		attrs := []slog.Attr{slog.String("error", err.Error()), slog.Duration("retry_in", delay)}
		var ierr *Error
		if errors.As(err, &ierr) {
			attrs = append(attrs, slog.String("op", ierr.Op))
		}
		w.log.LogAttrs(ctx, level, "imap watcher: Connection failed, retrying", attrs...)
		w.setState(StateBackoff)
		if !sleep(ctx, delay) {
			return
		}
		wait = min(wait*2, w.set.maxWait)
	}
}

// jitter spreads reconnections in [d/2, d), so that several codev processes
// or a restarted server do not see every client at the same instant.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// sleep waits d and reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
