package inbound

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		n      int // 0: not a marker
		letter bool
		rest   string
	}{
		{in: "1. Oui", n: 1, rest: "Oui"}, {in: "1) Oui", n: 1, rest: "Oui"}, {in: "1 - Oui", n: 1, rest: "Oui"},
		{in: "1- Oui", n: 1, rest: "Oui"}, {in: "1 – Oui", n: 1, rest: "Oui"}, {in: "1/ Oui", n: 1, rest: "Oui"},
		{in: "1 : Oui", n: 1, rest: "Oui"}, {in: "(1) Oui", n: 1, rest: "Oui"}, {in: "1.Oui", n: 1, rest: "Oui"},
		{in: "Q1 Oui", n: 1, rest: "Oui"}, {in: "Q1 : Oui", n: 1, rest: "Oui"}, {in: "q2. Oui", n: 2, rest: "Oui"},
		{in: "Question 1 : Oui", n: 1, rest: "Oui"}, {in: "Question n°4 : 4", n: 4, rest: "4"},
		{in: "Réponse 2 : Non", n: 2, rest: "Non"}, {in: "R3 : Bof", n: 3, rest: "Bof"}, {in: "Answer 5: fine", n: 5, rest: "fine"},
		{in: "**1.** Oui", n: 1, rest: "Oui"}, {in: "*1.* Oui", n: 1, rest: "Oui"}, {in: "*1. Oui*", n: 1, rest: "Oui"},
		{in: "**Question 2 :** Non", n: 2, rest: "Non"}, {in: "__3)__ Peut-être", n: 3, rest: "Peut-être"},
		{in: "   1. Oui", n: 1, rest: "Oui"}, {in: "1.\tOui", n: 1, rest: "Oui"}, {in: "7.", n: 7, rest: ""},
		{in: "a) Oui", n: 1, letter: true, rest: "Oui"}, {in: "b. Non", n: 2, letter: true, rest: "Non"},
		{in: "(c) Bof", n: 3, letter: true, rest: "Bof"},
		// Not markers.
		{in: "1-2 fois par mois"}, {in: "4/5"}, {in: "3.5 sur 5"}, {in: "10h30 réunion"}, {in: "2027. Bonne année"},
		{in: "12 janvier"}, {in: "3 enfants"}, {in: "(1 personne)"}, {in: "Réponse à la question 1 : oui"},
		{in: "Rien à signaler"}, {in: "y a pas"}, {in: "à) non"}, {in: "1 . x"}, {in: "Q1Oui"},
	}
	for _, tt := range tests {
		m, ok := parseMarker(tt.in)
		if tt.n == 0 {
			require.False(t, ok, "%q is not a marker (got %+v)", tt.in, m)
			continue
		}
		require.True(t, ok, "%q is a marker", tt.in)
		require.Equal(t, tt.n, m.n, "%q", tt.in)
		require.Equal(t, tt.letter, m.letter, "%q", tt.in)
		require.Equal(t, tt.rest, m.rest, "%q", tt.in)
		require.Equal(t, tt.rest, strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(tt.in[m.off:], "**"), "*")), "%q: offset of the rest", tt.in)
	}
}

func TestAnswerMarkerRenumbered(t *testing.T) {
	t.Parallel()
	m, ok := answerMarker("2.\t5. Oui", 8)
	require.True(t, ok)
	require.Equal(t, 5, m.n, "the number the sender typed wins over the list's")
	require.Equal(t, "Oui", m.rest)
	m, ok = answerMarker("2. 9. Oui", 8)
	require.True(t, ok)
	require.Equal(t, 2, m.n, "a second number above the questions is text")
	_, ok = answerMarker("9. Oui", 8)
	require.False(t, ok)
}

func TestExtractAnswersNumberings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       map[int]string
	}{
		{"Labels", "Q1 Oui\nRéponse 2 : Non\nQuestion 3 : Bof", map[int]string{1: "Oui", 2: "Non", 3: "Bof"}},
		{"Bold", "**1.** Oui\n\n*2.* Non\n\n*3. Bof*", map[int]string{1: "Oui", 2: "Non", 3: "Bof"}},
		{"Slashes", "1/ Oui\n2/ Non", map[int]string{1: "Oui", 2: "Non"}},
		{"Lettered", "a) Oui\nb) Non\nc) Bof", map[int]string{1: "Oui", 2: "Non", 3: "Bof"}},
		{"LettersInsideNumbered", "1. Deux pistes :\na) déléguer\nb) prioriser\n2. Non", map[int]string{1: "Deux pistes :\na) déléguer\nb) prioriser", 2: "Non"}},
		{"LetteredMustStartAtA", "c) Oui\nd) Non", map[int]string{}},
		{"Renumbered", "1.\tOui\n2.\t4. Non\n3.\t7. Bof", map[int]string{1: "Oui", 4: "Non", 7: "Bof"}},
		{"SignatureBlock", "1. Oui\n2. Non\n\nMarie Dupont\nResponsable RH\n04 78 00 00 00", map[int]string{1: "Oui", 2: "Non"}},
		{"LastParagraphStays", "1. Oui\n2. Non, pour deux raisons.\n\nMarie pense la même chose.", map[int]string{1: "Oui", 2: "Non, pour deux raisons.\n\nMarie pense la même chose."}},
		{"LegalFooter", "1. Oui\n2. Non\n\nCe message et ses pièces jointes sont confidentiels.", map[int]string{1: "Oui", 2: "Non"}},
		{"ConfidentialAnswerStays", "8. Les éléments confidentiels sur mon équipe.", map[int]string{8: "Les éléments confidentiels sur mon équipe."}},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, ExtractAnswers(tt.body), tt.name)
	}
}

