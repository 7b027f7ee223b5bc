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

// TestOpenModeEndToEnd runs the open rotation mode by email: the call for
// topics at D−14, two titles by reply, the animator's list at D−10, and the
// choice by reply, after which the chosen member is asked to prepare. A
// reply from the wrong address and a choice naming nobody stay held.
func TestOpenModeEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testOpenMode(t, kind)
		})
	}
}

func testOpenMode(t *testing.T, kind string) {
	ctx := context.Background()
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	// Applied on Monday 28 December 2026; the next day at 18:30 in Paris is
	// D−14 of session 1 (the calls for topics wait for the day after the
	// welcome).
	e.clock.Set(time.Date(2026, 12, 28, 17, 30, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	group, err := os.ReadFile(e.file)
	require.NoError(t, err)
	open := strings.Replace(string(group), "visio:", "rotation: open\nvisio:", 1)
	require.NoError(t, os.WriteFile(e.file, []byte(open), 0o600))
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 29, 17, 30, 0, 0, time.UTC))
	a := e.startApp(t)

	// 6 welcomes, 6 × 7 invitations and a call for topics to each member;
	// no client yet, so no preparation questionnaire.
	sent := parseAll(t, e.smtp.WaitFor(6+42+6, 60*time.Second))
	require.Len(t, sent, 54)
	members := []string{"alice@example.org", "bob@example.org", "chloe@example.org", "david@example.org",
		"emilie@example.org", "francois@example.org"}
	for _, to := range members {
		m := openFind(t, e, to, "appel à sujets")
		require.Contains(t, m.text, "1. Si vous souhaitez apporter un sujet")
	}
	for _, m := range sent {
		require.NotContains(t, m.subject, "client", "nobody is client yet")
	}

	// Alice, then Chloé, answer with a title; Bob answers from another
	// address, which is held and never applied.
	alice := openFind(t, e, "alice@example.org", "appel à sujets")
	imap.Deliver(t, "INBOX", []byte(mailFrom("alice@example.org", alice.replyTo, "Re: "+alice.subject, alice.msgID,
		"1. Déléguer sans tout reprendre derrière mon équipe\n2. non\n\nAlice\n")))
	openWaitInbound(t, e, a, 1)
	chloe := openFind(t, e, "chloe@example.org", "appel à sujets")
	imap.Deliver(t, "INBOX", []byte(mailFrom("chloe@example.org", chloe.replyTo, "Re: "+chloe.subject, chloe.msgID,
		"1. Un conflit entre deux collègues de mon service\n2. oui\n")))
	bob := openFind(t, e, "bob@example.org", "appel à sujets")
	imap.Deliver(t, "INBOX", []byte(mailFrom("bob.perso@example.net", bob.replyTo, "Re: "+bob.subject, bob.msgID,
		"1. Sujet envoyé depuis une autre adresse\n2. oui\n")))
	openWaitInbound(t, e, a, 3)

	// D−10, Saturday 2 January, moves to the working day before New Year's
	// Day: Thursday 31 December at 18:00. The animator gets the two
	// proposals, numbered, with the authors' consent; the subject names no
	// title.
	e.clock.Set(time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC))
	_, err = a.svc.Reconcile(ctx)
	require.NoError(t, err)
	var list openMail
	require.Eventually(t, func() bool {
		list = openFindAll(t, e, "claire@example.org", "sujets proposés")
		return list.text != ""
	}, 30*time.Second, 20*time.Millisecond, "the animator gets the list of proposals")
	require.Equal(t, "[Codev Managers Lyon] Séance 1/6 – sujets proposés", list.subject)
	require.Contains(t, list.text, "[1] Alice Dupont\u00a0: «\u00a0Déléguer sans tout reprendre derrière mon équipe\u00a0» (titre à ne pas communiquer au groupe)")
	require.Contains(t, list.text, "[2] Chloé Bernard\u00a0: «\u00a0Un conflit entre deux collègues de mon service\u00a0» (titre communicable au groupe)")
	require.Contains(t, list.text, "Répondez à ce message avec le numéro ou le nom de la personne choisie.")
	require.NotContains(t, list.text, "autre adresse", "the held reply is not a proposal")
	for _, m := range parseAll(t, e.smtp.Messages()) {
		if m.to != "claire@example.org" {
			require.NotContains(t, m.text, "Déléguer", "%s sees no other member's title", m.to)
			require.NotContains(t, m.text, "conflit entre deux", "%s sees no other member's title", m.to)
		}
	}

	// A reply that names nobody is held; « 2 », top-posted above the
	// quoted list, makes Chloé the client.
	quoted := "\n\nLe jeu. 31 déc. 2026 à 18:00, Codev Managers Lyon <codev@example.org> a écrit :\n> " +
		strings.ReplaceAll(strings.TrimSpace(list.text), "\n", "\n> ") + "\n"
	imap.Deliver(t, "INBOX", []byte(mailFrom("claire@example.org", list.replyTo, "Re: "+list.subject, list.msgID, "Zoé"+quoted)))
	openWaitInbound(t, e, a, 4)
	require.Zero(t, e.state(t, a).SessionNumber(1).ClientID)
	imap.Deliver(t, "INBOX", []byte(mailFrom("claire@example.org", list.replyTo, "Re: "+list.subject, list.msgID, "« 2 »\n\nClaire"+quoted)))
	openWaitInbound(t, e, a, 5)
	// Processing enqueues a reconcile, skipped when one is already running
	// (the one the held reply caused): the periodic reconcile then sends
	// the questionnaire. Run it now rather than wait for it.
	_, err = a.svc.Reconcile(ctx)
	require.NoError(t, err)

	st := e.state(t, a)
	s1 := st.SessionNumber(1)
	require.Equal(t, memberID(st, "chloe@example.org"), s1.ClientID)
	require.True(t, s1.Pinned, "re-applying the group file keeps the choice")
	require.Zero(t, st.SessionNumber(2).ClientID)
	require.Eventually(t, func() bool {
		return openFindAll(t, e, "chloe@example.org", "vous êtes client·e").text != ""
	}, 30*time.Second, 20*time.Millisecond, "the chosen member is asked to prepare at once")
	prep := openFindAll(t, e, "chloe@example.org", "vous êtes client·e")
	require.Equal(t, "[Codev Managers Lyon] Séance 1/6 – vous êtes client·e", prep.subject)

	// Held: Bob's reply from another address and the choice naming nobody,
	// with their reasons; processed: two titles and the choice.
	statuses := map[string][]string{}
	require.NoError(t, a.db.InTx(ctx, func(tx workflow.Tx) error {
		for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored, workflow.InboundPending} {
			in, err := tx.InboundByStatus(ctx, s)
			require.NoError(t, err)
			for _, m := range in {
				statuses[s] = append(statuses[s], m.Reason)
			}
		}
		return nil
	}))
	require.Len(t, statuses[workflow.InboundProcessed], 3, "%v", statuses)
	require.Len(t, statuses[workflow.InboundHeld], 2, "%v", statuses)
	require.True(t, strings.HasPrefix(statuses[workflow.InboundHeld][0], string(workflow.ReasonSenderNotMember)+" "), "%v", statuses)
	require.Equal(t, workflow.Reason{Code: workflow.ReasonChoiceNoMatch, Args: []int64{1}}.String(), statuses[workflow.InboundHeld][1],
		"the choice names nobody")
	require.True(t, strings.HasPrefix(statuses[workflow.InboundProcessed][2], string(workflow.ReasonClientChosen)+" 1 "), "%v", statuses)
	for _, a := range st.Answers {
		require.NotContains(t, a.Text, "autre adresse", "the held reply was applied")
		require.NotEqual(t, workflow.KindNoticeTopics, a.Kind, "the choice is not stored as an answer")
	}
	// Applying the unchanged file keeps the choice.
	e.run("group", "apply", "-f", e.file)
	require.Equal(t, memberID(st, "chloe@example.org"), e.state(t, a).SessionNumber(1).ClientID)
}

