package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// resendWindow bounds when a duplicate is allowed. A send is recorded in two
// transactions around the SMTP transaction: "sending" with its Message-ID
// fixed, then "sent" with the job completed. A kill between the server's
// acceptance of the message and the second commit makes the restarted
// process send it again, with the same Message-ID (ARCHITECTURE.md,
// "Exactly-once"): codev prefers a duplicate to a lost message. So a
// duplicate is allowed only when its first copy was accepted by the server
// within resendWindow before a kill; any other duplicate fails the test.
// The race detector slows the commit that follows the SMTP transaction, so
// the window is wider under it.
func resendWindow() time.Duration {
	if raceEnabled {
		return 500 * time.Millisecond
	}
	return 100 * time.Millisecond
}

// TestCrash runs `codev serve` as a subprocess and kills it with SIGKILL,
// several times, while it sends a few thousand messages and while it reads
// a batch of replies, on both stores. After the last restart every recorded
// message must have reached the SMTP server, duplicates only where the rule
// of resendWindow allows them, and every reply must be recorded once.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills codev serve: not in -short")
	}
	t.Parallel()
	bin := buildCodev(t, t.TempDir())
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run("Sending/"+kind, func(t *testing.T) {
			t.Parallel()
			testCrashSending(t, bin, kind)
		})
	}
}

// crashGroups is how many groups of 6 members and 6 sessions the sending
// test applies: 48 messages each (6 welcomes, 7 × 6 invitations).
func crashGroups() int {
	if raceEnabled {
		return 25 // 1,200 messages: the race detector slows codev about tenfold
	}
	return 60 // 2,880 messages
}

func testCrashSending(t *testing.T, bin, kind string) {
	e := newE2E(t, kind)
	e.run("migrate")
	groups := crashGroups()
	applyGroups(t, e, groups, firstSession(42), 6)
	want := groups * 48

	p := newProcess(t, bin, e.env)
	p.start()
	var kills []time.Time
	// Kill while the reconciler records (the first messages), then at each
	// fifth of the way.
	for _, frac := range []float64{0.02, 0.2, 0.4, 0.6, 0.8} {
		n := int(frac * float64(want))
		waitUntil(t, 120*time.Second, 2*time.Millisecond, fmt.Sprintf("%d messages at the SMTP server", n), func() bool {
			require.True(t, p.running(), "codev serve exited by itself")
			return len(e.smtp.Messages()) >= n
		})
		kills = append(kills, p.kill())
		p.start()
	}

	db := openDB(t, e)
	waitUntil(t, 180*time.Second, 200*time.Millisecond, "every recorded message to be sent", func() bool {
		require.True(t, p.running(), "codev serve exited by itself")
		return scalar(t, db, `SELECT count(*) FROM messages WHERE status <> 'sent'`) == 0 &&
			len(receivedByID(e.smtp.Messages())) >= want
	})
	time.Sleep(300 * time.Millisecond) // anything else would show now
	p.stop()

	recorded := recordedMessages(t, db)
	require.Len(t, recorded, want, "recorded messages")
	got := receivedByID(e.smtp.Messages())
	for id, status := range recorded {
		require.Equal(t, "sent", status, "message %s", id)
		require.NotEmpty(t, got[id], "message %s was recorded sent but never reached the server", id)
	}
	var dups []string
	window := resendWindow()
	explained := map[int]int{}
	for id, copies := range got {
		_, ok := recorded[id]
		require.True(t, ok, "the server got %s, which codev never recorded", id)
		if len(copies) == 1 {
			continue
		}
		dups = append(dups, id)
		require.Len(t, copies, 2, "message %s sent %d times", id, len(copies))
		first := copies[0].At
		k := slices.IndexFunc(kills, func(kill time.Time) bool { d := kill.Sub(first); return d >= 0 && d <= window })
		require.GreaterOrEqual(t, k, 0, "message %s was sent twice, its first copy %s before no kill (kills at %s)",
			id, first.Format(time.StampMicro), stamps(kills))
		explained[k]++
	}
	sort.Strings(dups)
	t.Logf("%s: %d messages, %d kills, %d duplicates (per kill %v), each accepted by the server within %s before a kill",
		kind, want, len(kills), len(dups), explained, window)
}

func stamps(ts []time.Time) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Format(time.StampMicro))
	}
	return strings.Join(s, ", ")
}
