package imapwatch

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/stretchr/testify/require"
)

const (
	waitLong = 5 * time.Second // for things that take a reconnect or two
	tick     = 5 * time.Millisecond
)

func TestWatcher(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv    *testServer
		sink   *fakeSink
		locker *fakeLocker
		logs   *lockedBuffer
	}

	setup := func(t *testing.T, o serverOptions) *testBundle {
		t.Helper()
		b := &testBundle{srv: newTestServer(t, o), sink: newFakeSink(), locker: &fakeLocker{}, logs: &lockedBuffer{}}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("watcher logs:\n%s", b.logs.String())
			}
		})
		return b
	}

	// config is fast: tests wait for reconnects and polls.
	config := func(b *testBundle) Config {
		return Config{
			URL:          b.srv.url("imap", "INBOX"),
			PollInterval: 50 * time.Millisecond,
			IdleRefresh:  10 * time.Second,
			MinBackoff:   20 * time.Millisecond,
			MaxBackoff:   100 * time.Millisecond,
			LockRetry:    30 * time.Millisecond,
			Logger:       testLogger(b.logs),
		}
	}

	newWatcher := func(t *testing.T, b *testBundle, cfg Config) *Watcher {
		t.Helper()
		w, err := New(cfg, b.sink, b.locker)
		require.NoError(t, err)
		return w
	}

	// start runs w until stop or the end of the test; stop cancels Run and
	// waits for it to return.
	start := func(t *testing.T, w *Watcher) (stop func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		var once sync.Once
		stop = func() {
			once.Do(func() {
				cancel()
				select {
				case err := <-done:
					require.NoError(t, err)
				case <-time.After(waitLong):
					t.Error("Run did not return after cancel")
				}
			})
		}
		t.Cleanup(stop)
		return stop
	}

	// waitIdle waits until w idles. The pause after it is for
	// imapmemserver, which only wakes an IDLE for mail that arrives after its
	// IDLE handler has started, a moment after the client sees "+ idling".
	waitIdle := func(t *testing.T, w *Watcher) {
		t.Helper()
		require.Eventually(t, func() bool { return w.State() == StateIdle }, waitLong, tick)
		time.Sleep(100 * time.Millisecond)
	}

	waitStored := func(t *testing.T, b *testBundle, n int, within time.Duration) {
		t.Helper()
		require.Eventually(t, func() bool {
			distinct, _ := b.sink.counts()
			return distinct == n
		}, within, tick, "waiting for %d stored messages", n)
	}

	// waitMoved waits until Processed holds processed messages and INBOX
	// inbox: without MOVE, the copy lands before the expunge.
	waitMoved := func(t *testing.T, b *testBundle, processed, inbox uint32, within time.Duration) {
		t.Helper()
		require.Eventually(t, func() bool {
			return b.srv.count("Processed") == processed && b.srv.count("INBOX") == inbox
		}, within, tick, "waiting for %d messages in Processed and %d in INBOX", processed, inbox)
	}

	t.Run("StoresExistingMessagesAndMovesThem", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name string
			caps imap.CapSet
		}{
			{"IMAP4rev2", nil},
			{"NoMoveNoUIDPlus", imap.CapSet{imap.CapIMAP4rev1: {}}},
			{"NoMoveWithUIDPlus", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				b := setup(t, serverOptions{caps: tc.caps})
				for i := 1; i <= 3; i++ {
					b.srv.deliver(t, "INBOX", testMessage(i, "Mon problème est le suivant."))
				}
				w := newWatcher(t, b, config(b))
				stop := start(t, w)

				waitStored(t, b, 3, waitLong)
				waitMoved(t, b, 3, 0, waitLong)
				waitIdle(t, w)
				stop()
				require.Equal(t, StateStopped, w.State())

				_, stores := b.sink.counts()
				require.Equal(t, 3, stores, "each message stored once")
				msg := b.sink.get(2)
				require.Equal(t, "INBOX", msg.Mailbox)
				require.Equal(t, uint32(2), msg.UID)
				require.NotZero(t, msg.UIDValidity)
				require.False(t, msg.Oversize)
				require.Equal(t, int64(len(msg.Raw)), msg.Size)
				require.Contains(t, string(msg.Raw), "Mon problème")
				require.WithinDuration(t, time.Now(), msg.InternalDate, time.Minute)
				require.Equal(t, uint32(3), b.srv.unseen("Processed"), "BODY.PEEK leaves \\Seen alone")

				logs := b.logs.String()
				for _, secret := range []string{"alice@example.org", "problème", testUser, testPass, "s3cret"} {
					require.NotContains(t, logs, secret, "logs carry ids and counts only")
				}
			})
		}
	})

	t.Run("PicksUpMailDuringIdle", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		w := newWatcher(t, b, config(b))
		start(t, w)
		waitIdle(t, w)

		b.srv.deliver(t, "INBOX", testMessage(1, "arrived while idling"))
		waitStored(t, b, 1, time.Second)
		waitMoved(t, b, 1, 0, time.Second)
		require.Eventually(t, func() bool { return w.State() == StateIdle }, time.Second, tick, "idles again")

		b.srv.deliver(t, "INBOX", testMessage(2, "and another"))
		waitStored(t, b, 2, time.Second)
	})

	t.Run("RestartMidBatchLosesNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		const total = 10
		for i := 1; i <= total; i++ {
			b.srv.deliver(t, "INBOX", testMessage(i, "batch"))
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls atomic.Int32
		b.sink.StoreFunc = func(*Message) error {
			if calls.Add(1) == 4 {
				cancel() // stop while the 4th store commits
			}
			return nil
		}
		w := newWatcher(t, b, config(b))
		require.NoError(t, w.Run(ctx))
		distinct, _ := b.sink.counts()
		require.GreaterOrEqual(t, distinct, 4)
		require.Less(t, distinct, total, "stopped mid-batch")
		require.NotZero(t, b.srv.count("INBOX"))

		b.sink.StoreFunc = nil
		stop := start(t, w)
		waitStored(t, b, total, waitLong)
		waitMoved(t, b, total, 0, waitLong)
		stop()
		for i := 1; i <= total; i++ {
			require.NotNil(t, b.sink.get(i), "message %d", i)
		}
		_, stores := b.sink.counts()
		require.Equal(t, total, stores, "a stored message found again is moved, not stored again")
	})

	t.Run("FailedStoreLeavesMessageAndRetries", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		for i := 1; i <= 3; i++ {
			b.srv.deliver(t, "INBOX", testMessage(i, "reply"))
		}
		var mu sync.Mutex
		var inboxAtFailure []uint32
		b.sink.StoreFunc = func(msg *Message) error {
			mu.Lock()
			defer mu.Unlock()
			if messageIDOf(msg.Raw) == "<m2@example.org>" && len(inboxAtFailure) < 2 {
				inboxAtFailure = append(inboxAtFailure, b.srv.count("INBOX"))
				return errors.New("database is locked")
			}
			return nil
		}
		w := newWatcher(t, b, config(b))
		start(t, w)

		waitStored(t, b, 3, waitLong)
		waitMoved(t, b, 3, 0, waitLong)
		mu.Lock()
		require.Equal(t, []uint32{2, 2}, inboxAtFailure, "m2 and m3 wait in INBOX while m2 cannot be stored")
		mu.Unlock()
		require.Contains(t, b.logs.String(), "op=store")
	})

	t.Run("PollsWhenIdleIsNotUsed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		cfg := config(b)
		cfg.Poll = true
		w := newWatcher(t, b, cfg)
		start(t, w)
		require.Eventually(t, func() bool { return w.State() == StatePolling }, waitLong, tick)

		b.srv.deliver(t, "INBOX", testMessage(1, "polled"))
		waitStored(t, b, 1, time.Second)
		waitMoved(t, b, 1, 0, time.Second)
		require.NotEqual(t, StateIdle, w.State())
	})

	t.Run("ReconnectsAfterDroppedConnection", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		w := newWatcher(t, b, config(b))
		start(t, w)
		waitIdle(t, w)
		require.Equal(t, int32(1), b.srv.logins.Load())

		b.srv.ln.dropAll()
		require.Eventually(t, func() bool { return b.srv.logins.Load() == 2 }, waitLong, tick)
		waitIdle(t, w)
		b.srv.deliver(t, "INBOX", testMessage(1, "after the drop"))
		waitStored(t, b, 1, time.Second)
		require.Contains(t, b.logs.String(), "closed during IDLE")
	})

	t.Run("OversizeMessageDeliveredWithHeaderOnly", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		small := testMessage(1, "short")
		big := testMessage(2, strings.Repeat("attachment ", 100))
		b.srv.deliver(t, "INBOX", small)
		b.srv.deliver(t, "INBOX", big)
		cfg := config(b)
		cfg.MaxSize = 300
		require.Less(t, len(small), 300)
		w := newWatcher(t, b, cfg)
		start(t, w)

		waitStored(t, b, 2, waitLong)
		waitMoved(t, b, 2, 0, waitLong)
		require.False(t, b.sink.get(1).Oversize)
		require.Equal(t, small, b.sink.get(1).Raw)
		msg := b.sink.get(2)
		require.True(t, msg.Oversize)
		require.Equal(t, int64(len(big)), msg.Size)
		header := big[:bytes.Index(big, []byte("\r\n\r\n"))+4]
		require.Equal(t, header, msg.Raw)
	})

	t.Run("FlagsWhenProcessedCannotBeCreated", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{noCreate: true})
		b.srv.deliver(t, "INBOX", testMessage(1, "one"))
		b.srv.deliver(t, "INBOX", testMessage(2, "two"))
		w := newWatcher(t, b, config(b))
		stop := start(t, w)
		waitStored(t, b, 2, waitLong)
		require.Eventually(t, func() bool { return b.srv.unseen("INBOX") == 0 }, waitLong, tick)
		waitIdle(t, w)
		stop()
		require.Equal(t, uint32(2), b.srv.count("INBOX"), "flagged, not moved")

		// Restarted, it skips what it flagged and takes the new one.
		stop = start(t, w)
		b.srv.deliver(t, "INBOX", testMessage(3, "three"))
		waitStored(t, b, 3, waitLong)
		require.Eventually(t, func() bool { return b.srv.unseen("INBOX") == 0 }, waitLong, tick)
		stop()
		_, stores := b.sink.counts()
		require.Equal(t, 3, stores)
		require.Contains(t, b.logs.String(), "flagging stored messages instead")
	})

	t.Run("UIDValidityChangeReadsEverything", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.srv.deliver(t, "INBOX", testMessage(1, "one"))
		b.srv.deliver(t, "INBOX", testMessage(2, "two"))
		validity := b.srv.status(t, "INBOX").UIDValidity
		b.sink.setCursor("INBOX", validity+7, 100) // from before a renumbering
		start(t, newWatcher(t, b, config(b)))

		waitStored(t, b, 2, waitLong)
		waitMoved(t, b, 2, 0, waitLong)
		require.Contains(t, b.logs.String(), "UIDVALIDITY changed")
	})

	t.Run("StoredButNotMovedIsMovedWithoutStoringAgain", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.srv.deliver(t, "INBOX", testMessage(1, "stored before a crash"))
		b.srv.deliver(t, "INBOX", testMessage(2, "new"))
		b.sink.setCursor("INBOX", b.srv.status(t, "INBOX").UIDValidity, 1)
		start(t, newWatcher(t, b, config(b)))

		waitMoved(t, b, 2, 0, waitLong)
		require.Nil(t, b.sink.get(1), "UID 1 is at the cursor: already stored")
		require.NotNil(t, b.sink.get(2))
	})

	t.Run("OnlyOneWatcherPerLock", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.srv.deliver(t, "INBOX", testMessage(1, "one"))
		w1, w2 := newWatcher(t, b, config(b)), newWatcher(t, b, config(b))
		stop1, stop2 := start(t, w1), start(t, w2)
		var active, passive *Watcher
		require.Eventually(t, func() bool {
			s1, s2 := w1.State(), w2.State()
			switch {
			case s1 == StateIdle && s2 == StateWaitingLock:
				active, passive = w1, w2
			case s2 == StateIdle && s1 == StateWaitingLock:
				active, passive = w2, w1
			}
			return active != nil
		}, waitLong, tick)
		waitStored(t, b, 1, waitLong)
		time.Sleep(100 * time.Millisecond) // several lock retries
		require.Equal(t, StateWaitingLock, passive.State())
		require.Equal(t, int32(1), b.srv.logins.Load(), "only the lock holder connects")

		if active == w1 {
			stop1()
		} else {
			stop2()
		}
		require.Eventually(t, func() bool { return b.srv.logins.Load() == 2 }, waitLong, tick, "the other takes over")
		waitIdle(t, passive)
		b.srv.deliver(t, "INBOX", testMessage(2, "two"))
		waitStored(t, b, 2, time.Second)
		_, stores := b.sink.counts()
		require.Equal(t, 2, stores)
	})

	t.Run("RestartsIdleEveryIdleRefresh", func(t *testing.T) {
		t.Parallel()
		var proto lockedBuffer
		b := setup(t, serverOptions{debug: &proto})
		cfg := config(b)
		cfg.IdleRefresh = 50 * time.Millisecond
		w := newWatcher(t, b, cfg)
		start(t, w)
		require.Eventually(t, func() bool { return strings.Count(proto.String(), " IDLE\r\n") >= 4 }, waitLong, tick)
		require.Equal(t, int32(1), b.srv.logins.Load(), "same connection")
	})

	t.Run("ReconnectsWhenServerStopsAnswering", func(t *testing.T) {
		t.Parallel()
		hang := make(chan struct{})
		var once sync.Once
		unhang := func() { once.Do(func() { close(hang) }) }
		t.Cleanup(unhang)
		b := setup(t, serverOptions{hang: hang})
		b.srv.deliver(t, "INBOX", testMessage(1, "behind a wedged server"))
		cfg := config(b)
		cfg.Timeout = 200 * time.Millisecond
		w := newWatcher(t, b, cfg)
		start(t, w)

		require.Eventually(t, func() bool { return b.srv.logins.Load() >= 2 }, waitLong, tick, "gave up and reconnected")
		require.Contains(t, b.logs.String(), "no reply within 200ms")
		unhang()
		waitStored(t, b, 1, waitLong)
	})

	t.Run("LogsOutWhenStopped", func(t *testing.T) {
		t.Parallel()
		var proto lockedBuffer
		b := setup(t, serverOptions{debug: &proto})
		w := newWatcher(t, b, config(b))
		stop := start(t, w)
		waitIdle(t, w)
		stop()
		require.Equal(t, StateStopped, w.State())
		require.Eventually(t, func() bool { return strings.Contains(proto.String(), " LOGOUT\r\n") }, waitLong, tick)
		require.Contains(t, proto.String(), "DONE\r\n", "IDLE ended before LOGOUT")
	})

	t.Run("RunTwiceAtOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		w := newWatcher(t, b, config(b))
		start(t, w)
		require.Eventually(t, func() bool { return w.State() != StateStopped }, waitLong, tick)
		require.Error(t, w.Run(context.Background()))
	})
}
