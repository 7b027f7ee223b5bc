package main

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/hostile"
	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// hostileCorpus is the committed corpus of internal/hostile.
const hostileCorpus = "../../mail/inbound/testdata/hostile"

// TestHostileMailEndToEnd puts the hostile corpus (over 200 malformed or
// hostile messages: broken MIME, deep nesting, lying charsets, header
// injection, scripts, forged senders with a valid token, tampered tokens,
// replays, auto-responders, forged bounces and RSVPs) and a 20 MB reply in
// the service mailbox, and lets the real path read them: IMAP, the watcher,
// Service.Deliver and ProcessInbound on a real store. Every message must
// end in a recorded outcome its case allows, with a reason; nothing may
// crash; no answer may be filed under another member than its case's; and
// nothing may be sent but the animator's notices about held replies. Then
// the animator's auto-responder answers those notices: nothing is sent
// back, so no loop forms.
func TestHostileMailEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testHostileMail(t, kind)
		})
	}
}

// hostileRun is one run of the corpus against a started app.
type hostileRun struct {
	t       *testing.T
	e       *e2e
	a       *app
	imap    *imaptest.Server
	cases   []hostile.Case
	files   map[string][]byte
	uid     map[string]uint32 // case file → IMAP UID (messages are delivered in order)
	members map[int64]string  // member id → "alice", "claire"…
}

func testHostileMail(t *testing.T, kind string) {
	cases, files, err := hostile.Load(hostileCorpus)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 200)

	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC)) // Alice's questionnaire is due
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	sent := e.smtp.WaitFor(49, 60*time.Second)
	r := &hostileRun{t: t, e: e, a: a, imap: imap, cases: cases, files: files, uid: map[string]uint32{}, members: map[int64]string{}}
	st := e.state(t, a)
	for _, m := range st.Members {
		r.members[m.ID] = strings.TrimSuffix(m.Email, "@example.org")
	}

	vars := hostile.Vars{UID: uidOf(parseAll(t, sent), "2027-01-12")}
	reply, msgID := requestOf(t, sent, "alice@example.org", "client")
	vars.Token, vars.MsgID = tokenOf(reply), msgID
	bobReply, _ := requestOf(t, sent, "bob@example.org", "Bienvenue")
	vars.BobToken = tokenOf(bobReply)

	// Phase 1: the corpus, then a 20 MB reply.
	n := r.deliver(1, vars)
	imap.Deliver(t, "INBOX", hostile.Fill(hostile.BigAttachment(20<<20), vars))
	bigUID := n + 1
	r.waitProcessed(int(bigUID))
	rows := r.inbound()
	big := rows[bigUID]
	require.NotNil(t, big, "the 20 MB reply was stored")
	require.Equal(t, workflow.InboundProcessed, big.Status, big.Reason)
	require.Equal(t, "alice", r.members[big.MemberID])
	r.checkOutcomes(rows, 1)
	r.checkAnswers()

	// Only the animator was written to: notices about held replies, each
	// about one message.
	notices := e.smtp.Messages()[49:]
	require.NotEmpty(t, notices, "held replies from the group are told to the animator")
	heldInGroup := 0
	for _, row := range rows {
		if row.Status == workflow.InboundHeld && row.GroupID != 0 {
			heldInGroup++
		}
	}
	for _, m := range notices {
		require.Equal(t, []string{"claire@example.org"}, m.To, "codev wrote to someone else than the animator")
	}
	require.LessOrEqual(t, len(notices), heldInGroup, "more notices than held messages")

	// Phase 2: the animator's auto-responder answers a notice.
	noticeReply, _ := requestOf(t, notices, "claire@example.org", "")
	vars.NoticeToken = tokenOf(noticeReply)
	before := len(e.smtp.Messages())
	last := r.deliver(2, vars)
	r.waitProcessed(int(last))
	r.checkOutcomes(r.inbound(), 2)
	r.checkAnswers()
	time.Sleep(500 * time.Millisecond)
	require.Len(t, e.smtp.Messages(), before, "codev answered an auto-responder")
	t.Logf("%s: %d hostile messages and a 20 MB reply: %d stored, %d notices to the animator, nothing sent to anyone else",
		kind, len(cases), len(r.inbound()), len(notices))
}

// deliver puts the cases of a phase in the mailbox, in order, and returns
// the last UID.
func (r *hostileRun) deliver(phase int, vars hostile.Vars) uint32 {
	var uid uint32
	for _, c := range r.cases {
		if c.Phase != phase {
			continue
		}
		r.imap.Deliver(r.t, "INBOX", hostile.Fill(r.files[c.File], vars))
		uid = r.imap.Count("INBOX") + r.imap.Count("Processed")
		r.uid[c.File] = uid
	}
	return uid
}

