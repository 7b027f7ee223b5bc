package workflow

import (
	"slices"
	"strings"
	"unicode"

	"github.com/codev-org/codev/templates"
)

// Consent to share (DOMAIN.md §3 rule 1): a participant's answers, or the
// title of their topic, reach the group only on an explicit yes to the
// yes/no question the request asks about it (templates.Question.Consent),
// read from the answer to that question alone. Anything doubtful is no:
// a negation anywhere (« non », « pas », « ne … plus », « jamais », "no",
// "not", "don't", "never"…), a hedge (« peut-être », « mais », « enfin »,
// "maybe", "but"…), a question mark, or no word of assent at all.

// yesWords are the words of assent. Answers are read as words, lowercased,
// without accents, split at anything but a letter: « d'accord » is "d"
// "accord".
var yesWords = []string{
	"oui", "ouais", "ouaip", "yes", "yeah", "yep", "yup", "ok", "okay", "accord", "sure",
	"certainement", "absolument", "volontiers", "evidemment", "entendu", "parfait", "accepte", "acceptee",
	"agree", "agreed", "accept", "certainly", "absolutely", "definitely", "fine",
}

// noWords deny, whatever else the answer says. "n" and "t" are what is
// left of « n'… » and "…n't" once split at the apostrophe; « ne … rien »,
// « ne … personne » are caught by "ne".
var noWords = []string{
	"non", "pas", "ne", "n", "plus", "jamais", "aucun", "aucune", "nullement", "guere", "ni", "refuse", "refus",
	"no", "not", "t", "never", "nope", "nah", "nor", "neither", "none", "cannot", "nothing", "decline",
}

// doubtWords make an answer doubtful, and so no.
var doubtWords = []string{
	"mais", "enfin", "sauf", "si", "sans", "plutot", "bof", "hesite", "depend", "condition", "probablement", "eventuellement",
	"maybe", "perhaps", "possibly", "probably", "but", "unless", "except", "if", "without", "unsure", "depends", "hmm",
}

// yesIdioms are affirmative phrases, some built on a negation, replaced by
// "oui" before the words are read: « pas de souci » is a yes, « pas de
// partage » is not.
var yesIdioms = []string{
	"pas de probleme", "pas de soucis", "pas de souci", "pas d objection", "aucun probleme", "aucun souci",
	"aucune objection", "sans probleme", "sans souci", "bien sur", "bien entendu",
	"no problem", "not a problem", "no worries", "no objection", "of course",
}

// maybePronouns are the words after which « peut être » is a verb (« il
// peut être partagé ») rather than « peut-être », maybe.
var maybePronouns = []string{"il", "elle", "ca", "cela", "ce", "ceci", "qui", "le", "la", "les", "ils", "elles", "on", "titre", "sujet"}

// Consents reports whether an answer to a yes/no consent question is an
// explicit yes.
func Consents(answer string) bool {
	t := consentFold(answer)
	if strings.ContainsAny(t, "?¿") {
		return false
	}
	for _, idiom := range yesIdioms {
		for strings.Contains(" "+t+" ", " "+idiom+" ") {
			t = strings.TrimSpace(strings.Replace(" "+t+" ", " "+idiom+" ", " oui ", 1))
		}
	}
	words := strings.Fields(t)
	yes := false
	for i, w := range words {
		switch {
		case slices.Contains(noWords, w), slices.Contains(doubtWords, w):
			return false
		case w == "peut" && i+1 < len(words) && words[i+1] == "etre" && (i == 0 || !slices.Contains(maybePronouns, words[i-1])):
			return false
		case slices.Contains(yesWords, w):
			yes = true
		}
	}
	return yes
}

// consentFold lowercases s, removes accents, and turns everything but
// letters and question marks into single spaces ("d'accord" → "d accord",
// "don't" → "don t", « peut-être » → "peut etre").
func consentFold(s string) string {
	s = foldAccents.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '?' && r != '¿' }), " ")
}

// consentQuestion is the number of a kind's yes/no question about sharing,
// 0 if it asks none.
func consentQuestion(k Kind) int {
	for _, q := range templates.Questions(templates.Kind(k), LangFR) {
		if q.Consent {
			return q.Number
		}
	}
	return 0
}