func TestIsLegalFooter(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"Ce message et ses pièces jointes sont confidentiels…",
		"CE MESSAGE ET SES PIÈCES JOINTES SONT CONFIDENTIELS et réservés à l'usage exclusif de leurs destinataires.",
		"Avertissement : ce courriel est confidentiel.",
		"This email and any attachments are confidential and may be privileged.",
		"Les informations contenues dans ce message sont confidentielles et destinées exclusivement à leur destinataire. Si vous l'avez reçu par erreur, merci de le supprimer.",
		"Pensez à l'environnement avant d'imprimer ce message.",
		"Please consider the environment before printing this email.",
	} {
		require.True(t, isLegalFooter(s), "%q", s)
	}
	for _, s := range []string{
		"Ce que je ne veux pas aborder : les éléments confidentiels sur mon équipe.",
		"C'est confidentiel, merci de ne pas le partager avec le groupe.",
		"Je supprime les erreurs de mon destinataire habituel.",
		"J'ai reçu des pièces jointes confidentielles par erreur, ce qui a créé un conflit.",
	} {
		require.False(t, isLegalFooter(s), "%q", s)
	}
}

// TestGmailAttributionWrappings checks that Gmail's attribution, however
// it is wrapped, never enters an answer, with and without the request.
func TestGmailAttributionWrappings(t *testing.T) {
	t.Parallel()
	req, text := readRequest(t, "followup")
	addr := req.ReplyTo
	quote := "> Bonjour Alice Dupont,\n>\n> 1. Qu'avez-vous essayé ?\n> 2. Qu'est-ce qui s'est passé ?\n"
	for _, attr := range []string{
		"Le mar. 7 déc. 2026 à 09:14, Codev Managers Lyon <" + addr + "> a écrit :",
		"Le mar. 7 déc. 2026 à 09:14, Codev Managers Lyon <\n" + addr + "> a écrit :",
		"Le mar. 7 déc. 2026 à 09:14, Codev Managers Lyon\n<" + addr + "> a écrit :",
		"Le mar. 7 déc. 2026 à 09:14,\nCodev Managers Lyon <" + addr + ">\na écrit :",
		"Le mar. 7 déc. 2026 à 09:14, Codev Managers Lyon <" + addr + "> a\nécrit :",
		"Le\u00a0mar. 7\u00a0déc. 2026 à\u00a009:14, Codev Managers Lyon <" + addr + "> a écrit\u00a0:",
		"Le mar. 7 déc. 2026, 09:14, Codev Managers Lyon <" + addr + "> a écrit :",
		"Le mar. 7 déc. 2026 à 09:14, « Codev Managers Lyon » <" + addr + "> a écrit :",
	} {
		for _, sep := range []string{"\n\n", "\n"} {
			body := "1. J'ai délégué le dossier Martin.\n2. Bien." + sep + attr + "\n\n" + quote
			want := map[int]string{1: "J'ai délégué le dossier Martin.", 2: "Bien."}
			require.Equal(t, want, ExtractAnswers(body), "without the request: %q", attr)
			al := Align(body, text)
			require.Equal(t, want, al.Answers, "with the request: %q", attr)
			require.NotContains(t, al.Text, "écrit", "%q", attr)
		}
	}
}

