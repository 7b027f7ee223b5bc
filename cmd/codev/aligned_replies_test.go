package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/inbound/replytest"
	"github.com/codev-org/codev/workflow"
)

// TestAlignedRepliesEndToEnd answers the requests codev sent during the
// first session of a cycle the way real mail clients do (mail/inbound/
// replytest), one of each kind of issue 13: numbered answers (Thunderbird,
// top-posted, "-- " signature), inline answers (Outlook without quote
// marks; the Orange webmail's HTML quote, which read without the request
// looks like quoted text only), a line of the request pasted in an answer
// (Gmail), footers (Outlook's legal notice, iPhone's « Envoyé de mon
// iPhone »). Each reply comes through the IMAP watcher and must be filed
// with exactly the answers the sender wrote, nothing of codev's email in
// them; the request's text is kept from its sending until it is answered.
func TestAlignedRepliesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			testAlignedReplies(t, kind)
		})
	}
}

func testAlignedReplies(t *testing.T, kind string) {
	e := newE2E(t, kind)
	c := &cycle{t: t, e: e, imap: imaptest.NewServer(t), mail: map[int64]string{}}
	e.env["CODEV_IMAP_URL"] = c.imap.URL()
	e.clock.Set(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	c.a = e.startApp(t)
	st := e.state(t, c.a)
	id := func(email string) int64 { return memberID(st, email) }
	c.step(e.clock.Now())

	// Alice prepares session 1 in Outlook, inline, without quote marks.
	prep := c.until("prepare", id("alice@example.org"))
	require.Contains(t, requestText(t, c, prep), "1. En une phrase", "the request's text is kept once sent")
	inline := map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes, un client exigeant.", 8: "Ma relation avec mon directeur."}
	c.deliver(string(replytest.OutlookDesktop().Write(sentRequest(t, c, prep),
		replytest.Reply{FromName: "Alice Dupont", From: "alice@example.org", Top: "Bonjour Claire,\nMes réponses sont dans le texte.",
			Inline: inline, Signature: "Alice Dupont\nResponsable du service client", MessageID: "prep-outlook@client.example"})))
	c.waitInbound(1)
	require.Empty(t, requestText(t, c, prep), "the text is forgotten once the request is answered")

	// After the session, the members are asked what they learnt.
	learn := func(email string) *workflow.Message { return c.until("learnings", id(email)) }
	bob, chloe, david, emilie := learn("bob@example.org"), learn("chloe@example.org"), learn("david@example.org"), learn("emilie@example.org")
	plan := c.until("client_plan", id("alice@example.org"))
	for _, m := range []*workflow.Message{bob, chloe, david, emilie, plan} {
		require.NotEmpty(t, requestText(t, c, m), "%s", m.Key)
	}
	pasted := "Vos réponses rejoignent votre historique personnel, votre journal d'apprentissage. Claire Martin en reçoit une synthèse, sans les noms."
	require.Contains(t, requestText(t, c, chloe), pasted)
	replies := []struct {
		to     *workflow.Message
		client replytest.Client
		reply  replytest.Reply
		want   map[int]string
	}{
		{bob, replytest.Thunderbird(), replytest.Reply{FromName: "Bob Martin", From: "bob@example.org",
			Top:       "1. Écouter sans préparer ma réponse.\n2. Je pose trop vite des questions fermées.\n3. Oui, sauf le temps de clarification.\n4. 4",
			Signature: "Bob Martin\nResponsable d'équipe"},
			map[int]string{1: "Écouter sans préparer ma réponse.", 2: "Je pose trop vite des questions fermées.",
				3: "Oui, sauf le temps de clarification.", 4: "4"}},
		{chloe, replytest.GmailWeb(), replytest.Reply{FromName: "Chloé Bernard", From: "chloe@example.org",
			Top: "1. Reformuler avant de proposer.\n2. Vous écrivez :\n" + pasted + "\nC'est ce qui me met en confiance.\n4. 5"},
			map[int]string{1: "Reformuler avant de proposer.", 2: "Vous écrivez :\n" + pasted + "\nC'est ce qui me met en confiance.", 4: "5"}},
		{david, replytest.OutlookDesktop(), replytest.Reply{FromName: "David Petit", From: "david@example.org",
			Top: "1. Le silence aide le client.\n4. 3", Signature: "David Petit\nDirecteur financier", Legal: legalNotice},
			map[int]string{1: "Le silence aide le client.", 4: "3"}},
		{emilie, replytest.IPhone(), replytest.Reply{FromName: "Émilie Roux", From: "emilie@example.org",
			Top: "1. Poser des questions ouvertes.\n4. 5"},
			map[int]string{1: "Poser des questions ouvertes.", 4: "5"}},
		{plan, replytest.Orange(), replytest.Reply{FromName: "Alice Dupont", From: "alice@example.org",
			Inline: map[int]string{1: "Déléguer deux dossiers d'ici fin février.", 5: "5"}},
			map[int]string{1: "Déléguer deux dossiers d'ici fin février.", 5: "5"}},
	}
	for i, r := range replies {
		r.reply.MessageID = fmt.Sprintf("aligned-%d@client.example", i)
		c.deliver(string(r.client.Write(sentRequest(t, c, r.to), r.reply)))
	}
	c.waitInbound(1 + len(replies))

	st = e.state(t, c.a)
	got := map[int64]map[int]string{}
	for _, a := range st.Answers {
		if got[a.RequestID] == nil {
			got[a.RequestID] = map[int]string{}
		}
		got[a.RequestID][a.Question] = a.Text
	}
	require.Equal(t, inline, got[prep.ID], "Outlook, inline without quote marks")
	for _, r := range replies {
		require.Equal(t, r.want, got[r.to.ID], "%s (%s)", r.to.Key, r.client.Name)
		require.Empty(t, requestText(t, c, r.to))
	}
	for _, in := range processedInbound(t, c) {
		require.Equal(t, workflow.InboundProcessed, in.Status, "%d: %s", in.ID, in.Reason)
	}
	for _, a := range st.Answers {
		for _, codev := range []string{"Vous recevez ce message", "a écrit", "Envoyé de mon iPhone", "pièces jointes", "De :",
			"Qu'est-ce que je retiens", "Gérer mes notifications"} {
			require.NotContains(t, a.Text, codev, "answer %d to %d", a.Question, a.RequestID)
		}
	}
}

const legalNotice = "Ce message et ses pièces jointes sont confidentiels et établis à l'attention exclusive de leurs destinataires. " +
	"Si vous avez reçu ce message par erreur, merci de le détruire et d'en avertir l'émetteur."

// sentRequest returns the email codev sent for m, as its recipient got it.
func sentRequest(t *testing.T, c *cycle, m *workflow.Message) *replytest.Request {
	t.Helper()
	for _, r := range c.e.smtp.Messages() {
		ent, err := message.Read(bytes.NewReader(r.Data))
		require.NoError(t, err)
		if strings.Trim(ent.Header.Get("Message-Id"), "<>") == m.MessageID {
			req, err := replytest.ReadRequest(r.Data)
			require.NoError(t, err)
			return req
		}
	}
	t.Fatalf("%s was not received", m.Key)
	return nil
}

func requestText(t *testing.T, c *cycle, m *workflow.Message) string {
	t.Helper()
	var text string
	require.NoError(t, c.a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		var err error
		text, err = tx.RequestText(context.Background(), m.ID)
		return err
	}))
	return text
}

