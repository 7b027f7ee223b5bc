package inbound

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTrim(t *testing.T) {
	t.Parallel()

	const reply = "Merci, je serai là.\n\nCordialement,\nMarie"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "GmailFrench", in: reply + "\n\nLe lun. 15 nov. 2021 à 19:42, Codev <codev@example.org> a écrit :\n\n> Bonjour\n"},
		{name: "GmailFrenchWrappedTwoLines", in: reply + "\n\nLe lun. 15 nov. 2021 à 19:42, Groupe Codev 42 <codev@example.org>\na écrit :\n\n> Bonjour\n"},
		{name: "GmailFrenchWrappedFourLines", in: reply + "\n\nLe 4 janv. 2016 19:03, \"Groupe Codev\"\n<\ncodev@example.org>\na écrit :\n\n> Bonjour\n"},
		{name: "AppleFrenchNoSpaceBeforeColon", in: reply + "\n\nLe 23 janv. 2015 à 22:03, Codev <codev@example.org> a écrit:\n\n> Bonjour\n"},
		{name: "NBSPBeforeColon", in: reply + "\n\nLe 23 janv. 2015 à 22:03, Codev <codev@example.org> a\u00a0écrit\u202f:\n\n> Bonjour\n"},
		{name: "OutlookFrenchBlock", in: reply + "\n\nDe\u00a0: Codev <codev@example.org>\nEnvoyé\u00a0: lundi 15 novembre 2021 19:42\nÀ\u00a0: Marie\nObjet\u00a0: Séance\n\nBonjour Marie,\n"},
		{name: "OutlookFrenchEnvoyeLe", in: reply + "\n\nDe : Codev <codev@example.org>\nEnvoyé le : lundi 15 novembre 2021 19:42\nÀ : Marie\nCc : Paul\nObjet : Séance\n\nBonjour Marie,\n"},
		{name: "OutlookEnglishBlock", in: reply + "\n\nFrom: Codev <codev@example.org>\nSent: Monday, November 15, 2021 7:42 PM\nTo: Marie\nSubject: Session\n\nHello Marie,\n"},
		{name: "MessageDOrigine", in: reply + "\n\n-----Message d'origine-----\nDe : Codev\nBonjour\n"},
		{name: "AndroidMessageDOrigine", in: reply + "\n\n-------- Message d'origine --------\nDe : A B C <abc@abc.org>\nDate : 23/06/24  10:46  (GMT+01:00)\nÀ : x@y.fr Objet : Abc\n"},
		{name: "MailOriginal", in: reply + "\n\n----- Mail original -----\nDe: Codev\nÀ: Marie\nEnvoyé: Lundi 15 Novembre 2021 19:42:00\nObjet: Séance\n"},
		{name: "OriginalMessage", in: reply + "\n\n-----Original Message-----\nFrom: Codev\nHello\n"},
		{name: "DebutDuMessageTransfere", in: reply + "\n\nDébut du message transféré :\n\nDe: Codev\n"},
		{name: "UnderscoreLine", in: reply + "\n________________________________\nDe : Codev <codev@example.org>\nEnvoyé : lundi\n"},
		{name: "SignatureDelimiter", in: "Merci, je serai là.\n\n-- \nMarie Dupont\nConsultante\n06 12 34 56 78", want: "Merci, je serai là."},
		{name: "EnvoyeDeMonIPhone", in: reply + "\n\nEnvoyé de mon iPhone\n\n> Le 15 nov. 2021 à 19:42, Codev a écrit :\n"},
		{name: "EnvoyeDepuisMonMobile", in: reply + "\n\nEnvoyé depuis mon mobile Orange\n"},
		{name: "EnvoyeAPartirDeOutlook", in: reply + "\n\nEnvoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>\n"},
		{name: "TelechargerOutlook", in: reply + "\n\nTélécharger Outlook pour iOS<https://aka.ms/o0ukef>\n"},
		{name: "SentFromMyPhone", in: reply + "\n\nSent from my iPhone\n"},
		{name: "GetOutlookForIOS", in: reply + "\n\nGet Outlook for iOS\n"},
		{name: "English", in: reply + "\n\nOn Mon, Nov 15, 2021 at 7:42 PM Codev <codev@example.org> wrote:\n> Hello\n"},
		{name: "German", in: reply + "\n\nAm 15.11.2021 um 19:42 schrieb Codev <codev@example.org>:\n> Hallo\n"},
		{name: "Spanish", in: reply + "\n\nEl lun, 15 nov 2021 a las 19:42, Codev (<codev@example.org>) escribió:\n> Hola\n"},
		{name: "Italian", in: reply + "\n\nIl giorno lun 15 nov 2021 alle ore 19:42 Codev <codev@example.org> ha scritto:\n> Ciao\n"},
		{name: "Dutch", in: reply + "\n\nOp ma 15 nov. 2021 om 19:42 schreef Codev <codev@example.org>:\n> Hallo\n"},
		{name: "Danish", in: reply + "\n\nDen 15. nov. 2021 kl. 19.42 skrev Codev <codev@example.org>:\n> Hej\n"},
		{name: "Swedish", in: reply + "\n\nDen 15 nov. 2021 kl. 19:42 skrev Codev <codev@example.org>:\n> Hej\n"},
		{name: "Norwegian", in: reply + "\n\nPå 15 november 2021 på 19:42:00, Codev (codev@example.org) skrev:\n> Hei\n"},
		{name: "Polish", in: reply + "\n\nW dniu 15.11.2021 o 19:42, Codev <codev@example.org> pisze:\n\nDnia 15 lis 2021 o godz. 19:42 Codev <codev@example.org> napisał(a):\n> Cześć\n"},
		{name: "Vietnamese", in: reply + "\n\nVào 19:42 15 tháng 11, 2021, Codev <codev@example.org> đã viết:\n> Xin chào\n"},
		{name: "Portuguese", in: reply + "\n\nEm seg, 15 de nov de 2021 19:42, Codev <codev@example.org> escreveu:\n> Olá\n"},
		{name: "QuoteInsideAnswerStays", in: "Mon manager m'a dit :\n> Il faut livrer vendredi.\nJe ne suis pas d'accord.\n\nMarie",
			want: "Mon manager m'a dit :\n> Il faut livrer vendredi.\nJe ne suis pas d'accord.\n\nMarie"},
		{name: "SignOffAfterQuoteStays", in: "Oui.\n\nLe 15 nov. 2021 à 19:42, Codev <c@example.org> a écrit :\n> Venez-vous ?\n\nCordialement,\nMarie",
			want: "Oui.\n\nCordialement,\nMarie"},
		{name: "QuoteOnlyKept", in: "> seulement une citation", want: "> seulement une citation"},
		{name: "SingleDateLineStays", in: "Invitation :\n\nDate : jeudi 3 mars 2022\nLieu : Paris", want: "Invitation :\n\nDate : jeudi 3 mars 2022\nLieu : Paris"},
		{name: "HeaderLikeLinesWithoutFromStay", in: "Brouillon :\nÀ : toute l'équipe\nCc : Paul\nObjet : le planning\n\nMerci de valider.",
			want: "Brouillon :\nÀ : toute l'équipe\nCc : Paul\nObjet : le planning\n\nMerci de valider."},
		{name: "ProseStartingWithOnStays", in: "On Monday we met, and he said:\nit works.", want: "On Monday we met, and he said:\nit works."},
		{name: "FromMyPointOfViewStays", in: "From my point of view, the plan works.", want: "From my point of view, the plan works."},
		{name: "MarkdownUnderlineStays", in: "Ma problématique\n----------------\nLa délégation.", want: "Ma problématique\n----------------\nLa délégation."},
		{name: "CodeFenceKept", in: "Voici :\n```\n####\n--\n```\nFin.", want: "Voici :\n```\n####\n--\n```\nFin."},
		{name: "ForwardWithFYIKept", in: "Pour info\n\n---------- Forwarded message ---------\nFrom: A <a@x.org>\nDate: Mon, 3 Mar 2024\nSubject: x\nTo: b@y.org\n\nTexte",
			want: "Pour info\n\n---------- Forwarded message ---------\nFrom: A <a@x.org>\nDate: Mon, 3 Mar 2024\nSubject: x\nTo: b@y.org\n\nTexte"},
		{name: "CRLF", in: "Bonjour\r\n\r\nLe 15 nov. 2021 à 19:42, Codev <c@example.org> a écrit :\r\n> x\r\n", want: "Bonjour"},
		{name: "Blank", in: " \n\u00a0\n", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.want
			if want == "" && tt.name != "Blank" {
				want = reply
			}
			require.Equal(t, want, Trim(tt.in))
		})
	}
}

