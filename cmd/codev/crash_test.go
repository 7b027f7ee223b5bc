package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

// resendWindow bounds when a duplicate is allowed. A send is recorded in two
// transactions around the SMTP transaction: "sending" with its Message-ID
// fixed, then "sent" with the job completed. A kill between the server's
// acceptance of the message and the second commit makes the restarted
// process send it again, with the same Message-ID (ARCHITECTURE.md,
// "Exactly-once"): codev prefers a duplicate to a lost message. So a
// duplicate is allowed only when its first copy was accepted by the server
// within resendWindow before a kill, or up to inFlightGrace after the killed
// process was gone: a message whose final "." the process had written
// before it died is read by the server afterwards, and the process never
// saw the server's 250 (the classic SMTP duplicate, RFC 1047). Any other
// duplicate fails the test.
//
// The race detector slows the test's SMTP server, and so the reply that
// lets codev commit, and SQLite's commit waits for its one connection behind
// the other send jobs (up to 180 ms seen under -race), so the window is
// wider under it.
func resendWindow() time.Duration {
	if raceEnabled {
		return 500 * time.Millisecond
	}
	return 100 * time.Millisecond
}

// inFlightGrace is how long after a killed process is gone the server may
// still accept a message the process had finished writing.
const inFlightGrace = 50 * time.Millisecond

// TestCrash runs `codev serve` as a subprocess and kills it with SIGKILL,
// several times, while it sends a few thousand messages and while it reads
// a batch of replies, on both stores. After the last restart every recorded
// message must have reached the SMTP server, duplicates only where the rule
// of resendWindow allows them, and every reply must be recorded once.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills codev serve: not in -short")
	}
	// Not parallel with the package's other tests: it keeps both cores busy
	// for half a minute, which would make their timeouts flaky. Its subtests
	// run in parallel with each other.
	bin := buildCodev(t, t.TempDir())
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run("Sending/"+kind, func(t *testing.T) {
			t.Parallel()
			testCrashSending(t, bin, kind)
		})
		t.Run("Ingesting/"+kind, func(t *testing.T) {
			t.Parallel()
			testCrashIngesting(t, bin, kind)
		})
	}
}

// crashGroups is how many groups of 6 members and 6 sessions the sending
// test applies: 48 messages each (6 welcomes, 7 × 6 invitations), 2,880 in
// all.
const crashGroups = 60

func testCrashSending(t *testing.T, bin, kind string) {
	e := newE2E(t, kind)
	e.run("migrate")
	groups := crashGroups
	start := time.Now()
	applyGroups(t, e, groups, firstSession(42), 6)
	want := groups * 48
	t.Logf("%s: applied %d groups in %s", kind, groups, time.Since(start).Round(time.Millisecond))
	start = time.Now()

	p := newProcess(t, bin, e.env)
	p.start()
	var kills []kill
	// Kill while the reconciler records (the first messages), then at each
	// fifth of the way.
	for _, frac := range []float64{0.02, 0.2, 0.4, 0.6, 0.8} {
		n := int(frac * float64(want))
		waitUntil(t, 120*time.Second, 2*time.Millisecond, fmt.Sprintf("%d messages at the SMTP server", n), func() bool {
			require.True(t, p.running(), "codev serve exited by itself")
			return len(e.smtp.Messages()) >= n
		})
		at := p.kill()
		kills = append(kills, kill{at: at, gone: time.Now()})
		p.start()
	}

	db := openDB(t, e)
	waitUntil(t, 180*time.Second, 200*time.Millisecond, "every recorded message to be sent", func() bool {
		require.True(t, p.running(), "codev serve exited by itself")
		return countMessages(t, db, func(m *workflow.Message) bool { return m.Status != workflow.MessageSent }) == 0 &&
			len(receivedByID(e.smtp.Messages())) >= want
	})
	t.Logf("%s: sent %d messages in %s, with %d kills", kind, want, time.Since(start).Round(time.Millisecond), len(kills))
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
	var maxGap time.Duration
	for id, copies := range got {
		_, ok := recorded[id]
		require.True(t, ok, "the server got %s, which codev never recorded", id)
		if len(copies) == 1 {
			continue
		}
		dups = append(dups, id)
		require.Len(t, copies, 2, "message %s sent %d times", id, len(copies))
		first := copies[0].At
		k := slices.IndexFunc(kills, func(k kill) bool {
			return !first.Before(k.at.Add(-window)) && !first.After(k.gone.Add(inFlightGrace))
		})
		require.GreaterOrEqual(t, k, 0, "message %s was sent twice, its first copy %s near no kill (kills at %s)",
			id, first.Format(time.StampMicro), stamps(kills))
		explained[k]++
		maxGap = max(maxGap, kills[k].at.Sub(first))
	}
	sort.Strings(dups)
	t.Logf("%s: %d messages, %d kills, %d duplicates (per kill %v), the first copy of each accepted by the server at most %s before a kill (allowed: %s before, %s after)",
		kind, want, len(kills), len(dups), explained, maxGap.Round(time.Millisecond), window, inFlightGrace)
}