func processedInbound(t *testing.T, c *cycle) []*workflow.Inbound {
	t.Helper()
	var out []*workflow.Inbound
	require.NoError(t, c.a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		for _, s := range []string{workflow.InboundProcessed, workflow.InboundHeld, workflow.InboundIgnored} {
			in, err := tx.InboundByStatus(context.Background(), s)
			if err != nil {
				return err
			}
			out = append(out, in...)
		}
		return nil
	}))
	return out
}

// TestInspectMailWithRequest runs `codev inspect-mail --request` on a
// reply of mail/inbound's cases: the mapping names each line's role.
func TestInspectMailWithRequest(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "mail", "inbound", "testdata", "replies")
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	code := m.Run(context.Background(), []string{"inspect-mail", "--request", filepath.Join(dir, "requests", "prepare.eml"),
		filepath.Join(dir, "outlook-desktop-inline-unmarked.eml")})
	require.Equal(t, 0, code, out.String())
	var s struct {
		Answers map[string]string
		Mapping struct {
			Questions int `json:"questions"`
			Found     int `json:"request_lines_found"`
			Lines     []struct {
				Line     int    `json:"line"`
				Role     string `json:"role"`
				Question int    `json:"question"`
				Text     string `json:"text"`
			} `json:"lines"`
		} `json:"mapping"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	require.Equal(t, "Je n'arrive pas à déléguer.", s.Answers["1"])
	require.Equal(t, 8, s.Mapping.Questions)
	require.Positive(t, s.Mapping.Found)
	roles := map[string]string{}
	for _, l := range s.Mapping.Lines {
		roles[l.Text] = fmt.Sprintf("%s %d", l.Role, l.Question)
	}
	require.Equal(t, "request 1", roles["1.\tEn une phrase : quel est votre problème, projet ou préoccupation ?"])
	require.Equal(t, "answer 1", roles["Je n'arrive pas à déléguer."])
	require.Equal(t, "request 0", roles["Message envoyé automatiquement par codev."])
	require.Equal(t, "quoting 0", roles["Envoyé : mardi 22 décembre 2026 18:00"])

	// Without a request file the output has no mapping.
	out.Reset()
	code = m.Run(context.Background(), []string{"inspect-mail", filepath.Join(dir, "outlook-desktop-inline-unmarked.eml")})
	require.Equal(t, 0, code, out.String())
	require.NotContains(t, out.String(), `"mapping"`)

	// A missing request file is an error, not a silent reading without it.
	out.Reset()
	code = m.Run(context.Background(), []string{"inspect-mail", "--request", filepath.Join(t.TempDir(), "none.eml"),
		filepath.Join(dir, "outlook-desktop-inline-unmarked.eml")})
	require.NotEqual(t, 0, code)
	require.Contains(t, out.String(), "error reading the request")
}

// TestRequestTextsForgotten checks that the kept texts of requests go with
// the member's erasure and with the group's purge, like answers.
func TestRequestTextsForgotten(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	s := seedGroup(t, e)
	ctx := context.Background()
	text := func(id int64) string {
		var out string
		require.NoError(t, s.db.InTx(ctx, func(tx workflow.Tx) error {
			var err error
			out, err = tx.RequestText(ctx, id)
			return err
		}))
		return out
	}
	require.NoError(t, s.db.InTx(ctx, func(tx workflow.Tx) error {
		if err := tx.SetRequestText(ctx, s.prepare, "Bonjour Alice Dupont,\n\n1. En une phrase : quel est votre problème ?"); err != nil {
			return err
		}
		return tx.SetRequestText(ctx, s.welcome, "Bonjour Bob Martin,")
	}))

	e.run("member", "erase", "alice@example.org")
	require.Empty(t, text(s.prepare), "the erased member's request texts are gone")
	require.NotEmpty(t, text(s.welcome), "another member's text stays")

	purge := time.Date(2027, 12, 8, 20, 0, 0, 0, time.FixedZone("CET", 3600))
	e.clock.Set(purge.Add(-time.Minute))
	_, err := s.svc.Reconcile(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, text(s.welcome), "kept until the retention date")
	e.clock.Set(purge)
	_, err = s.svc.Reconcile(ctx)
	require.NoError(t, err)
	require.Empty(t, text(s.welcome), "purged at the retention date")
}