func TestTrimLineCap(t *testing.T) {
	t.Parallel()

	in := strings.Repeat("ligne\n", DefaultMaxLines+500)
	require.Equal(t, DefaultMaxLines, strings.Count(Trim(in), "ligne"))
}

// TestTrimIsLinear runs the trimmer corpus' pathological matcher case and
// inputs built to make a backtracking parser blow up: each must finish well
// within the corpus' 5 s bound (RE2 keeps regexps linear; the bounded
// attribution look-ahead keeps the line pass linear).
func TestTrimIsLinear(t *testing.T) {
	t.Parallel()

	inputs := map[string]string{
		"LongAttributionLikeLine": "On " + strings.Repeat("1 On wrote a ", 20000) + "x",
		"ManyDigitsLines":         strings.Repeat("12 34 <a@b.c\n", 5000),
		"NestedQuotes":            strings.Repeat(">", 50000) + " x\n",
		"ManyWrappedStarts":       strings.Repeat("Le 12 mars 2024, X <\n", 3000),
	}
	dir := filepath.Join(corpusDir, "email_reply_trimmer", "test", "matchers")
	if b, err := readFileOK(filepath.Join(dir, "does_not_contain_embedded_email.txt")); err == nil {
		inputs["TrimmerMatchersCase"] = b
		for _, l := range splitLines(b) {
			require.False(t, isEmbedded(normLine(l)), l)
		}
	}
	for name, in := range inputs {
		start := time.Now()
		Trim(in)
		require.Less(t, time.Since(start), 2*time.Second, name)
	}
}