func TestAlignPastedAndMangledLines(t *testing.T) {
	t.Parallel()
	_, text := readRequest(t, "prepare")
	// A request line pasted in an answer, unquoted, stays; the same line
	// quoted is the request's.
	body := "1. Je n'arrive pas à déléguer.\n\nSi possible, répondez avant le mardi 5 janvier 2027, pour que Claire Martin puisse préparer la séance.\nJe réponds à temps !\n" +
		"\n> Si possible, répondez avant le mardi 5 janvier 2027, pour que Claire Martin puisse préparer la séance.\n" +
		"> 1. En une phrase : quel est votre problème, projet ou préoccupation ?\n"
	al := Align(body, text)
	require.Equal(t, map[int]string{1: "Je n'arrive pas à déléguer.\n\nSi possible, répondez avant le mardi 5 janvier 2027, pour que Claire Martin puisse préparer la séance.\nJe réponds à temps !"}, al.Answers)

	// A line the client rewrote between two request lines that follow each
	// other is still the request's; text written there is an answer.
	body = "> 1. En une phrase : quel est votre problème, projet ou préoccupation ?\n" +
		"> 2. Le contexte : votre role, les personnes concernees, les enjeux (qu'est ce qui est en jeu pour vous ?).\n" +
		"> 3. Depuis quand, et qu'est-ce qui rend la situation importante ou urgente maintenant ?\n" +
		"Depuis septembre.\n> 4. Qu'avez-vous déjà essayé ? Avec quels effets ?\n"
	al = Align(body, text)
	require.Equal(t, map[int]string{3: "Depuis septembre."}, al.Answers)
	require.Equal(t, "Depuis septembre.", al.Text)

	// Answers typed inside a quote the client made without marks its own
	// (an HTML quote rendered as "> " lines) are the sender's.
	body = "> 1. En une phrase : quel est votre problème, projet ou préoccupation ?\n> Je n'arrive pas à déléguer.\n" +
		"> 2. Le contexte : votre rôle, les personnes concernées, les enjeux (qu'est-ce qui est en jeu pour vous ?).\n"
	al = Align(body, text)
	require.Equal(t, map[int]string{1: "Je n'arrive pas à déléguer."}, al.Answers)
}

func TestAlignRoles(t *testing.T) {
	t.Parallel()
	_, text := readRequest(t, "prepare")
	body := "Bonjour,\n\n1. Je n'arrive pas à déléguer.\n\n-- \nAlice\n\nLe 22/12/2026 à 18:00, Codev a écrit :\n" +
		"> 1. En une phrase : quel est votre problème, projet ou préoccupation ?\n> 2. Le contexte : votre rôle, les personnes concernées, les enjeux (qu'est-ce qui est en jeu pour vous ?).\nSix personnes.\n"
	al := Align(body, text)
	roles := map[string]string{}
	for _, l := range al.Lines {
		roles[l.Text] = l.Role
	}
	require.Equal(t, map[string]string{
		"Bonjour,":                       RoleText,
		"1. Je n'arrive pas à déléguer.": RoleAnswer,
		"-- ":                            RoleFooter,
		"Alice":                          RoleFooter,
		"Le 22/12/2026 à 18:00, Codev a écrit :":                                                                      RoleQuoting,
		"> 1. En une phrase : quel est votre problème, projet ou préoccupation ?":                                     RoleRequest,
		"> 2. Le contexte : votre rôle, les personnes concernées, les enjeux (qu'est-ce qui est en jeu pour vous ?).": RoleRequest,
		"Six personnes.": RoleAnswer,
	}, roles)
	require.Equal(t, 8, al.Questions)
	require.Equal(t, 2, al.Found)
	require.Equal(t, map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes."}, al.Answers)
}

// TestAlignWithoutRequestFound falls back to reading the reply as without
// the request, with the request's number of questions as the limit.
func TestAlignWithoutRequestFound(t *testing.T) {
	t.Parallel()
	_, text := readRequest(t, "learnings")
	raw := "From: bob@example.org\r\nTo: codev@example.org\r\nSubject: Re: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"1. Oui\r\n4. 5\r\n7. Non\r\n"
	m := Parse([]byte(raw), Options{Request: text})
	require.Equal(t, map[int]string{1: "Oui", 4: "5\n7. Non"}, m.Answers, "learnings has four questions")
	require.Equal(t, map[int]string{1: "Oui", 4: "5", 7: "Non"}, Parse([]byte(raw), Options{}).Answers)
}

// TestAlignIsLinear feeds the aligner inputs built to make it slow.
func TestAlignIsLinear(t *testing.T) {
	t.Parallel()
	_, text := readRequest(t, "prepare")
	qs := []string{}
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			qs = append(qs, l)
		}
	}
	var alternating, quoted strings.Builder
	for i := 0; i < 4000; i++ {
		// The last and first lines of the request, then text: every
		// sandwich spans the whole request.
		alternating.WriteString("> " + qs[len(qs)-1] + "\nmot\n> " + qs[0] + "\n")
		quoted.WriteString("> de de de la la le le à à " + strings.Repeat("de ", 100) + "\n")
	}
	huge := strings.Repeat("de la "+qs[3]+" ", 1<<20/len(qs[3])) // 1 MB
	bound := 2 * time.Second
	if raceEnabled { // see adversarialBound
		bound *= raceSlowdown
	}
	for name, body := range map[string]string{"alternating": alternating.String(), "repeated words": quoted.String(),
		"one huge line": huge, "request repeated": strings.Repeat(text+"\n", 200)} {
		start := time.Now()
		Align(body, text)
		Parse([]byte("Content-Type: text/plain\r\n\r\n"+body), Options{Request: text})
		t.Logf("%s: %d bytes in %v", name, len(body), time.Since(start))
		require.Less(t, time.Since(start), bound, name)
	}
}
