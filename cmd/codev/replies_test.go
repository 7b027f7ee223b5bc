package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/workflow"
)

// TestRepliesEndToEnd sends the welcome, the invitations and the client's
// questionnaire, then puts participants' answers, an auto-reply, a bounce,
// an RSVP, a forged reply and a tampered token in the service mailbox of an
// in-process IMAP server. The watcher is stopped and restarted while the
// batch is being read. Each message must end recorded once, with the right
// outcome.
func TestRepliesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testReplies(t, kind)
		})
	}
}

func testReplies(t *testing.T, kind string) {
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	// Applied on 21 Dec 2026; on the 22nd at 18:30 in Paris the first
	// client's questionnaire (D−21) is due (not on day one: that is the
	// welcome's and the invitations').
	e.clock.Set(time.Date(2026, 12, 21, 17, 30, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 22, 17, 30, 0, 0, time.UTC))

	a := e.startApp(t)
	sent := e.smtp.WaitFor(6+42+1, 60*time.Second)
	require.Len(t, sent, 49)
	ask := func(to, subjectPart string) (replyTo, msgID, subject string) {
		for _, m := range sent {
			ent, err := message.Read(strings.NewReader(string(m.Data)))
			require.NoError(t, err)
			subj, _ := ent.Header.Text("Subject")
			if m.To[0] == to && strings.Contains(subj, subjectPart) {
				return strings.Trim(ent.Header.Get("Reply-To"), "<>"), strings.Trim(ent.Header.Get("Message-Id"), "<>"), subj
			}
		}
		t.Fatalf("no %q sent to %s", subjectPart, to)
		return "", "", ""
	}
	prepTo, prepID, prepSubj := ask("alice@example.org", "client")
	bobTo, bobID, _ := ask("bob@example.org", "Bienvenue")
	chloeTo, _, _ := ask("chloe@example.org", "Bienvenue")
	davidTo, _, _ := ask("david@example.org", "Bienvenue")
	uid := uidOf(parseAll(t, sent), "2027-01-12")
	require.NotEmpty(t, uid)

	replies := []string{
		// 1. Alice answers her questionnaire, top-posting numbered answers.
		mailFrom("alice@example.org", prepTo, "Re: "+prepSubj, prepID, "Bonjour Claire,\n\n"+
			"1. Je n'arrive pas à déléguer à mon équipe.\n"+
			"7. J'aimerais que le groupe m'aide à lâcher prise.\n\nAlice\n\n"+
			"Le mar. 22 déc. 2026 à 18:30, Codev Managers Lyon <codev@example.org> a écrit :\n"+
			"> 1. En une phrase : quel est votre problème, projet ou préoccupation ?\n> 2. Le contexte\n"),
		// 2. Bob accepts the charter.
		mailFrom("bob@example.org", bobTo, "Re: Bienvenue", bobID, "J'accepte la charte.\n\nBob"),
		// 3. Chloé's out-of-office.
		"From: chloe@example.org\r\nTo: " + chloeTo + "\r\nSubject: Réponse automatique : Bienvenue\r\n" +
			"Message-ID: <ooo-1@example.org>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			"Je suis absente jusqu'au 4 janvier.\r\n",
		// 4. David's address bounces (DSN to the tokenised envelope sender).
		dsn(davidTo, "david@example.org"),
		// 5. Émilie accepts session 1 from her calendar (Gmail-style REPLY, capitals in MAILTO).
		rsvp("emilie@example.org", uid, "ACCEPTED"),
		// 6. Someone else replies with Alice's token: held, never applied.
		mailFrom("mallory@evil.example", prepTo, "Re: "+prepSubj, prepID, "1. Texte falsifié.\n"),
		// 7. A tampered token.
		mailFrom("alice@example.org", tamper(prepTo), "Re: "+prepSubj, "", "1. Autre texte.\n"),
	}
	for _, r := range replies {
		imap.Deliver(t, "INBOX", []byte(r))
	}
	// Stop while the batch is being read, then start again.
	require.Eventually(t, func() bool { return e.inboundCount(t, a) >= 1 }, 30*time.Second, 10*time.Millisecond)
	a.close()
	a = e.startApp(t)
	require.Eventually(t, func() bool {
		return e.inboundCount(t, a) == len(replies) && e.pendingCount(t, a) == 0
	}, 60*time.Second, 50*time.Millisecond, "every reply is stored and processed")
	require.Eventually(t, func() bool { return imap.Count("INBOX") == 0 }, 10*time.Second, 50*time.Millisecond)
	require.EqualValues(t, len(replies), imap.Count("Processed"))

	st := e.state(t, a)
	byStatus := map[string]int{}
	for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored, workflow.InboundPending} {
		a.db.InTx(context.Background(), func(tx workflow.Tx) error {
			in, err := tx.InboundByStatus(context.Background(), s)
			require.NoError(t, err)
			byStatus[s] = len(in)
			for _, m := range in {
				require.NotEmpty(t, m.Reason, "every inbound message has a reason")
				if s == workflow.InboundProcessed || s == workflow.InboundIgnored {
					full, err := tx.Inbound(context.Background(), m.ID)
					require.NoError(t, err)
					require.Nil(t, full.Raw, "the raw message is deleted once processed")
				}
			}
			return nil
		})
	}
	// Processed: Alice's answers, Bob's charter, the bounce, the RSVP.
	// Ignored: the auto-reply. Held: the forged sender and the tampered token.
	require.Equal(t, map[string]int{"processed": 4, "held": 2, "ignored": 1, "pending": 0}, byStatus)

	answers := map[string]string{}
	for _, ans := range st.Answers {
		answers[fmt.Sprintf("%s/%d/%d", ans.Kind, ans.MemberID, ans.Question)] = ans.Text
	}
	alice, bob, david, emilie := memberID(st, "alice@example.org"), memberID(st, "bob@example.org"),
		memberID(st, "david@example.org"), memberID(st, "emilie@example.org")
	require.Equal(t, "Je n'arrive pas à déléguer à mon équipe.", answers[fmt.Sprintf("prepare/%d/1", alice)])
	require.Equal(t, "J'aimerais que le groupe m'aide à lâcher prise.", answers[fmt.Sprintf("prepare/%d/7", alice)],
		"the signature after the last answer is not part of it")
	require.Contains(t, answers[fmt.Sprintf("welcome/%d/0", bob)], "J'accepte la charte")
	for k, v := range answers {
		require.NotContains(t, v, "falsifié", "the forged reply was applied as %s", k)
		require.NotContains(t, v, "Autre texte", "the tampered reply was applied as %s", k)
	}
	require.Len(t, st.Answers, 3, "each answer recorded once")
	require.True(t, st.Member(david).Bounced)
	require.Len(t, st.RSVPs, 1)
	require.Equal(t, workflow.RSVPAccepted, st.RSVPs[0].PartStat)
	require.Equal(t, emilie, st.RSVPs[0].MemberID)

	// The animator is told once about the bounce and once about the reply
	// from the wrong sender. The tampered token names no group: it is held
	// for the operators.
	notices := 0
	require.Eventually(t, func() bool {
		notices = 0
		for _, m := range e.smtp.Messages()[49:] {
			if m.To[0] == "claire@example.org" {
				notices++
			}
		}
		return notices == 2
	}, 30*time.Second, 50*time.Millisecond, "got %d notices", notices)
	time.Sleep(300 * time.Millisecond)
	require.Len(t, e.smtp.Messages(), 49+2, "nothing else was sent: no reply to the auto-responder")
}

