package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/hostile"
	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/inbound/adversarial"
	"github.com/codev-org/codev/workflow"
)

// slowMailBound is how long each message of TestSlowMailEndToEnd may take
// from the mailbox to its recorded outcome. Parsing takes milliseconds and
// the rest of the path (IMAP fetch, storing the raw bytes, the job) well
// under a second; before the unfolding was made linear, parsing alone took
// 30 s and 20 s of CPU. The race detector slows everything several times,
// hence the factor.
const slowMailBound = 15 * time.Second

// TestSlowMailEndToEnd puts in the service mailbox the two messages issue
// 10 reported as stalling ingestion: Alice's acceptance of a session as an
// iTIP REPLY whose calendar part is folded over 300,000 lines (1.2 MB), and
// a 640 kB delivery status notification saying her address failed, its
// Diagnostic-Code folded over 128,000 lines. The real path reads them (IMAP,
// the watcher, Service.Deliver, ProcessInbound on each store): each must be
// processed, with what it says applied, within slowMailBound.
func TestSlowMailEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testSlowMail(t, kind)
		})
	}
}

func testSlowMail(t *testing.T, kind string) {
	bound := slowMailBound
	if raceEnabled {
		bound *= 2
	}
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	// The group is applied the day before: on a member's first day only the
	// welcome and the invitations go out.
	e.clock.Set(time.Date(2026, 12, 21, 17, 30, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC)) // Alice's questionnaire is due
	a := e.startApp(t)
	sent := e.smtp.WaitFor(49, 60*time.Second)
	vars := hostile.Vars{UID: uidOf(parseAll(t, sent), "2027-01-12")}
	reply, msgID := requestOf(t, sent, "alice@example.org", "client")
	vars.Token, vars.MsgID = tokenOf(reply), msgID
	r := &hostileRun{t: t, e: e, a: a, imap: imap}

	// outcome delivers raw, waits for its recorded outcome and returns it
	// with the time it took.
	outcome := func(raw []byte) (*workflow.Inbound, time.Duration) {
		waitUntil(t, 30*time.Second, 20*time.Millisecond, "an empty INBOX", func() bool { return imap.Count("INBOX") == 0 })
		uid := imap.Count("Processed") + 1 // INBOX UIDs are given in order
		imap.Deliver(t, "INBOX", raw)
		start := time.Now()
		var row *workflow.Inbound
		waitUntil(t, 4*bound, 20*time.Millisecond, "the message's outcome", func() bool {
			row = r.inbound()[uid]
			return row != nil && row.Status != workflow.InboundPending
		})
		return row, time.Since(start)
	}

	cal := adversarial.FoldedCalendar(vars, 300000)
	row, took := outcome(cal)
	t.Logf("%s: %d-byte calendar reply folded over 300,000 lines: %s, %q in %s", kind, len(cal), row.Status, row.Reason, took)
	require.Equal(t, workflow.InboundProcessed, row.Status, row.Reason)
	require.Equal(t, workflow.MailCalendarReply, row.Kind)
	require.Less(t, took, bound, "the folded calendar reply took %s", took)
	st := e.state(t, a)
	alice := memberID(st, "alice@example.org")
	require.Len(t, st.RSVPs, 1)
	require.Equal(t, alice, st.RSVPs[0].MemberID)
	require.Equal(t, workflow.RSVPAccepted, st.RSVPs[0].PartStat)

	dsn := adversarial.FoldedDSN(vars, 128000)
	row, took = outcome(dsn)
	t.Logf("%s: %d-byte delivery status notification folded over 128,000 lines: %s, %q in %s", kind, len(dsn), row.Status, row.Reason, took)
	require.Equal(t, workflow.InboundProcessed, row.Status, row.Reason)
	require.Equal(t, workflow.MailBounce, row.Kind)
	require.Less(t, took, bound, "the folded delivery status notification took %s", took)
	require.True(t, e.state(t, a).Member(alice).Bounced, "the bounce was applied")
}
