package templates

import (
	"strings"
	"testing"
	"time"
)

func TestFrenchSpacing(t *testing.T) {
	t.Parallel()
	n := NBSP
	cases := []struct{ name, in, want string }{
		{"Colon", "Date : demain", "Date" + n + ": demain"},
		{"QuestionAndExclamation", "Vraiment ? Oui !", "Vraiment" + n + "? Oui" + n + "!"},
		{"Semicolon", "un ; deux", "un" + n + "; deux"},
		{"Guillemets", "« Bonjour »", "«" + n + "Bonjour" + n + "»"},
		{"AfterTemplateAction", "{{.Name}} : « {{.Title}} »", "{{.Name}}" + n + ": «" + n + "{{.Title}}" + n + "»"},
		{"NoSpaceNoChange", "https://example.org:8080/a?b", "https://example.org:8080/a?b"},
		{"IndentedCSSKept", "  :root { color: red; }", "  :root { color: red; }"},
		{"LineStartKept", "x\n :y", "x\n :y"},
		{"TemplateAssignmentKept", "{{range $i, $line := lines .Text}}", "{{range $i, $line := lines .Text}}"},
		{"AlreadyNBSP", "Date" + n + ": demain", "Date" + n + ": demain"},
		{"Nothing", "Bonjour Alice", "Bonjour Alice"},
	}
	for _, tc := range cases {
		if got := frenchSpacing(tc.in); got != tc.want {
			t.Errorf("%s: frenchSpacing(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestFirstName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Alice Dupont":       "Alice",
		"  Chloé   Nguyen ":  "Chloé",
		"Jean-Pierre Martin": "Jean-Pierre",
		"DUPONT Alice":       "Alice",
		"LE GALL Anne-Marie": "Anne-Marie",
		"M. Dupont":          "M. Dupont",
		"Dr Émilie Roux":     "Dr Émilie Roux",
		"Farid":              "Farid",
		"ALICE DUPONT":       "ALICE",
		"É. Garnier":         "É.",
		"":                   "",
	}
	for in, want := range cases {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatDurationAndDecimal(t *testing.T) {
	t.Parallel()
	n := NBSP
	durations := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"fr", 2 * time.Hour, "2" + n + "h"},
		{"fr", 90 * time.Minute, "1" + n + "h" + n + "30"},
		{"fr", 15 * time.Minute, "15" + n + "min"},
		{"en", 2 * time.Hour, "2 hours"},
		{"en", time.Hour, "1 hour"},
		{"en", 90 * time.Minute, "1 hour 30 minutes"},
		{"en", 15 * time.Minute, "15 minutes"},
	}
	for _, tc := range durations {
		if got := FormatDuration(tc.lang, tc.d); got != tc.want {
			t.Errorf("FormatDuration(%s, %v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		lang string
		v    float64
		want string
	}{{"fr", 4.25, "4,3"}, {"fr", 5, "5,0"}, {"en", 13.0 / 3, "4.3"}, {"fr", -0.5, "-0,5"}} {
		if got := FormatDecimal(tc.lang, tc.v, 1); got != tc.want {
			t.Errorf("FormatDecimal(%s, %v) = %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
}

// TestReasonText puts each reason workflow and mail/inbound record in the
// group's words: French for a French group, with French spacing, and the
// numbers kept; a reason it does not know is never shown in English.
func TestReasonText(t *testing.T) {
	t.Parallel()
	cases := []struct{ why, fr, en string }{
		{"the reply token does not verify", "le lien de réponse de ce message n'est pas valide", "the reply address of this message is not valid"},
		{"no reply token: not an answer to a codev email", "écrit directement à l'adresse du groupe", "written directly to the group's address"},
		{"sender is not the member the request went to (member 12)", "l'expéditeur n'est pas la personne", "the sender is not the person"},
		{"the reply is empty", "la réponse est vide", "the reply is empty"},
		{"message of 15204352 bytes is above the size limit: only its header was read", "le message (14,5" + NBSP + "Mo) dépasse la taille acceptée" + NBSP + ";", "the message (14.5 MB) is over the size limit;"},
		{"message of 10485760 bytes is above the size limit: only its header was read", "(10" + NBSP + "Mo)", "(10 MB)"},
		{"swap confirmed but no member can take the session", "plus aucun membre ne peut reprendre la séance", "no member can take the session"},
		{"permanent bounce without a codev token: not applied (it could be forged)", "pourrait être falsifié", "could be forged"},
		{"calendar reply without UID or attendee", "réponse d'agenda incomplète", "incomplete calendar reply"},
		{"calendar reply from an attendee who is not in the group", "ne fait pas partie du groupe", "not in the group"},
		{"calendar reply with participation status DELEGATED", "ni ne décline", "neither accepts nor declines"},
		{"only the group's animator chooses the client", "seul·e l'animateur·rice", "only the group's facilitator"},
		{"the session of this list of topics was cancelled", "a été annulée", "was cancelled"},
		{"session 3 has started: the client is chosen in the session", "la séance 3 a commencé" + NBSP + ":", "session 3 has started"},
		{"the choice of the client of session 2 was not understood: the first name given is shared by several members: give the full name or the number", "ce prénom est celui de plusieurs membres", "several members have this first name"},
		{"the choice of the client of session 2 was not understood: the reply is empty", "séance 2 n'a pas été compris", "session 2 was not understood"},
		{"session 4 already has a client (member 7): it is not changed by email", "la séance 4 a déjà un·e client·e", "session 4 already has a client"},
		{"member 7 already had their turn this cycle (session 5)", "(séance 5)", "(session 5)"},
		{"not understood: no text part (image/png)", "pas de texte lisible", "no readable text"},
		{"not understood: no reply text in text/plain (empty, or only quotes and signatures)", "ne contient pas de réponse", "holds no answer"},
		{"not understood: iTIP COUNTER: a@b proposes a new time for x", "proposition d'un autre horaire", "a new time proposed"},
		{"not understood: delivery status notification: transient (4.2.2)", "message automatique", "an automatic message"},
		{"not understood: unclassified", "réponse non comprise automatiquement", "answer not understood automatically"},
		{"something new that nobody translated", "motif non détaillé" + NBSP + "; le message est à vérifier", "reason not detailed"},
	}
	english := []string{"reply", "token", "member", "session", "sender", "bounce", "calendar", "not ", "the ", "message of"}
	for _, tc := range cases {
		fr, en := ReasonText("fr", tc.why), ReasonText("en", tc.why)
		if !strings.Contains(fr, tc.fr) {
			t.Errorf("ReasonText(fr, %q) = %q, want it to say %q", tc.why, fr, tc.fr)
		}
		if !strings.Contains(en, tc.en) {
			t.Errorf("ReasonText(en, %q) = %q, want it to say %q", tc.why, en, tc.en)
		}
		for _, w := range english {
			if strings.Contains(fr, w) {
				t.Errorf("ReasonText(fr, %q) = %q: English %q in French", tc.why, fr, w)
			}
		}
		if strings.Contains(fr, "member 7") || strings.Contains(en, "member 7") || strings.Contains(en, "member 12") {
			t.Errorf("%q: a member's number means nothing to the animator", tc.why)
		}
		if frenchSpacing(fr) != fr {
			t.Errorf("ReasonText(fr, %q) = %q lacks French spacing", tc.why, fr)
		}
	}
	if ReasonText("fr", "  ") != "" {
		t.Error("no reason gives no text")
	}
}