func (e *e2e) startApp(t *testing.T) *app {
	t.Helper()
	cfg, err := e.m.config()
	require.NoError(t, err)
	a, err := e.m.start(context.Background(), cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(a.close)
	return a
}

func (e *e2e) inboundCount(t *testing.T, a *app) int {
	n := 0
	a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored, workflow.InboundPending} {
			in, err := tx.InboundByStatus(context.Background(), s)
			if err != nil {
				return err
			}
			n += len(in)
		}
		return nil
	})
	return n
}

func (e *e2e) pendingCount(t *testing.T, a *app) int {
	n := -1
	a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		in, err := tx.InboundByStatus(context.Background(), workflow.InboundPending)
		n = len(in)
		return err
	})
	return n
}

func (e *e2e) state(t *testing.T, a *app) *workflow.State {
	t.Helper()
	var st *workflow.State
	require.NoError(t, a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		g, err := tx.GroupByName(context.Background(), "Managers Lyon")
		if err != nil {
			return err
		}
		st, err = workflow.LoadState(context.Background(), tx, g.ID)
		return err
	}))
	return st
}

func memberID(st *workflow.State, email string) int64 {
	for _, m := range st.Members {
		if m.Email == email {
			return m.ID
		}
	}
	return 0
}

// replySeq numbers test replies' Message-IDs; tests run in parallel.
var replySeq atomic.Int64

func mailFrom(from, to, subject, inReplyTo, body string) string {
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <reply-%d-%d@client.example>\r\nDate: Wed, 23 Dec 2026 10:00:00 +0100\r\n",
		from, to, subject, replySeq.Add(1), time.Now().UnixNano())
	if inReplyTo != "" {
		h += "In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n"
	}
	return h + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n")
}

func tamper(addr string) string {
	local, domain, _ := strings.Cut(addr, "@")
	b := []byte(local)
	last := len(b) - 1
	if b[last] == 'a' {
		b[last] = 'b'
	} else {
		b[last] = 'a'
	}
	return string(b) + "@" + domain
}

func dsn(to, failed string) string {
	return "From: MAILER-DAEMON@mx.example.net\r\nTo: " + to + "\r\nReturn-Path: <>\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <dsn-1@mx.example.net>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n" +
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n" +
		"Final-Recipient: rfc822; " + failed + "\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n--b1--\r\n"
}

func rsvp(attendee, uid, partstat string) string {
	cal := "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n" +
		"BEGIN:VEVENT\r\nDTSTART:20270112T170000Z\r\nDTEND:20270112T190000Z\r\nDTSTAMP:20261223T090000Z\r\n" +
		"ORGANIZER;CN=Codev Managers Lyon:mailto:codev@example.org\r\nUID:" + uid + "\r\n" +
		"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=" + partstat + ";CN=Émilie Roux;X-NUM-GUESTS=0:MAILTO:" +
		strings.ToUpper(attendee) + "\r\nSEQUENCE:0\r\nSUMMARY:Codev Managers Lyon – séance 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	return "From: " + attendee + "\r\nTo: codev@example.org\r\nSubject: Invitation acceptée : Codev\r\n" +
		"Message-ID: <rsvp-" + fmt.Sprint(replySeq.Add(1)) + "-" + fmt.Sprint(time.Now().UnixNano()) + "@google.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n" +
		"--b2\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nÉmilie Roux a accepté cette invitation.\r\n" +
		"--b2\r\nContent-Type: text/calendar; charset=UTF-8; method=REPLY\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + cal +
		"--b2--\r\n"
}
