package inbound

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/inbound/replytest"
)

var updateReplies = flag.Bool("replies.update", false, "rewrite testdata/replies/*.eml from the cases of replies_test.go")

// replyCase is a reply written as one mail client writes it, to a request
// codev rendered (testdata/replies/requests/KIND.eml, from `codev preview
// -f examples/group.yaml`), with the answers expected by question number.
type replyCase struct {
	name    string
	class   string // numbered, inline, pasted, footer
	request string
	client  replytest.Client
	reply   replytest.Reply
	want    map[int]string
	// kept are lines of the request the sender pasted in their text: they
	// must stay in it.
	kept []string
}

const (
	classNumbered = "numbered"
	classInline   = "inline"
	classPasted   = "pasted"
	classFooter   = "footer"
)

func alice(r replytest.Reply) replytest.Reply {
	r.FromName, r.From = "Alice Dupont", "alice@example.org"
	return r
}

func bob(r replytest.Reply) replytest.Reply {
	r.FromName, r.From = "Bob Martin", "bob@example.org"
	return r
}

const legalFR = "Ce message et ses pièces jointes sont confidentiels et établis à l'attention exclusive de leurs destinataires. " +
	"Si vous avez reçu ce message par erreur, merci d'en avertir immédiatement l'émetteur et de le détruire. " +
	"Toute utilisation ou diffusion non autorisée est interdite.\n\n" +
	"This message and any attachments are confidential and intended solely for the addressees. " +
	"If you received this message in error, please notify the sender and delete it.\n\n" +
	"Pensez à l'environnement avant d'imprimer ce message."