// waitProcessed waits until the mailbox is empty and nothing is pending.
func (r *hostileRun) waitProcessed(lastUID int) {
	waitUntil(r.t, 180*time.Second, 100*time.Millisecond, "every hostile message read and processed", func() bool {
		return r.imap.Count("INBOX") == 0 && int(r.imap.Count("Processed")) >= lastUID && r.e.pendingCount(r.t, r.a) == 0
	})
}

// inbound returns every stored message by UID.
func (r *hostileRun) inbound() map[uint32]*workflow.Inbound {
	out := map[uint32]*workflow.Inbound{}
	require.NoError(r.t, r.a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored, workflow.InboundPending} {
			in, err := tx.InboundByStatus(context.Background(), s)
			if err != nil {
				return err
			}
			for _, m := range in {
				out[m.UID] = m
			}
		}
		return nil
	}))
	return out
}

// checkOutcomes checks each case of a phase against its stored row.
func (r *hostileRun) checkOutcomes(rows map[uint32]*workflow.Inbound, phase int) {
	t := r.t
	for _, c := range r.cases {
		if c.Phase != phase {
			continue
		}
		row := rows[r.uid[c.File]]
		if c.Duplicate != "" {
			require.Nil(t, row, "%s: a replay under an old Message-ID was stored again", c.File)
			continue
		}
		require.NotNil(t, row, "%s: not stored", c.File)
		require.NotEmpty(t, row.Reason, "%s: no reason", c.File)
		require.NotContains(t, row.Reason, "parser failed", c.File)
		require.NotContains(t, row.Reason, "panic", c.File)
		require.Contains(t, c.Expect, row.Status, "%s (%s): %s, %q", c.File, c.Note, row.Status, row.Reason)
		if c.AutoReply {
			require.Equal(t, workflow.MailAutoReply, row.Kind, "%s: %s", c.File, row.Reason)
		}
		if row.Status == workflow.InboundProcessed && row.Kind == workflow.MailReply {
			require.Equal(t, c.Member, r.members[row.MemberID], "%s: applied to the wrong member", c.File)
		}
	}
}

// checkAnswers requires every answer that carries a case's marker to be
// filed under that case's member, and none for cases that must never apply.
func (r *hostileRun) checkAnswers() {
	t := r.t
	st := r.e.state(t, r.a)
	for _, ans := range st.Answers {
		for _, c := range r.cases {
			if !strings.Contains(ans.Text, c.Marker) {
				continue
			}
			require.NotEmpty(t, c.Member, "%s (%s) must never be applied, yet answer %d/%d holds its text", c.File, c.Note, ans.Question, ans.MemberID)
			require.Equal(t, c.Member, r.members[ans.MemberID], "%s applied to the wrong member", c.File)
		}
		require.NotContains(t, ans.Text, "forged", "a forged answer was applied: %q", ans.Text)
		require.NotContains(t, ans.Text, "tampered", "a tampered reply was applied: %q", ans.Text)
		require.NotContains(t, ans.Text, "<script", "HTML reached an answer")
	}
	for _, m := range st.Members {
		if m.Email != "david@example.org" { // nobody's address bounced
			require.False(t, m.Bounced, "%s flagged as bounced by a hostile message", m.Email)
		}
	}
}

// requestOf returns the reply address and Message-ID of the first message
// sent to rcpt whose subject contains subject.
func requestOf(t *testing.T, sent []smtptest.Received, rcpt, subject string) (replyTo, msgID string) {
	t.Helper()
	for _, m := range sent {
		ent, err := message.Read(strings.NewReader(string(m.Data)))
		require.NoError(t, err)
		subj, _ := ent.Header.Text("Subject")
		if m.To[0] == rcpt && strings.Contains(subj, subject) {
			a, err := mail.ParseAddress(ent.Header.Get("Reply-To"))
			require.NoError(t, err)
			return a.Address, strings.Trim(ent.Header.Get("Message-Id"), "<>")
		}
	}
	t.Fatalf("no %q sent to %s", subject, rcpt)
	return "", ""
}

// tokenOf is the sub-address of a reply address.
func tokenOf(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	_, tok, ok := strings.Cut(local, "+")
	if !ok {
		panic(fmt.Sprintf("no token in %q", addr))
	}
	return tok
}

var _ = slices.Contains[[]string]
