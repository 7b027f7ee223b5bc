package templates

// kindLabels names each kind of email in words, as the animator reads it
// in lists such as the digest's "awaiting an answer".
var kindLabels = map[Kind][2]string{ // fr, en
	Welcome:          {"bienvenue et charte", "welcome and charter"},
	CharterReminder:  {"rappel de la charte", "charter reminder"},
	Invitation:       {"invitation", "invitation"},
	Cancellation:     {"annulation", "cancellation"},
	RotationPlan:     {"planning des passages", "order of turns"},
	Prepare:          {"questionnaire de préparation", "preparation questionnaire"},
	PrepareReminder:  {"rappel du questionnaire de préparation", "preparation questionnaire reminder"},
	CallForTopics:    {"appel à sujets", "call for topics"},
	Followup:         {"retour sur les expérimentations", "report on experiments"},
	FollowupReminder: {"rappel du retour sur les expérimentations", "report on experiments reminder"},
	AnimatorDigest:   {"préparation de la séance", "session preparation"},
	SessionReminder:  {"rappel de séance", "session reminder"},
	ClientPlan:       {"synthèse et plan d'action", "synthesis and action plan"},
	PlanReminder:     {"rappel du plan d'action", "action plan reminder"},
	Learnings:        {"questionnaire « Vos apprentissages »", `"Your learnings" questionnaire`},
	Summary:          {"synthèse de la séance", "session summary"},
	Nudge:            {"premier pas", "first step"},
	Review:           {"bilan de cycle", "end-of-cycle review"},
	RetentionWarning: {"export ou suppression des données", "data export or deletion"},
	AnimatorNotice:   {"avis à l'animateur·rice", "notice to the facilitator"},
	SignIn:           {"lien de connexion", "sign-in link"},
	// The list of proposed topics (open mode) is rendered as an
	// AnimatorNotice, but it waits for the animator's choice, so the
	// digest's "awaiting an answer" names it under its stored kind.
	"notice_topics": {"choix du ou de la client·e parmi les sujets proposés", "choice of the client among the proposed topics"},
}

// KindLabel names a kind of email in words, in lower case, for lines the
// animator reads such as "Alice Dupont — questionnaire de préparation,
// mardi 22 décembre 2026". lang "en" gives English, anything else French;
// an unknown kind is returned as is.
func KindLabel(kind Kind, lang string) string {
	l, ok := kindLabels[kind]
	switch {
	case !ok:
		return string(kind)
	case isEnglish(lang):
		return l[1]
	}
	return frenchSpacing(l[0])
}

// PendingLine is one line of the digest's list of requests awaiting an
// answer: who, what was asked (KindLabel) and when it was sent (sent, from
// FormatDate): « Alice Dupont — questionnaire de préparation (envoi du
// mardi 22 décembre 2026) ».
func PendingLine(lang, name string, kind Kind, sent string) string {
	if isEnglish(lang) {
		return name + " — " + KindLabel(kind, lang) + " (sent on " + sent + ")"
	}
	return name + " — " + KindLabel(kind, lang) + " (envoi du " + sent + ")"
}