// replyCases are the fresh replies of issue 13, one client layout each.
func replyCases() []replyCase {
	return []replyCase{
		// Numbered answers, whatever the client does with them.
		{name: "thunderbird-top-signature", class: classNumbered, request: "learnings", client: replytest.Thunderbird(),
			reply: bob(replytest.Reply{
				Top:       "1. Écouter sans préparer ma réponse.\n2. Je pose trop vite des questions fermées.\n3. Oui, sauf le temps de clarification qui a débordé.\n4. 4",
				Signature: "Bob Martin\nResponsable d'équipe, Atelier Lumière"}),
			want: map[int]string{1: "Écouter sans préparer ma réponse.", 2: "Je pose trop vite des questions fermées.",
				3: "Oui, sauf le temps de clarification qui a débordé.", 4: "4"}},
		{name: "gmail-bold-numbers", class: classNumbered, request: "prepare", client: replytest.GmailWeb(),
			reply: alice(replytest.Reply{
				Top: "Bonjour Claire,\n\n*1.* Je n'arrive pas à déléguer les dossiers clients.\n\n*2.* J'encadre six personnes ; " +
					"l'enjeu est mon temps et leur autonomie.\n\n*7.* J'aimerais que le groupe m'aide à lâcher prise.\nDes témoignages surtout.\n\nAlice",
				TopHTML: "<div>Bonjour Claire,</div><div><br></div><div><b>1.</b> Je n'arrive pas à déléguer les dossiers clients.</div>" +
					"<div><br></div><div><b>2.</b> J'encadre six personnes ; l'enjeu est mon temps et leur autonomie.</div><div><br></div>" +
					"<div><b>7.</b> J'aimerais que le groupe m'aide à lâcher prise.</div><div>Des témoignages surtout.</div><div><br></div><div>Alice</div>"}),
			want: map[int]string{1: "Je n'arrive pas à déléguer les dossiers clients.",
				2: "J'encadre six personnes ; l'enjeu est mon temps et leur autonomie.",
				7: "J'aimerais que le groupe m'aide à lâcher prise.\nDes témoignages surtout."}},
		{name: "outlook-parens-skipped", class: classNumbered, request: "prepare", client: replytest.OutlookDesktop(),
			reply: alice(replytest.Reply{
				Top:       "1) Je n'arrive pas à déléguer.\n3) Depuis la réorganisation de septembre.\n7) Un regard extérieur sur ma façon de répartir le travail.",
				Signature: "Alice Dupont\nResponsable du service client\n04 78 00 00 00"}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 3: "Depuis la réorganisation de septembre.",
				7: "Un regard extérieur sur ma façon de répartir le travail."}},
		{name: "apple-dashes-flowed-delsp", class: classNumbered, request: "followup", client: replytest.AppleMail(),
			reply: alice(replytest.Reply{
				Top: "1 - J'ai confié le suivi de deux clients importants à Karim et j'ai arrêté de relire tous ses comptes rendus avant envoi.\n" +
					"2 - Il a pris de l'assurance, un client a même remarqué que les réponses arrivaient plus vite.\n" +
					"3 - Que le contrôle me rassurait moi, pas l'équipe.\n" +
					"4 - Étendre à une deuxième personne en mars."}),
			want: map[int]string{
				1: "J'ai confié le suivi de deux clients importants à Karim et j'ai arrêté de relire tous ses comptes rendus avant envoi.",
				2: "Il a pris de l'assurance, un client a même remarqué que les réponses arrivaient plus vite.",
				3: "Que le contrôle me rassurait moi, pas l'équipe.", 4: "Étendre à une deuxième personne en mars."}},
		{name: "gmail-mobile-q-labels", class: classNumbered, request: "client_plan", client: replytest.GmailMobile(),
			reply: alice(replytest.Reply{
				Top: "Q1 : Déléguer deux dossiers d'ici fin février, point hebdomadaire avec Karim.\nQ2 Que je ne suis pas seule avec ce sujet\nQ5: 5"}),
			want: map[int]string{1: "Déléguer deux dossiers d'ici fin février, point hebdomadaire avec Karim.",
				2: "Que je ne suis pas seule avec ce sujet", 5: "5"}},
		{name: "owa-question-labels", class: classNumbered, request: "review", client: replytest.OutlookWeb(),
			reply: alice(replytest.Reply{
				Top: "Question 1 : Prendre le temps de formuler ma demande.\n\nRéponse 2 : Je demande de l'aide plus tôt.\n\n" +
					"Question n°4 : 4\n\nQuestion 5 : continuer avec ce groupe."}),
			want: map[int]string{1: "Prendre le temps de formuler ma demande.", 2: "Je demande de l'aide plus tôt.",
				4: "4", 5: "continuer avec ce groupe."}},
		{name: "orange-html-lists", class: classNumbered, request: "prepare_reminder", client: replytest.Orange(),
			reply: alice(replytest.Reply{
				Top: "Bonjour,\n1. Je n'arrive pas à déléguer.\n2. Une équipe de six.\n7. Des idées d'organisation.",
				TopHTML: "<div>Bonjour,</div><ol><li>Je n'arrive pas à déléguer.</li><li>Une équipe de six.</li></ol>" +
					`<ol start="7"><li>Des idées d'organisation.</li></ol>`}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Une équipe de six.", 7: "Des idées d'organisation."}},
		{name: "outlook-autoformat-renumbered", class: classNumbered, request: "prepare", client: replytest.OutlookDesktop(),
			reply: alice(replytest.Reply{
				// Outlook turned "1." into a list and numbered the next items
				// itself; the sender typed the questions' numbers in them.
				Top: "1.\tJe n'arrive pas à déléguer.\n2.\t4. Un tableau de répartition, abandonné au bout d'un mois.\n3.\t7. Des témoignages.",
				TopHTML: "<ol><li>Je n'arrive pas à déléguer.</li><li>4. Un tableau de répartition, abandonné au bout d'un mois.</li>" +
					"<li>7. Des témoignages.</li></ol>"}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 4: "Un tableau de répartition, abandonné au bout d'un mois.",
				7: "Des témoignages."}},
		{name: "proton-lettered", class: classNumbered, request: "learnings", client: replytest.Proton(),
			reply: bob(replytest.Reply{Top: "a) La reformulation aide vraiment le client.\nb) J'interromps trop.\nc) Oui.\nd) 5"}),
			want:  map[int]string{1: "La reformulation aide vraiment le client.", 2: "J'interromps trop.", 3: "Oui.", 4: "5"}},
		{name: "laposte-questions-repeated", class: classNumbered, request: "prepare", client: replytest.LaPoste(),
			reply: alice(replytest.Reply{
				Top: "1. En une phrase : quel est votre problème, projet ou préoccupation ?\nJe n'arrive pas à déléguer.\n\n" +
					"2. Le contexte : votre rôle, les personnes concernées, les enjeux (qu'est-ce qui est en jeu pour vous ?).\n" +
					"Je dirige une équipe de six personnes.\n\n" +
					"Question 4 : Qu'avez-vous déjà essayé ? Avec quels effets ?\nUn tableau de répartition.\n\n" +
					"6. Quelle serait une issue satisfaisante pour vous ? Partir à 18 h sans culpabiliser."}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Je dirige une équipe de six personnes.",
				4: "Un tableau de répartition.", 6: "Partir à 18 h sans culpabiliser."}},
		{name: "orange-slashes", class: classNumbered, request: "followup", client: replytest.Orange(),
			reply: alice(replytest.Reply{Top: "1/ J'ai délégué le dossier Martin.\n2/ Ça s'est bien passé.\n4/ Continuer."}),
			want:  map[int]string{1: "J'ai délégué le dossier Martin.", 2: "Ça s'est bien passé.", 4: "Continuer."}},

		// Inline answers, under each quoted question.
		{name: "gmail-inline", class: classInline, request: "prepare", client: replytest.GmailWeb(),
			reply: alice(replytest.Reply{Top: "Bonjour Claire,\n\nmes réponses sont sous chaque question.",
				Inline: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "J'encadre six personnes.\nL'enjeu : ma santé.",
					4: "Un tableau de répartition.", 7: "J'aimerais que le groupe m'aide à faire confiance."},
				Bottom: "Alice"}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "J'encadre six personnes.\nL'enjeu : ma santé.",
				4: "Un tableau de répartition.", 7: "J'aimerais que le groupe m'aide à faire confiance."}},
		{name: "outlook-desktop-inline-unmarked", class: classInline, request: "prepare", client: replytest.OutlookDesktop(),
			reply: alice(replytest.Reply{Top: "Bonjour Claire,\nVoici mes réponses dans le texte.",
				Signature: "Alice Dupont\nResponsable du service client",
				Inline: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes, un client exigeant.",
					3: "Depuis septembre.", 8: "Ma relation avec mon directeur."}}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes, un client exigeant.",
				3: "Depuis septembre.", 8: "Ma relation avec mon directeur."}},
		{name: "thunderbird-inline-bottom", class: classInline, request: "learnings", client: replytest.Thunderbird(),
			reply: bob(replytest.Reply{Inline: map[int]string{1: "Ne pas proposer de solution trop tôt.",
				3: "Oui. On ajuste : un gardien du temps.", 4: "4"}, Bottom: "-- \nBob"}),
			want: map[int]string{1: "Ne pas proposer de solution trop tôt.", 3: "Oui. On ajuste : un gardien du temps.", 4: "4"}},
		{name: "iphone-inline-reminder", class: classInline, request: "prepare_reminder", client: replytest.IPhone(),
			reply: alice(replytest.Reply{Inline: map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes."}}),
			want:  map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes."}},
		{name: "orange-html-inline", class: classInline, request: "client_plan", client: replytest.Orange(),
			reply: alice(replytest.Reply{Inline: map[int]string{1: "Déléguer deux dossiers d'ici fin février.", 5: "5"}}),
			want:  map[int]string{1: "Déléguer deux dossiers d'ici fin février.", 5: "5"}},
		{name: "owa-inline-paragraphs", class: classInline, request: "followup", client: replytest.OutlookWeb(),
			reply: alice(replytest.Reply{Top: "Bonjour,",
				Inline: map[int]string{1: "Trois choses :\n1. confier le dossier Martin ;\n2. ne plus relire les comptes rendus.\n\nEt en parler en réunion d'équipe.",
					2: "Karim a pris de l'assurance."}}),
			want: map[int]string{1: "Trois choses :\n1. confier le dossier Martin ;\n2. ne plus relire les comptes rendus.\n\nEt en parler en réunion d'équipe.",
				2: "Karim a pris de l'assurance."}},
		{name: "apple-inline-flowed", class: classInline, request: "review", client: replytest.AppleMail(),
			reply: alice(replytest.Reply{Inline: map[int]string{1: "Demander de l'aide avant d'être débordée, ce que je ne faisais jamais avant ce cycle de codéveloppement.",
				4: "5", 5: "Continuer avec ce groupe."}, Bottom: "Bien à vous,\nAlice"}),
			want: map[int]string{1: "Demander de l'aide avant d'être débordée, ce que je ne faisais jamais avant ce cycle de codéveloppement.",
				4: "5", 5: "Continuer avec ce groupe."}},

		// A line of the request pasted inside an answer stays the sender's.
		{name: "gmail-pasted-line", class: classPasted, request: "prepare", client: replytest.GmailWeb(),
			reply: alice(replytest.Reply{Top: "1. Je n'arrive pas à déléguer.\n2. Vous écrivez :\n" +
				"Choisissez une situation concrète et actuelle, qui vous concerne directement\n" +
				"C'est le cas : la réorganisation me concerne au premier chef.\n3. Depuis septembre."}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.",
				2: "Vous écrivez :\nChoisissez une situation concrète et actuelle, qui vous concerne directement\nC'est le cas : la réorganisation me concerne au premier chef.",
				3: "Depuis septembre."},
			kept: []string{"Choisissez une situation concrète et actuelle, qui vous concerne directement"}},
		{name: "outlook-inline-pasted", class: classPasted, request: "prepare", client: replytest.OutlookDesktop(),
			reply: alice(replytest.Reply{Inline: map[int]string{
				7: "Pour la question 7, les types d'aide possibles : idées / pistes d'action, témoignages d'expériences similaires, hypothèses / regards différents, ressources, feedback sur ma posture.\nPlutôt des témoignages.",
				8: "Rien."}}),
			want: map[int]string{7: "Pour la question 7, les types d'aide possibles : idées / pistes d'action, témoignages d'expériences similaires, hypothèses / regards différents, ressources, feedback sur ma posture.\nPlutôt des témoignages.",
				8: "Rien."},
			kept: []string{"Pour la question 7, les types d'aide possibles : idées / pistes d'action, témoignages d'expériences similaires, hypothèses / regards différents, ressources, feedback sur ma posture."}},

		// Footers and attributions never enter an answer.
		{name: "outlook-legal-footer", class: classFooter, request: "prepare", client: replytest.OutlookDesktop(),
			reply: alice(replytest.Reply{Top: "1. Je n'arrive pas à déléguer.\n8. Rien de confidentiel à exclure.",
				Signature: "Alice Dupont\nDirectrice des opérations", Legal: legalFR}),
			want: map[int]string{1: "Je n'arrive pas à déléguer.", 8: "Rien de confidentiel à exclure."}},
		{name: "iphone-footer-numbered", class: classFooter, request: "learnings", client: replytest.IPhone(),
			reply: bob(replytest.Reply{Top: "1. Écouter.\n2. Moins de conseils.\n4. 5"}),
			want:  map[int]string{1: "Écouter.", 2: "Moins de conseils.", 4: "5"}},
		{name: "outlook-android-footer", class: classFooter, request: "followup", client: replytest.OutlookMobile(),
			reply: alice(replytest.Reply{Top: "1. J'ai délégué le dossier Martin.\n2. Bien."}),
			want:  map[int]string{1: "J'ai délégué le dossier Martin.", 2: "Bien."}},
		{name: "gmail-wrapped-attribution", class: classFooter, request: "followup", client: replytest.GmailWeb(),
			reply: alice(replytest.Reply{Top: "1. J'ai délégué le dossier Martin.\n4. Continuer."}),
			want:  map[int]string{1: "J'ai délégué le dossier Martin.", 4: "Continuer."}},
		{name: "proton-footer", class: classFooter, request: "review", client: replytest.Proton(),
			reply: alice(replytest.Reply{Top: "1. Formuler ma demande.\n4. 4"}),
			want:  map[int]string{1: "Formuler ma demande.", 4: "4"}},
		{name: "gmail-inline-legal-at-end", class: classFooter, request: "prepare_reminder", client: replytest.GmailWeb(),
			reply: alice(replytest.Reply{Inline: map[int]string{1: "Je n'arrive pas à déléguer."}, Bottom: legalFR}),
			want:  map[int]string{1: "Je n'arrive pas à déléguer."}},
	}
}

// readRequest reads a request of testdata/replies/requests.
func readRequest(t *testing.T, kind string) (*replytest.Request, string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "replies", "requests", kind+".eml"))
	require.NoError(t, err)
	req, err := replytest.ReadRequest(raw)
	require.NoError(t, err)
	return req, req.Text
}

// TestReplyCases checks the answers codev reads from each client's reply
// when it knows the request, and that nothing of the request, no footer
// and no attribution is left in them.
func TestReplyCases(t *testing.T) {
	t.Parallel()
	for _, c := range replyCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			req, text := readRequest(t, c.request)
			path := filepath.Join("testdata", "replies", c.name+".eml")
			raw := c.client.Write(req, c.reply)
			if *updateReplies {
				require.NoError(t, os.WriteFile(path, raw, 0o644))
			}
			onDisk, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./mail/inbound -run TestReplyCases -replies.update")
			require.Equal(t, string(raw), string(onDisk), "the case changed: run with -replies.update and read the diff")

			m := Parse(onDisk, Options{Request: text})
			require.Equal(t, KindReply, m.Kind, m.Reason)
			require.Equal(t, c.want, m.Answers)
			for _, l := range requestLines(text) {
				if !contains(c.kept, l) {
					require.NotContains(t, m.Text, l, "a line of the request is left in the text")
				}
			}
			for _, k := range c.kept {
				require.Contains(t, m.Text, k, "the sender's pasted line is kept")
			}
			for _, f := range []string{"Envoyé de mon iPhone", "Télécharger Outlook", "Proton Mail", "a écrit", "pièces jointes",
				"attachments", "l'environnement", "De :", "Objet :", "Message du"} {
				require.NotContains(t, m.Text, f)
				for q, a := range m.Answers {
					require.NotContains(t, a, f, "answer %d", q)
				}
			}
		})
	}
}

// requestLines returns the lines of a request long enough to be
// recognised, without the signature's link (whose token differs).
func requestLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if len(strings.Fields(l)) >= 5 {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(s, x) || strings.Contains(x, s) {
			return true
		}
	}
	return false
}