// openMail is a sent email with what a reply to it needs.
type openMail struct {
	replyTo, msgID, subject, text string
}

// openFind returns the email sent to `to` whose subject contains part,
// failing when there is none.
func openFind(t *testing.T, e *e2e, to, part string) openMail {
	t.Helper()
	m := openFindAll(t, e, to, part)
	require.NotEmpty(t, m.text, "no %q sent to %s", part, to)
	return m
}

// openFindAll is openFind returning the zero openMail when none was sent.
func openFindAll(t *testing.T, e *e2e, to, part string) openMail {
	t.Helper()
	for _, r := range e.smtp.Messages() {
		if r.To[0] != to {
			continue
		}
		p := parseAll(t, []smtptest.Received{r})[0]
		subj := openHeader(t, r.Data, "Subject")
		if strings.Contains(subj, part) {
			return openMail{replyTo: strings.Trim(openHeader(t, r.Data, "Reply-To"), "<>"),
				msgID: strings.Trim(openHeader(t, r.Data, "Message-Id"), "<>"), subject: subj, text: p.text}
		}
	}
	return openMail{}
}

// openWaitInbound waits until n inbound messages were stored and none is
// pending.
func openWaitInbound(t *testing.T, e *e2e, a *app, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		return e.inboundCount(t, a) == n && e.pendingCount(t, a) == 0
	}, 30*time.Second, 20*time.Millisecond, "%d inbound messages processed", n)
}

// openHeader returns a header field of a raw message, decoded.
func openHeader(t *testing.T, raw []byte, name string) string {
	t.Helper()
	ent, err := message.Read(bytes.NewReader(raw))
	require.NoError(t, err)
	v, err := ent.Header.Text(name)
	require.NoError(t, err)
	return v
}
