package workflow

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConsents reads answers to « Acceptez-vous que ce titre soit
// communiqué au groupe ? Répondez oui ou non »: only an explicit yes is
// consent, anything doubtful is no.
func TestConsents(t *testing.T) {
	t.Parallel()
	yes := []string{
		"yes", "Yes.", "YES!", "oui", "Oui", "« oui »", "oui.", "Oui !", "OUI", "oui bien sûr", "Oui, bien sûr.",
		"bien sûr", "d'accord", "D’accord", "ok", "OK pour moi", "okay", "sure", "Sure thing", "ouais",
		"Oui, pas de souci", "pas de problème", "aucun problème", "Aucun souci, oui", "sans problème",
		"oui avec plaisir", "volontiers", "absolument", "évidemment", "j'accepte", "Je l'accepte", "J'accepte.",
		"Yes, of course", "of course", "no problem", "yes, no worries", "I agree", "agreed", "certainly",
		"Oui\n\nAlice", "oui, il peut être communiqué", "oui, ça peut être partagé", "Oui, très bien",
		"oui oui", "Oui, aucune objection",
	}
	no := []string{
		"", " ", "?", "oui ?", "Oui?", "non", "Non.", "NON", "non merci", "no", "No.", "nope", "nah", "no way",
		"pas vraiment", "je ne pense pas", "ne pas partager", "ceci ne peut être partagé", "Ceci ne peut pas être partagé",
		"je préfère que non", "je préfère pas", "plutôt pas", "plutôt oui", "peut-être", "oui, peut-être", "peut être",
		"oui… enfin non", "oui... enfin, non", "oui mais seulement le titre", "Oui, sauf le nom", "oui si besoin",
		"oui, sans mon nom", "jamais", "Jamais de la vie", "surtout pas", "pas question", "je n'accepte pas",
		"Je ne l'accepte plus", "n'en parlons pas", "I don't think it can be shared", "I don't think so",
		"don't share it", "do not share", "not at all", "never", "cannot be shared", "it can't be shared",
		"absolutely not", "yes, but only the title", "maybe", "perhaps yes", "probably", "yes unless someone objects",
		"yes and no", "oui et non", "oui / non", "oui ou non", "sais pas", "je ne sais pas", "bof", "hmm",
		"Un conflit entre deux collègues", "vous pouvez le partager", "can be shared", "ok to share? no",
		"refusé", "je refuse", "aucun", "ni oui ni non", "I decline", "none", "nothing to share",
	}
	for _, a := range yes {
		require.True(t, Consents(a), "%q is an explicit yes", a)
	}
	for _, a := range no {
		require.False(t, Consents(a), "%q is not an explicit yes", a)
	}
}

func TestConsentQuestion(t *testing.T) {
	t.Parallel()
	require.Equal(t, 2, consentQuestion(KindCallForTopics))
	require.Equal(t, 9, consentQuestion(KindPrepare))
	require.Equal(t, 9, consentQuestion(KindPrepareReminder), "the reminder asks the same questions")
	require.Zero(t, consentQuestion(KindLearnings))
	require.Zero(t, consentQuestion(KindWelcome))
}

// TestFirstLine: the animator's « oui » is read on the first line that is
// not a greeting.
func TestFirstLine(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Oui, d'accord.", firstLine("Bonjour,\n\nOui, d'accord.\n\nClaire"))
	require.Equal(t, "oui", firstLine("  \nHi Claire,\noui\n"))
	require.Equal(t, "", firstLine("\n\n"))
	require.True(t, Consents(firstLine("Bonjour Claude,\n\nOui.\nNe pas oublier la salle.")),
		"what follows the answer is not the answer")
	require.False(t, Consents(firstLine("Oui… enfin non, attendons.")))
}
