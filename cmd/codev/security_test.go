package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

// ourAuthServID is the receiving server's authserv-id in these tests
// (CODEV_AUTHSERV_ID).
const ourAuthServID = "mx.codev.example"

// authPass and authFail are Authentication-Results fields as the
// receiving server writes them for a message from domain.
func authPass(id, domain string) string {
	return "Authentication-Results: " + id + "; dkim=pass header.d=" + domain + " header.s=s1;\r\n\tspf=pass smtp.mailfrom=" +
		domain + "; dmarc=pass header.from=" + domain + "\r\n"
}

func authFail(id, domain string) string {
	return "Authentication-Results: " + id + "; dkim=none; spf=fail smtp.mailfrom=" + domain +
		";\r\n\tdmarc=fail (p=reject dis=none) header.from=" + domain + "\r\n"
}

// secMail is a message with a known Message-ID: top are the header fields
// the receiving server and the hops before it added (Authentication-Results,
// Received), then the sender's header and the body.
type secMail struct {
	id, top, from, to, inReplyTo, subject string
	body                                  string // text/plain, or the whole MIME body when contentType is set
	contentType                           string
}

func (m secMail) raw() []byte {
	var b strings.Builder
	b.WriteString(m.top)
	b.WriteString("Received: from mail.example.org by " + ourAuthServID + "; Wed, 23 Dec 2026 10:00:01 +0100\r\n")
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@client.example>\r\nDate: Wed, 23 Dec 2026 10:00:00 +0100\r\n",
		m.from, m.to, m.subject, m.id)
	if m.inReplyTo != "" {
		b.WriteString("In-Reply-To: <" + m.inReplyTo + ">\r\nReferences: <" + m.inReplyTo + ">\r\n")
	}
	ct := m.contentType
	if ct == "" {
		ct = "text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit"
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: " + ct + "\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.body, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String())
}

// calReply is an iTIP REPLY naming attendee, sent by whoever From is.
func calReply(id, top, from, attendee, uid, partstat, inReplyTo string) secMail {
	cal := "BEGIN:VCALENDAR\nPRODID:-//Test//EN\nVERSION:2.0\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:" + uid +
		"\nDTSTAMP:20261223T090000Z\nSEQUENCE:0\nORGANIZER:mailto:codev@example.org\n" +
		"ATTENDEE;PARTSTAT=" + partstat + ":mailto:" + strings.ToUpper(attendee) + "\nEND:VEVENT\nEND:VCALENDAR\n"
	return secMail{id: id, top: top, from: from, to: "codev@example.org", inReplyTo: inReplyTo, subject: "Réponse à l'invitation",
		contentType: "multipart/alternative; boundary=\"b\"",
		body: "--b\nContent-Type: text/plain; charset=utf-8\n\nRéponse.\n" +
			"--b\nContent-Type: text/calendar; charset=utf-8; method=REPLY\n\n" + cal + "--b--\n"}
}

// secRun is one run of TestForgedRepliesEndToEnd.
type secRun struct {
	t    *testing.T
	e    *e2e
	a    *app
	imap *imaptest.Server
	n    int // messages delivered
}

func (r *secRun) deliver(msgs ...secMail) {
	for _, m := range msgs {
		r.imap.Deliver(r.t, "INBOX", m.raw())
		r.n++
	}
	waitUntil(r.t, 60*time.Second, 20*time.Millisecond, "every reply processed", func() bool {
		return r.e.inboundCount(r.t, r.a) == r.n && r.e.pendingCount(r.t, r.a) == 0
	})
	// Processing enqueues a reconcile and the notices' sends: let them run.
	_, err := r.a.svc.Reconcile(context.Background())
	require.NoError(r.t, err)
	waitUntil(r.t, 60*time.Second, 20*time.Millisecond, "every notice sent", func() bool {
		return countMessages(r.t, r.a.db, func(m *workflow.Message) bool {
			return m.Status == workflow.MessagePending || m.Status == workflow.MessageSending
		}) == 0
	})
}

// rows returns the stored inbound messages by the id of their Message-ID.
func (r *secRun) rows() map[string]*workflow.Inbound {
	out := map[string]*workflow.Inbound{}
	require.NoError(r.t, r.a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored, workflow.InboundPending} {
			in, err := tx.InboundByStatus(context.Background(), s)
			if err != nil {
				return err
			}
			for _, m := range in {
				out[strings.TrimSuffix(m.MessageID, "@client.example")] = m
			}
		}
		return nil
	}))
	return out
}