// kill is when SIGKILL was sent and when the process was found gone.
type kill struct{ at, gone time.Time }

func stamps(kills []kill) string {
	var s []string
	for _, k := range kills {
		s = append(s, k.at.Format(time.StampMicro)+"–"+k.gone.Format("05.000000"))
	}
	return strings.Join(s, ", ")
}

// crashReplyGroups is how many groups the ingesting test applies; each of
// their 6 members answers the welcome: 300 replies.
const crashReplyGroups = 50

func testCrashIngesting(t *testing.T, bin, kind string) {
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.run("migrate")
	applyGroups(t, e, crashReplyGroups, firstSession(42), 1)
	p := newProcess(t, bin, e.env)
	p.start()
	// Welcomes (6) and invitations (7) of each group.
	sent := e.smtp.WaitFor(crashReplyGroups*13, 120*time.Second)

	var replies [][]byte
	for _, m := range sent {
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		subj, _ := ent.Header.Text("Subject")
		if !strings.Contains(subj, "Bienvenue") {
			continue
		}
		to := strings.Trim(ent.Header.Get("Reply-To"), "<>")
		id := strings.Trim(ent.Header.Get("Message-Id"), "<>")
		replies = append(replies, []byte(mailFrom(m.To[0], to, "Re: "+subj, id,
			"J'accepte la charte. Réponse de "+m.To[0]+".\n\nLe 1 déc. 2026, Codev a écrit :\n> Bienvenue\n")))
	}
	require.Len(t, replies, crashReplyGroups*6)
	start := time.Now()
	for _, r := range replies {
		imap.Deliver(t, "INBOX", r)
	}
	var kills int
	for _, n := range []uint32{30, 100, 170, 240} {
		waitUntil(t, 120*time.Second, 2*time.Millisecond, fmt.Sprintf("%d replies moved to Processed", n), func() bool {
			require.True(t, p.running(), "codev serve exited by itself")
			return imap.Count("Processed") >= n
		})
		p.kill()
		kills++
		p.start()
	}
	db := openDB(t, e)
	waitUntil(t, 120*time.Second, 200*time.Millisecond, "every reply to be stored and processed", func() bool {
		require.True(t, p.running(), "codev serve exited by itself")
		return imap.Count("INBOX") == 0 && countInbound(t, db, func(in *workflow.Inbound) bool { return in.Status != workflow.InboundPending }) >= int64(len(replies))
	})
	t.Logf("%s: %d replies read and recorded in %s, with %d kills", kind, len(replies), time.Since(start).Round(time.Millisecond), kills)
	time.Sleep(300 * time.Millisecond)
	p.stop()

	require.EqualValues(t, len(replies), imap.Count("Processed"), "every reply moved once")
	require.EqualValues(t, len(replies), countInbound(t, db, func(*workflow.Inbound) bool { return true }), "every reply stored once")
	require.EqualValues(t, len(replies), countInbound(t, db, func(in *workflow.Inbound) bool {
		return in.Status == workflow.InboundProcessed && in.Reason != ""
	}),
		"every reply processed, with a reason")
	require.EqualValues(t, len(replies), countAnswers(t, db), "one answer per reply")
	// Each answer is the text of the member it is filed under.
	require.NoError(t, db.InTx(context.Background(), func(tx workflow.Tx) error {
		groups, err := tx.Groups(context.Background())
		require.NoError(t, err)
		for _, g := range groups {
			answers, err := tx.Answers(context.Background(), g.ID)
			require.NoError(t, err)
			require.Len(t, answers, 6, "group %s", g.Name)
			for _, a := range answers {
				m, err := tx.Member(context.Background(), a.MemberID)
				require.NoError(t, err)
				require.Contains(t, a.Text, "Réponse de "+m.Email+".")
			}
		}
		return nil
	}))
	require.Len(t, e.smtp.Messages(), len(sent), "replies to welcomes send nothing")
}
