package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// nb is the no-break space of French typography (templates.NBSP).
const nb = "\u00a0"

// sentMail is one sent email as the wording test reads it.
type sentMail struct {
	to, subject, text, messageID, inReplyTo string
}

func readMails(t *testing.T, msgs []smtptest.Received) []sentMail {
	t.Helper()
	var out []sentMail
	for _, m := range msgs {
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		subj, err := ent.Header.Text("Subject")
		require.NoError(t, err)
		got := sentMail{to: m.To[0], subject: subj, messageID: ent.Header.Get("Message-Id"), inReplyTo: ent.Header.Get("In-Reply-To")}
		for _, r := range parseAll(t, []smtptest.Received{m}) {
			got.text = r.text
		}
		out = append(out, got)
	}
	return out
}

// find returns the mails to whom whose subject contains part.
func find(ms []sentMail, to, part string) []sentMail {
	var out []sentMail
	for _, m := range ms {
		if m.to == to && strings.Contains(m.subject, part) {
			out = append(out, m)
		}
	}
	return out
}

// TestWordingEndToEnd plays the wording rules through `codev serve` on
// SQLite: people are greeted by their first name, the client is addressed
// as the client, the animator is never told she will hear of her own
// decline, a moved session says its old and its new date, times are
// written « 18 h 00 » with no-break spaces, and the charter reminder has a
// subject of its own while staying in the welcome's conversation.
func TestWordingEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	first := readMails(t, e.smtp.WaitFor(48, 60*time.Second))

	welcome := find(first, "alice@example.org", "Bienvenue")
	require.Len(t, welcome, 1)
	require.Contains(t, welcome[0].text, "Bonjour Alice,\r\n")
	require.Contains(t, welcome[0].text, "mardi 12 janvier 2027 à 18"+nb+"h"+nb+"00 (heure de Paris), 2"+nb+"h")
	require.Contains(t, welcome[0].text, "participant·es")

	inv := func(to string) string {
		got := find(first, to, "Séance 1/6 – invitation")
		require.Len(t, got, 1, to)
		return got[0].text
	}
	alice, bob, claire := inv("alice@example.org"), inv("bob@example.org"), inv("claire@example.org")
	require.Contains(t, alice, "Vous êtes client·e de cette séance", "the client is addressed as the client")
	require.Contains(t, alice, "Client·e"+nb+": vous")
	require.NotContains(t, bob, "Vous êtes client·e")
	require.Contains(t, bob, "Client·e"+nb+": Alice Dupont")
	require.Contains(t, bob, "pour que Claire Martin sache qui sera là")
	require.NotContains(t, claire, "Claire Martin sache", "the animator is not told about herself")
	require.Contains(t, claire, "vous serez prévenu·e de chaque absence annoncée")

	// The animator declines session 2 from her calendar, Émilie session 1:
	// the animator hears of Émilie's decline, not of her own.
	// (Before any change: a reply to an older SEQUENCE is ignored.)
	st := e.state(t, a)
	imap.Deliver(t, "INBOX", []byte(rsvp("claire@example.org", st.SessionNumber(2).UID, "DECLINED")))
	imap.Deliver(t, "INBOX", []byte(rsvp("emilie@example.org", st.SessionNumber(1).UID, "DECLINED")))
	var notices []sentMail
	require.Eventually(t, func() bool {
		notices = find(readMails(t, e.smtp.Messages()[48:]), "claire@example.org", "absence annoncée")
		return len(notices) > 0
	}, 30*time.Second, 50*time.Millisecond)
	require.Contains(t, notices[0].text, "Émilie Roux a décliné l'invitation à la séance 1 sur 6")
	claireID := memberID(st, "claire@example.org")
	require.Eventually(t, func() bool {
		for _, m := range e.state(t, a).Messages {
			if m.Kind == workflow.KindNoticeDecline && int64(m.Sequence) == claireID {
				return m.Status == workflow.MessageSkipped
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond, "the notice of the animator's own decline is recorded and skipped")

	// Moving session 2 by command: the update says the old and the new date.
	e.run("session", "reschedule", "--group", lyon, "--session", "2", "--at", "2027-02-16 18:30")
	moved := readMails(t, e.smtp.WaitFor(49+7, 60*time.Second)[49:])
	require.Len(t, moved, 7)
	for _, m := range moved {
		require.Contains(t, m.text, "Séance 2 sur 6 déplacée", m.to)
		require.Contains(t, m.text, "Elle était prévue le mardi 9 février 2027 à 18"+nb+"h"+nb+"00 (heure de Paris)"+nb+
			"; elle aura lieu le mardi 16 février 2027 à 18"+nb+"h"+nb+"30 (heure de Paris).", m.to)
	}
	// Applying the old file moves it back: the dates swap places.
	e.run("group", "apply", "-f", e.file)
	back := readMails(t, e.smtp.WaitFor(56+7, 60*time.Second)[56:])
	require.Len(t, back, 7)
	for _, m := range back {
		require.Contains(t, m.text, "Elle était prévue le mardi 16 février 2027 à 18"+nb+"h"+nb+"30 (heure de Paris)"+nb+
			"; elle aura lieu le mardi 9 février 2027 à 18"+nb+"h"+nb+"00 (heure de Paris).", m.to)
	}
	// A new video link moves nothing: the update does not speak of a move.
	file, err := os.ReadFile(e.file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(e.file, bytes.Replace(file, []byte("https://meet.example.org/managers-lyon"), []byte("https://meet.example.org/lyon-2"), 1), 0o600))
	e.run("group", "apply", "-f", e.file)
	updated := readMails(t, e.smtp.WaitFor(63+42, 60*time.Second)[63:])
	require.Len(t, updated, 42)
	for _, m := range updated {
		require.Contains(t, m.text, "Invitation mise à jour", m.to)
		require.NotContains(t, m.text, "déplacée", m.to)
	}

	// D−1 of session 1: the charter reminder, the digest and the reminders.
	e.clock.Set(time.Date(2027, 1, 11, 17, 30, 0, 0, time.UTC))
	_, err = a.svc.Reconcile(context.Background())
	require.NoError(t, err)
	var later []sentMail
	ready := func() bool {
		later = readMails(t, e.smtp.Messages()[105:])
		return len(find(later, "claire@example.org", "Séance 1/6 – rappel")) == 1 &&
			len(find(later, "alice@example.org", "Séance 1/6 – rappel")) == 1 &&
			len(find(later, "alice@example.org", "Rappel"+nb+": la charte du groupe")) == 1 &&
			len(find(later, "claire@example.org", "préparation de la séance")) == 1
	}
	for deadline := time.Now().Add(60 * time.Second); !ready(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after D−1, only: %q", subjects(later))
		}
	}

	charter := find(later, "alice@example.org", "Rappel"+nb+": la charte du groupe")[0]
	require.Equal(t, "[Codev Managers Lyon] Rappel"+nb+": la charte du groupe", charter.subject, "a subject of its own")
	require.Equal(t, welcome[0].messageID, charter.inReplyTo, "threaded under the welcome")

	reminder := find(later, "claire@example.org", "Séance 1/6 – rappel")[0].text
	require.NotContains(t, reminder, "Claire Martin sera prévenu·e")
	require.Contains(t, reminder, "Si vous ne pouvez finalement pas animer cette séance")
	require.Contains(t, find(later, "alice@example.org", "Séance 1/6 – rappel")[0].text, "Vous en êtes client·e")

	digest := find(later, "claire@example.org", "préparation de la séance")[0].text
	require.Contains(t, digest, "- Émilie Roux"+nb+": ne viendra pas")
	require.NotContains(t, digest, "- Claire Martin"+nb+":", "the animator's digest lists the members")
	require.Contains(t, digest, "18"+nb+"h"+nb+"00 – 18"+nb+"h"+nb+"15"+nb+": Accueil et tour de table (15"+nb+"min)")
	require.NotContains(t, digest, "choix du sujet", "planned rotation: the client is known")
	require.Contains(t, digest, "Bob Martin — bienvenue et charte (envoi du mardi 1er décembre 2026)")
}

func subjects(ms []sentMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.to+" "+m.subject)
	}
	return out
}