// secMessage finds a recorded message.
func secMessage(t *testing.T, st *workflow.State, kind workflow.Kind, member, session int64) *workflow.Message {
	t.Helper()
	for _, m := range st.Messages {
		if m.Kind == kind && m.MemberID == member && m.SessionID == session {
			return m
		}
	}
	t.Fatalf("no %s for member %d, session %d", kind, member, session)
	return nil
}

// TestForgedRepliesEndToEnd sends forged and honest calendar replies,
// declines, bounces and swap confirmations into the service mailbox, on
// both stores, behind a receiving server whose Authentication-Results
// codev trusts (CODEV_AUTHSERV_ID). An RSVP is applied only when its
// sender is the attendee it names or it carries that member's reply
// token; nothing is applied on a member's behalf when the receiving
// server says DMARC or DKIM failed for the sender's domain, whatever a
// field written lower down claims; everything else is held with a reason
// and the animator told. The animator's « oui » swaps only when it is an
// explicit yes from the animator. The client's consent to share follows
// their answer to the yes/no question, and only it.
func TestForgedRepliesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testForgedReplies(t, kind)
		})
	}
}

func testForgedReplies(t *testing.T, kind string) {
	e := newE2E(t, kind)
	r := &secRun{t: t, e: e, imap: imaptest.NewServer(t)}
	e.env["CODEV_IMAP_URL"] = r.imap.URL()
	e.env["CODEV_AUTHSERV_ID"] = ourAuthServID
	e.clock.Set(time.Date(2026, 12, 21, 17, 30, 0, 0, time.UTC)) // the group is applied the day before
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC)) // the next day, Alice's questionnaire is due too
	r.a = e.startApp(t)
	e.smtp.WaitFor(49, 60*time.Second)
	st := e.state(t, r.a)
	id := func(email string) int64 { return memberID(st, email+"@example.org") }
	alice, bob, chloe, david, emilie, francois, claire := id("alice"), id("bob"), id("chloe"), id("david"), id("emilie"), id("francois"), id("claire")
	s1 := st.SessionNumber(1)
	require.Equal(t, alice, s1.ClientID)
	require.Equal(t, bob, st.SessionNumber(2).ClientID)
	signer := r.a.svc.Signer()
	tokenTo := func(m *workflow.Message) string {
		return "codev+" + signer.Sign(workflow.TokenReply, m.ID) + "@example.org"
	}
	emilieInv := secMessage(t, st, workflow.KindInvitation, emilie, s1.ID)
	bobInv := secMessage(t, st, workflow.KindInvitation, bob, s1.ID)
	prep := secMessage(t, st, workflow.KindPrepare, alice, s1.ID)

	// Phase 1.
	r.deliver(
		// Bob answers in François's name; then an outsider does.
		calReply("forged-member", "", "Bob Martin <bob@example.org>", "francois@example.org", s1.UID, "DECLINED", ""),
		calReply("forged-outsider", "", "mallory@evil.example", "francois@example.org", s1.UID, "DECLINED", ""),
		// François's own address, but our server says DMARC failed, and a
		// field below it, written by the forger, claims our server's pass.
		calReply("forged-auth", authFail(ourAuthServID, "example.org")+authPass(ourAuthServID, "example.org"),
			"François Moreau <francois@example.org>", "francois@example.org", s1.UID, "DECLINED", ""),
		// Émilie's assistant answers her invitation, which carries her token.
		calReply("delegate", "", "assistant@example.org", "emilie@example.org", s1.UID, "ACCEPTED", emilieInv.MessageID),
		// …but the token of Bob's invitation does not speak for Émilie.
		calReply("delegate-wrong-token", "", "assistant@example.org", "emilie@example.org", s1.UID, "DECLINED", bobInv.MessageID),
		// David, honestly: our server's pass on top; an earlier hop's fail
		// below it is not our server's verdict.
		calReply("honest-david", authPass(ourAuthServID, "example.org")+authFail("forwarder.example.net", "example.org"),
			"David Petit <david@example.org>", "DAVID@example.org", s1.UID, "ACCEPTED", ""),
		calReply("honest-chloe", authPass(ourAuthServID, "example.org"), "chloe@example.org", "chloe@example.org", s1.UID, "DECLINED", ""),
		// Alice, the client, cannot come: the animator is offered a swap.
		calReply("honest-alice", "", "alice@example.org", "alice@example.org", s1.UID, "DECLINED", ""),
		// A decline written in words, with Bob's valid token, but DMARC failed.
		secMail{id: "decline-words-auth", top: authFail(ourAuthServID, "example.org"), from: "Bob Martin <bob@example.org>",
			to: tokenTo(bobInv), subject: "Re: invitation", body: "Je ne pourrai pas venir, désolé.\n"},
		// A permanent bounce with Alice's token, from a domain that failed DKIM.
		secMail{id: "bounce-auth", top: "Authentication-Results: " + ourAuthServID + "; dkim=fail header.d=mx.example.net\r\n",
			from: "MAILER-DAEMON@mx.example.net", to: tokenTo(prep), subject: "Undelivered Mail Returned to Sender",
			contentType: "multipart/report; report-type=delivery-status; boundary=\"b1\"",
			body: "--b1\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n" +
				"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" +
				"Final-Recipient: rfc822; alice@example.org\nAction: failed\nStatus: 5.1.1\n--b1--\n"},
		// Alice's preparation: she says no to sharing, in words that used
		// to count as yes.
		secMail{id: "prepare-no", from: "Alice Dupont <alice@example.org>", to: tokenTo(prep), inReplyTo: prep.MessageID,
			subject: "Re: préparation", body: "1. Je n'arrive pas à déléguer.\n9. Ceci ne peut être partagé, merci.\n\nAlice\n"},
	)
	rows := r.rows()
	held := map[string]string{
		"forged-member":        workflow.Reason{Code: workflow.ReasonRSVPSenderNotAttendee, Args: []int64{francois}}.String(),
		"forged-outsider":      workflow.Reason{Code: workflow.ReasonRSVPSenderNotAttendee, Args: []int64{francois}}.String(),
		"forged-auth":          string(workflow.ReasonDMARCFailed),
		"delegate-wrong-token": workflow.Reason{Code: workflow.ReasonRSVPSenderNotAttendee, Args: []int64{emilie}}.String(),
		"decline-words-auth":   string(workflow.ReasonDMARCFailed),
		"bounce-auth":          string(workflow.ReasonDKIMFailed),
	}
	processed := map[string]string{
		"delegate":     string(workflow.ReasonRSVPAccepted),
		"honest-david": string(workflow.ReasonRSVPAccepted),
		"honest-chloe": string(workflow.ReasonRSVPDeclined),
		"honest-alice": string(workflow.ReasonRSVPDeclined),
		"prepare-no":   string(workflow.ReasonAnswersRecorded),
	}
	checkRows := func(want map[string]string, status string) {
		for name, reason := range want {
			row := rows[name]
			require.NotNil(t, row, name)
			require.Equal(t, status, row.Status, "%s: %s", name, row.Reason)
			require.Equal(t, reason, row.Reason, name)
		}
	}
	checkRows(held, workflow.InboundHeld)
	checkRows(processed, workflow.InboundProcessed)

	st = e.state(t, r.a)
	rsvps := map[int64]string{}
	for _, v := range st.RSVPs {
		require.Equal(t, s1.ID, v.SessionID)
		rsvps[v.MemberID] = v.PartStat
	}
	require.Equal(t, map[int64]string{emilie: workflow.RSVPAccepted, david: workflow.RSVPAccepted,
		chloe: workflow.RSVPDeclined, alice: workflow.RSVPDeclined}, rsvps,
		"only the honest RSVPs are recorded: none for François or Bob, Émilie's delegate counted once")
	require.False(t, st.Member(alice).Bounced, "a bounce from a domain that failed DKIM flags nobody")
	shared := map[int]bool{}
	for _, a := range st.Answers {
		if a.RequestID == prep.ID {
			shared[a.Question] = a.Shared
		}
	}
	require.Equal(t, map[int]bool{1: false, 9: false}, shared, "« ceci ne peut être partagé » is no")

	// The animator is told once about each held message of the group, in
	// French and without its content, and of the two declines.
	notices := map[string]int{}
	for _, m := range st.Messages {
		if strings.HasPrefix(string(m.Kind), "notice_") {
			require.Equal(t, claire, m.MemberID)
			require.Equal(t, workflow.MessageSent, m.Status)
			notices[string(m.Kind)]++
		}
	}
	require.Equal(t, map[string]int{"notice_held": len(held), "notice_decline": 2}, notices)
	mails := parseAll(t, e.smtp.Messages()[49:])
	require.Len(t, mails, len(held)+2)
	for name, reason := range held {
		words := strings.Join(strings.Fields(workflow.ReasonText(reason, workflow.LangFR)), " ")
		found := 0
		for _, m := range mails {
			if strings.Contains(strings.Join(strings.Fields(m.text), " "), "Motif : "+words) {
				found++
			}
		}
		require.Positive(t, found, "%s: the animator reads « %s »", name, words)
	}
	for _, m := range mails {
		for _, content := range []string{"mallory", "assistant@", "Je ne pourrai pas", "mx.example.net", "DECLINED", "5.1.1"} {
			require.NotContains(t, m.text+m.subject, content, "a notice repeats the message")
		}
	}

	// Phase 2: the notice of Alice's decline proposes Bob. A « oui » from
	// a domain that failed DMARC, Bob's « oui » to the animator's notice
	// and the animator's « oui… enfin non » change nothing; Alice says yes
	// to sharing.
	st = e.state(t, r.a)
	var notice *workflow.Message
	for _, m := range st.Messages {
		if m.Kind == workflow.KindNoticeDecline && m.Sequence == int(alice) {
			notice = m
		}
	}
	require.NotNil(t, notice)
	proposed := false
	for _, m := range mails {
		proposed = proposed || strings.Contains(strings.Join(strings.Fields(m.text), " "), "Bob Martin deviendrait client·e de la séance 1")
	}
	require.True(t, proposed, "the animator is offered to swap Alice with Bob")
	claireTo := func(id, top, from, body string) secMail {
		return secMail{id: id, top: top, from: from, to: tokenTo(notice), inReplyTo: notice.MessageID, subject: "Re: client·e absent·e", body: body}
	}
	r.deliver(
		claireTo("swap-auth", authFail(ourAuthServID, "example.org"), "Claire Martin <claire@example.org>", "Oui\n"),
		claireTo("swap-by-bob", "", "Bob Martin <bob@example.org>", "oui\n"),
		claireTo("swap-doubtful", "", "Claire Martin <claire@example.org>", "Oui… enfin non, attendons de voir.\n"),
		secMail{id: "prepare-yes", from: "alice@example.org", to: tokenTo(prep), inReplyTo: prep.MessageID,
			subject: "Re: préparation", body: "9. Oui, bien sûr.\n"},
	)
	rows = r.rows()
	checkRows(map[string]string{
		"swap-auth":   string(workflow.ReasonDMARCFailed),
		"swap-by-bob": workflow.Reason{Code: workflow.ReasonSenderNotMember, Args: []int64{claire}}.String(),
	}, workflow.InboundHeld)
	checkRows(map[string]string{"swap-doubtful": string(workflow.ReasonAnswersRecorded), "prepare-yes": string(workflow.ReasonAnswersRecorded)},
		workflow.InboundProcessed)
	st = e.state(t, r.a)
	require.Equal(t, alice, st.SessionNumber(1).ClientID, "no swap without an explicit yes from the animator")
	for _, a := range st.Answers {
		if a.RequestID == prep.ID {
			require.True(t, a.Shared, "question %d: « oui, bien sûr » to question 9 shares every answer", a.Question)
		}
	}

	// Phase 3: the animator's plain « oui » swaps; Alice changes her mind.
	r.deliver(
		claireTo("swap", authPass(ourAuthServID, "example.org"), "Claire Martin <claire@example.org>", "Bonjour,\n\nOui.\n\nClaire\n"),
		secMail{id: "prepare-no-again", from: "alice@example.org", to: tokenTo(prep), inReplyTo: prep.MessageID,
			subject: "Re: préparation", body: "9. Finalement non.\n"},
	)
	rows = r.rows()
	checkRows(map[string]string{
		"swap":             workflow.Reason{Code: workflow.ReasonSwapConfirmed, Args: []int64{1, 2}}.String(),
		"prepare-no-again": string(workflow.ReasonAnswersRecorded),
	}, workflow.InboundProcessed)
	st = e.state(t, r.a)
	require.Equal(t, bob, st.SessionNumber(1).ClientID)
	require.Equal(t, alice, st.SessionNumber(2).ClientID)
	n := 0
	for _, a := range st.Answers {
		if a.RequestID == prep.ID {
			n++
			require.False(t, a.Shared, "question %d: « finalement non » withdraws consent", a.Question)
		}
	}
	require.Equal(t, 2, n)
}
