package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// TestUnreliablePeers runs codev against an SMTP server that answers 421
// and 451 and drops connections, an IMAP server that disconnects during
// IDLE and in the middle of a download, and a PostgreSQL server restarted
// while codev sends. codev must recover by itself and lose nothing: every
// recorded message reaches the server (a duplicate only where a connection
// was cut after the server accepted it) and every reply is recorded once.
func TestUnreliablePeers(t *testing.T) {
	t.Parallel()
	t.Run("SMTP", func(t *testing.T) {
		t.Parallel()
		testFlakySMTP(t)
	})
	t.Run("IMAP", func(t *testing.T) {
		t.Parallel()
		testFlakyIMAP(t)
	})
	t.Run("PostgresRestart", func(t *testing.T) {
		t.Parallel()
		testPostgresRestart(t)
	})
}

// incidents records when connections were cut, to tell an allowed
// duplicate (the server accepted the message, the cut lost its reply) from
// a bug.
type incidents struct {
	mu   sync.Mutex
	cuts []kill
}

func (in *incidents) cut(f func()) {
	at := time.Now()
	f()
	in.mu.Lock()
	in.cuts = append(in.cuts, kill{at: at, gone: time.Now()})
	in.mu.Unlock()
}

// checkDelivered requires every recorded message sent and received, and
// every duplicate explained by a cut; it returns how many duplicates.
func checkDelivered(t *testing.T, db *database, msgs []smtptest.Received, in *incidents) int {
	t.Helper()
	recorded := recordedMessages(t, db)
	got := receivedByID(msgs)
	for id, status := range recorded {
		require.Equal(t, "sent", status, "message %s", id)
		require.NotEmpty(t, got[id], "message %s never reached the server", id)
	}
	dups := 0
	for id, copies := range got {
		_, ok := recorded[id]
		require.True(t, ok, "the server got %s, which codev never recorded", id)
		if len(copies) == 1 {
			continue
		}
		dups++
		require.Len(t, copies, 2, "message %s sent %d times", id, len(copies))
		first := copies[0].At
		explained := false
		for _, c := range in.cuts {
			if !first.Before(c.at.Add(-resendWindow())) && !first.After(c.gone.Add(inFlightGrace)) {
				explained = true
			}
		}
		require.True(t, explained, "message %s sent twice, its first copy (%s) near no cut (%s)", id, first.Format(time.StampMicro), stamps(in.cuts))
	}
	return dups
}

// testFlakySMTP sends a group's 48 first messages through a server that
// fails or drops MAIL, RCPT and DATA, and drops every connection twice.
func testFlakySMTP(t *testing.T) {
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.smtp.FailNext(smtptest.CmdMail, 2, 421) // "service not available", connection closed
	e.smtp.FailNext(smtptest.CmdRcpt, 2, 451)
	e.smtp.FailNext(smtptest.CmdData, 2, 451) // after the body was read
	e.smtp.DropNext(smtptest.CmdMail, 1)
	e.smtp.DropNext(smtptest.CmdData, 1) // body read, no reply
	a := e.startApp(t)
	in := &incidents{}
	for _, n := range []int{10, 30} {
		e.smtp.WaitFor(n, 60*time.Second)
		in.cut(func() { e.smtp.DropConnections() })
	}
	waitUntil(t, 90*time.Second, 50*time.Millisecond, "48 messages delivered", func() bool {
		return len(receivedByID(e.smtp.Messages())) >= 48
	})
	time.Sleep(300 * time.Millisecond)
	dups := checkDelivered(t, a.db, e.smtp.Messages(), in)
	require.Len(t, recordedMessages(t, a.db), 48)
	t.Logf("48 messages through 421, 451 and dropped connections: %d connections, %d duplicates", e.smtp.Connections(), dups)
}

