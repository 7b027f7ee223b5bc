package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
)

// TestConsentToShareEndToEnd answers the open mode's call for topics in
// many ways, on both stores: a title reaches the list as « communicable
// au groupe » only when its author answered an explicit yes to question 2.
// Negations, hedges and consent written elsewhere than in the answer to
// question 2 are no.
func TestConsentToShareEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testConsentToShare(t, kind)
		})
	}
}

func testConsentToShare(t *testing.T, kind string) {
	ctx := context.Background()
	e := newE2E(t, kind)
	imap := imaptest.NewServer(t)
	e.env["CODEV_IMAP_URL"] = imap.URL()
	e.clock.Set(time.Date(2026, 12, 28, 17, 30, 0, 0, time.UTC)) // the day before D−14 of session 1
	e.run("migrate")
	e.writeGroup(e2eDates)
	group, err := os.ReadFile(e.file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(e.file, []byte(strings.Replace(string(group), "visio:", "rotation: open\nvisio:", 1)), 0o600))
	e.run("group", "apply", "-f", e.file)
	e.clock.Set(time.Date(2026, 12, 29, 17, 30, 0, 0, time.UTC)) // D−14: the calls for topics
	a := e.startApp(t)
	e.smtp.WaitFor(6+42+6, 60*time.Second)

	call := openFind(t, e, "alice@example.org", "appel à sujets")
	call.text = strings.ReplaceAll(call.text, "\u00a0", " ") // French spacing
	require.Contains(t, call.text, "2. Acceptez-vous que ce titre soit communiqué au groupe avant la séance ? Répondez oui ou non",
		"consent is asked as a yes/no question")
	require.Contains(t, call.text, "toute autre réponse, ou aucune, vaut non")

	answers := []struct{ who, body, line string }{
		{"alice", "1. Déléguer sans tout reprendre\n2. ne pas partager\n", "Alice Dupont : « Déléguer sans tout reprendre » (titre à ne pas communiquer au groupe)"},
		{"chloe", "1. Un conflit entre deux collègues\n2. Oui, bien sûr\n", "Chloé Bernard : « Un conflit entre deux collègues » (titre communicable au groupe)"},
		{"david", "1. Recruter mon premier adjoint\n2. Oui… enfin non\n", "David Petit : « Recruter mon premier adjoint » (titre à ne pas communiquer au groupe)"},
		{"emilie", "1. Un client qui ne paie pas\n2. Ceci ne peut être partagé\n", "Émilie Roux : « Un client qui ne paie pas » (titre à ne pas communiquer au groupe)"},
		{"francois", "1. Dire non à ma directrice\n2. d'accord\n", "François Moreau : « Dire non à ma directrice » (titre communicable au groupe)"},
		// Not numbered: the whole reply is a free answer, its first line the
		// title, and no answer to question 2 was given.
		{"bob", "Mon sujet : une réorganisation\nVous pouvez partager ce titre.\n", "Bob Martin : « Mon sujet : une réorganisation » (titre à ne pas communiquer au groupe)"},
	}
	for _, ans := range answers {
		m := openFind(t, e, ans.who+"@example.org", "appel à sujets")
		imap.Deliver(t, "INBOX", []byte(mailFrom(ans.who+"@example.org", m.replyTo, "Re: "+m.subject, m.msgID, ans.body)))
	}
	openWaitInbound(t, e, a, len(answers))

	e.clock.Set(time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)) // D−10 moved before New Year's Day: the list
	_, err = a.svc.Reconcile(ctx)
	require.NoError(t, err)
	var list openMail
	require.Eventually(t, func() bool {
		list = openFindAll(t, e, "claire@example.org", "sujets proposés")
		return list.text != ""
	}, 30*time.Second, 20*time.Millisecond, "the animator gets the list of proposals")
	list.text = strings.ReplaceAll(list.text, "\u00a0", " ")
	for _, ans := range answers {
		require.Contains(t, list.text, ans.line, "%s answered %q", ans.who, ans.body)
	}
	st := e.state(t, a)
	shared := 0
	for _, ans := range st.Answers {
		if ans.Shared {
			shared++
		}
	}
	require.Equal(t, 4, shared, "Chloé's and François's two answers each are marked shared, no other")
}
