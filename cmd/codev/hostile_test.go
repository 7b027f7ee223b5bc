package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"regexp"
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
	e.clock.Set(time.Date(2026, 12, 21, 17, 30, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC)) // the next day, Alice's questionnaire is due
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
	r.waitSent()
	notices := e.smtp.Messages()[49:]
	require.NotEmpty(t, notices, "held replies from the group are told to the animator")
	heldInGroup := 0
	for _, row := range rows {
		if row.Status == workflow.InboundHeld && row.GroupID != 0 {
			heldInGroup++
		}
	}
	for _, m := range notices {
		if m.To[0] != "claire@example.org" {
			t.Fatalf("codev wrote to someone else than the animator: %s", describe(notices))
		}
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
	time.Sleep(300 * time.Millisecond)
	r.waitSent()
	if after := e.smtp.Messages(); len(after) != before {
		t.Fatalf("codev sent %d messages after the auto-responder's answers: %s", len(after)-before, describe(after[before:]))
	}
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
	deadline := time.Now().Add(120 * time.Second)
	for !(r.imap.Count("INBOX") == 0 && int(r.imap.Count("Processed")) >= lastUID && r.e.pendingCount(r.t, r.a) == 0) {
		if time.Now().After(deadline) {
			var pending []string
			for uid, row := range r.inbound() {
				if row.Status == workflow.InboundPending {
					pending = append(pending, fmt.Sprint(uid))
				}
			}
			r.t.Fatalf("timed out: %d in INBOX, %d moved of %d, pending UIDs %v", r.imap.Count("INBOX"), r.imap.Count("Processed"), lastUID, pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitSent waits until every recorded message was sent.
func (r *hostileRun) waitSent() {
	waitUntil(r.t, 60*time.Second, 50*time.Millisecond, "every notice sent", func() bool {
		return countMessages(r.t, r.a.db, func(m *workflow.Message) bool {
			return m.Status == workflow.MessagePending || m.Status == workflow.MessageSending
		}) == 0
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
		// Every case is checked before the test stops, so that a failure
		// lists every message that went wrong.
		switch {
		case row.Reason == "" || strings.Contains(row.Reason, "parser failed") || strings.Contains(row.Reason, "panic"):
			t.Errorf("%s: bad reason %q", c.File, row.Reason)
		case !slices.Contains(c.Expect, row.Status):
			t.Errorf("%s (%s): %s, %q; want %v", c.File, c.Note, row.Status, row.Reason, c.Expect)
		case c.AutoReply && row.Kind != workflow.MailAutoReply:
			t.Errorf("%s (%s): kind %s, %q; want an auto-reply", c.File, c.Note, row.Kind, row.Reason)
		case row.Status == workflow.InboundProcessed && row.Kind == workflow.MailReply && c.Member != r.members[row.MemberID]:
			t.Errorf("%s (%s): applied to member %q", c.File, c.Note, r.members[row.MemberID])
		}
	}
	if t.Failed() {
		t.FailNow()
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

// describe lists recipients and subjects, for failures.
func describe(msgs []smtptest.Received) string {
	var b strings.Builder
	for _, m := range msgs {
		ent, err := message.Read(strings.NewReader(string(m.Data)))
		subj := "?"
		if err == nil {
			subj, _ = ent.Header.Text("Subject")
		}
		fmt.Fprintf(&b, "\n  %s to %s: %s", m.At.Format(time.StampMilli), strings.Join(m.To, ","), subj)
	}
	return b.String()
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

// TestHostileRequests sends the HTTP server guessed and forged tokens,
// path tricks, and oversized URLs, headers and bodies: none may reach a
// feed, a preference page or the admin, and oversized requests are refused
// before they are read.
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	sent := e.smtp.WaitFor(48, 60*time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { defer close(served); _ = a.web.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-served })
	base := "http://" + ln.Addr().String()

	// A real feed link, from a welcome: it works, and what follows are
	// variations of it that must not.
	var feed []string
	for _, m := range parseAll(t, sent) {
		if feed = regexp.MustCompile(`https://codev\.example\.org(/cal/[a-z0-9]+\.ics)`).FindStringSubmatch(m.text); feed != nil {
			break
		}
	}
	require.Len(t, feed, 2, "the welcome links the member's feed")
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, header http.Header) int {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		require.NoError(t, err)
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		require.NoError(t, err, path[:min(len(path), 80)])
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, get(feed[1], nil))

	token := strings.TrimSuffix(strings.TrimPrefix(feed[1], "/cal/"), ".ics")
	flipped := []byte(token)
	flipped[len(flipped)/2] = otherByte(flipped[len(flipped)/2])
	for _, path := range []string{
		"/cal/" + strings.Repeat("a", len(token)) + ".ics",
		"/cal/" + string(flipped) + ".ics",
		"/cal/" + strings.ToUpper(token) + "x.ics",
		"/cal/" + token[:len(token)-1] + ".ics",
		"/cal/" + token + "x.ics",
		"/cal/" + token,
		"/cal/" + token + ".ics/..%2f..%2f..%2fetc%2fpasswd",
		"/cal/..%2f..%2fcodev.db",
		"/cal/%00.ics",
		"/cal/" + strings.Repeat("b", 5000) + ".ics",
		"/p/" + strings.Repeat("a", 39),
		"/p/" + token,
		"/u/" + strings.Repeat("a", 39),
		"/p/" + strings.Repeat("c", 5000),
	} {
		code := get(path, nil)
		require.True(t, code == http.StatusNotFound || code == http.StatusBadRequest || code == http.StatusTooManyRequests,
			"GET %s: %d", path[:min(len(path), 80)], code)
	}
	// Guessing: 300 random tokens, not one hit; the rate limiter steps in.
	limited := 0
	for i := range 300 {
		code := get(fmt.Sprintf("/cal/%039d.ics", i), nil)
		require.True(t, code == http.StatusNotFound || code == http.StatusTooManyRequests, "guess %d: %d", i, code)
		if code == http.StatusTooManyRequests {
			limited++
		}
	}
	t.Logf("300 guessed feed tokens: %d answered 404, %d rate-limited (429)", 300-limited, limited)
	// The admin pages need a signed-in administrator.
	for _, path := range []string{"/admin/jobs", "/admin/jobs/", "/groups", "/groups/1"} {
		code := get(path, http.Header{"Cookie": {"codev_session=" + strings.Repeat("a", 40)}})
		require.NotEqual(t, http.StatusOK, code, "GET %s without signing in", path)
	}
	// Oversized requests are refused before they are read.
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, get("/cal/"+strings.Repeat("a", 1<<20)+".ics", nil))
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, get(feed[1], http.Header{"X-Big": {strings.Repeat("a", 1<<20)}}))
	many := http.Header{}
	for i := range 5000 {
		many.Set(fmt.Sprintf("X-H%d", i), "v")
	}
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, get(feed[1], many))
	for _, path := range []string{"/login", "/p/" + strings.Repeat("a", 39)} {
		resp, err := client.Post(base+path, "application/x-www-form-urlencoded", strings.NewReader("email="+strings.Repeat("a", 10<<20)))
		if err == nil { // the server may close the connection while the body is still being sent
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.GreaterOrEqual(t, resp.StatusCode, 400, "POST %s with 10 MB", path)
			require.Less(t, resp.StatusCode, 500, "POST %s with 10 MB", path)
		}
	}
	// Still serving (this address may still be rate-limited).
	code := get(feed[1], nil)
	require.True(t, code == http.StatusOK || code == http.StatusTooManyRequests, "%d", code)
}

func otherByte(c byte) byte {
	if c == 'a' {
		return 'b'
	}
	return 'a'
}