// testFlakyIMAP reads replies while the IMAP server drops the watcher's
// connection during IDLE and in the middle of downloads.
func testFlakyIMAP(t *testing.T) {
	e := newE2E(t, "sqlite")
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	sent := e.smtp.WaitFor(48, 60*time.Second)
	var replies []string
	for _, m := range sent {
		ent, err := message.Read(strings.NewReader(string(m.Data)))
		require.NoError(t, err)
		subj, _ := ent.Header.Text("Subject")
		if strings.Contains(subj, "Bienvenue") {
			replies = append(replies, mailFrom(m.To[0], strings.Trim(ent.Header.Get("Reply-To"), "<>"), "Re: "+subj,
				strings.Trim(ent.Header.Get("Message-Id"), "<>"), "J'accepte la charte. "+m.To[0]))
		}
	}
	require.Len(t, replies, 6)
	processed := func(n int) func() bool {
		return func() bool {
			return imap.Count("Processed") >= uint32(n) && e.pendingCount(t, a) == 0 && e.inboundCount(t, a) >= n
		}
	}
	// 1: a normal reply, seen through IDLE.
	imap.Deliver(t, "INBOX", []byte(replies[0]))
	waitUntil(t, 30*time.Second, 20*time.Millisecond, "reply 1", processed(1))
	// 2: the connection is cut during IDLE; the watcher reconnects.
	time.Sleep(200 * time.Millisecond)
	require.Positive(t, imap.DropConnections(), "the watcher was connected")
	imap.Deliver(t, "INBOX", []byte(replies[1]))
	waitUntil(t, 30*time.Second, 20*time.Millisecond, "reply 2 after a cut during IDLE", processed(2))
	// 3, 4: cut twice in the middle of a download.
	imap.DropNextFetch(2)
	imap.Deliver(t, "INBOX", []byte(replies[2]))
	imap.Deliver(t, "INBOX", []byte(replies[3]))
	waitUntil(t, 60*time.Second, 20*time.Millisecond, "replies 3 and 4 after cuts during downloads", processed(4))
	// 5, 6: cut twice in a row, the second time while reconnecting. (Not
	// while a body is being read: see imaptest.DropNextFetch.)
	time.Sleep(200 * time.Millisecond)
	conns := imap.Connections()
	imap.DropConnections()
	imap.Deliver(t, "INBOX", []byte(replies[4]))
	waitUntil(t, 30*time.Second, time.Millisecond, "a new connection", func() bool { return imap.Connections() > conns })
	imap.DropConnections()
	imap.Deliver(t, "INBOX", []byte(replies[5]))
	waitUntil(t, 60*time.Second, 20*time.Millisecond, "replies 5 and 6", processed(6))
	time.Sleep(200 * time.Millisecond)

	require.EqualValues(t, 0, imap.Count("INBOX"))
	require.EqualValues(t, 6, imap.Count("Processed"))
	require.Equal(t, 6, e.inboundCount(t, a), "each reply stored once")
	st := e.state(t, a)
	require.Len(t, st.Answers, 6, "each reply recorded once")
	for _, ans := range st.Answers {
		require.Contains(t, ans.Text, st.Member(ans.MemberID).Email)
	}
	t.Logf("6 replies through %d IMAP connections", imap.Connections())
}

// testPostgresRestart restarts PostgreSQL (fast shutdown, down one second)
// while codev sends 480 messages.
func testPostgresRestart(t *testing.T) {
	cluster := pgtest.NewCluster(t)
	e := newE2E(t, "sqlite")
	e.env["CODEV_DATABASE_URL"] = cluster.NewDatabase(t)
	e.run("migrate")
	const groups = 10
	applyGroups(t, e, groups, firstSession(42), 6)
	a := e.startApp(t)
	in := &incidents{}
	e.smtp.WaitFor(100, 60*time.Second)
	in.cut(func() { cluster.Restart(t, time.Second) })
	waitUntil(t, 120*time.Second, 100*time.Millisecond, fmt.Sprintf("%d messages delivered", groups*48), func() bool {
		return len(receivedByID(e.smtp.Messages())) >= groups*48
	})
	// The messages are all sent once their "sent" commits land.
	waitUntil(t, 60*time.Second, 100*time.Millisecond, "every message recorded sent", func() bool {
		return countMessages(t, a.db, func(m *workflow.Message) bool { return m.Status != workflow.MessageSent }) == 0
	})
	time.Sleep(300 * time.Millisecond)
	dups := checkDelivered(t, a.db, e.smtp.Messages(), in)
	require.Len(t, recordedMessages(t, a.db), groups*48)
	t.Logf("%d messages across a PostgreSQL restart: %d duplicates", groups*48, dups)
}
