package templates

// Question is one numbered question of a questionnaire email. The plain
// text part writes it as a line "Number. Text", which is what the reply
// parser looks for, whether people number their answers or write under
// each quoted question.
type Question struct {
	// Number is the question's 1-based number, as written in the email.
	Number int
	// Text is the question's wording, on one line.
	Text string
	// Rating marks a question answered by a number from 1 to 5.
	Rating bool
	// Consent marks the yes/no question that asks whether the answers may
	// be shared with the group: only an explicit yes to it is consent
	// (DOMAIN.md §3 rule 1).
	Consent bool
}

// questionSet is a questionnaire in both languages. rating and consent are
// the numbers of its rating question and of its yes/no question about
// sharing, 0 when it has none.
type questionSet struct {
	fr, en          []string
	rating, consent int
}

// learningsFR and learningsEN are the step-6 questions of DOMAIN.md §1.9,
// sent to every member after a session and, after the plan question, to
// the client. They are kept in the first person as written there: they
// are the member's own learning journal.
var (
	learningsFR = []string{
		"Qu'est-ce que je retiens de cette séance pour ma propre pratique ?",
		"Qu'ai-je appris sur ma façon d'aider (écoute, questions, suggestions) ?",
		"Régulation : le cadre a-t-il été respecté (temps, pas de conseils en clarification, confidentialité, bienveillance) ? Qu'est-ce qu'on ajuste la prochaine fois ?",
		"Note de satisfaction de 1 à 5 (utilité / climat).",
	}
	learningsEN = []string{
		"What do I take from this session for my own practice?",
		"What did I learn about the way I help (listening, questions, suggestions)?",
		"Process review: was the frame respected (time, no advice during clarification, confidentiality, kindness)? What do we adjust next time?",
		"Satisfaction rating from 1 to 5 (usefulness / atmosphere).",
	}
)

// questionSets holds every questionnaire. Reminders ask the same questions
// as the email they remind, so that people can answer either one.
var questionSets = map[Kind]questionSet{
	// DOMAIN.md §1.6, planned mode: preferences by session number.
	RotationPlan: {
		fr: []string{
			"À quelles séances aimeriez-vous être client·e ? (numéros, par exemple « 2, 4 »)",
			"À quelles séances ne pouvez-vous pas être client·e ?",
		},
		en: []string{
			`At which sessions would you like to be the client? (numbers, for example "2, 4")`,
			"At which sessions would it be impossible for you to be the client?",
		},
	},
	// DOMAIN.md §1.5, the client's preparation.
	Prepare: {
		fr: []string{
			"En une phrase : quel est votre problème, projet ou préoccupation ?",
			"Le contexte : votre rôle, les personnes concernées, les enjeux (qu'est-ce qui est en jeu pour vous ?).",
			"Depuis quand, et qu'est-ce qui rend la situation importante ou urgente maintenant ?",
			"Qu'avez-vous déjà essayé ? Avec quels effets ?",
			"Quelles options voyez-vous déjà ?",
			"Quelle serait une issue satisfaisante pour vous ?",
			"Première formulation de votre demande au groupe (« J'aimerais que le groupe m'aide à… ») et type d'aide souhaitée.",
			"Ce que vous ne souhaitez pas aborder (limites, éléments confidentiels).",
			"Acceptez-vous que vos réponses soient partagées avec le groupe ? Répondez oui ou non (sans « oui », elles ne le sont pas).",
		},
		en: []string{
			"In one sentence: what is your problem, project or concern?",
			"The context: your role, the people involved, the stakes (what is at stake for you?).",
			"Since when, and what makes the situation important or urgent now?",
			"What have you already tried? With what effects?",
			"What options do you already see?",
			"What would be a satisfying outcome for you?",
			`A first wording of your request to the group ("I would like the group to help me…") and the kind of help you would like.`,
			"What you would rather not discuss (limits, confidential matters).",
			`May your answers be shared with the group? Answer yes or no (without a "yes", they are not).`,
		},
		consent: 9,
	},
	// DOMAIN.md §1.6, open mode: a one-line title, shared only on opt-in.
	CallForTopics: {
		fr: []string{
			"Si vous souhaitez apporter un sujet, quel en est le titre, en une ligne ?",
			"Acceptez-vous que ce titre soit communiqué au groupe avant la séance ? Répondez oui ou non (sans « oui », il ne l'est pas).",
		},
		en: []string{
			"If you would like to bring a topic, what is its title, in one line?",
			`May this title be shared with the group before the session? Answer yes or no (without a "yes", it is not).`,
		},
		consent: 2,
	},
	// DOMAIN.md §2.1 #7, wording in « guillemets ».
	Followup: {
		fr: []string{
			"Qu'avez-vous essayé ?",
			"Qu'est-ce qui s'est passé ?",
			"Qu'en retenez-vous ?",
			"Et maintenant ?",
		},
		en: []string{
			"What have you tried?",
			"What happened?",
			"What do you take from it?",
			"And now?",
		},
	},
	// DOMAIN.md §1.9: the client's plan question, then the step-6 questions.
	ClientPlan: {
		fr: append([]string{
			"Quelles actions allez-vous expérimenter, d'ici quand, comment saurez-vous que ça avance, de quel soutien avez-vous besoin ?",
		}, learningsFR...),
		en: append([]string{
			"Which actions will you try out, by when, how will you know that it is moving forward, and what support do you need?",
		}, learningsEN...),
		rating: 5,
	},
	Learnings: {fr: learningsFR, en: learningsEN, rating: 4},
	// DOMAIN.md §2.1 #15 (proposal): learnings, satisfaction, what next.
	Review: {
		fr: []string{
			"Que retenez-vous de ce cycle pour votre pratique professionnelle ?",
			"Qu'est-ce qui a changé dans votre façon d'aider, ou de demander de l'aide ?",
			"Qu'est-ce qui a bien fonctionné dans le groupe, et qu'est-ce qui serait à ajuster ?",
			"Note de satisfaction sur l'ensemble du cycle, de 1 à 5.",
			"Pour la suite : souhaitez-vous continuer avec ce groupe, rejoindre ou former un nouveau groupe, ou faire une pause ?",
		},
		en: []string{
			"What do you take from this cycle for your professional practice?",
			"What has changed in the way you help, or ask for help?",
			"What worked well in the group, and what would need adjusting?",
			"Satisfaction rating for the whole cycle, from 1 to 5.",
			"What next: would you like to continue with this group, join or form a new group, or take a break?",
		},
		rating: 4,
	},
}

// reminded maps each reminder to the ask it reminds: they share subject and
// questions so that mail clients thread them and either can be answered.
var reminded = map[Kind]Kind{
	CharterReminder:  Welcome,
	PrepareReminder:  Prepare,
	FollowupReminder: Followup,
	PlanReminder:     ClientPlan,
}

// Questions returns the numbered questions a kind asks in lang ("fr" or
// "en"), or nil when the kind asks nothing or the language is unknown.
// The reply parser uses the same list to read answers, so the wording
// lives here only. French questions come with French spacing (no-break
// spaces before « ? » and « : », see NBSP); the reply parser reads them
// as ordinary spaces. Each call returns a fresh slice.
func Questions(kind Kind, lang string) []Question {
	if k, ok := reminded[kind]; ok {
		kind = k
	}
	set, ok := questionSets[kind]
	if !ok {
		return nil
	}
	var texts []string
	switch lang {
	case "fr":
		texts = set.fr
	case "en":
		texts = set.en
	default:
		return nil
	}
	qs := make([]Question, len(texts))
	for i, text := range texts {
		if lang == "fr" {
			text = frenchSpacing(text)
		}
		qs[i] = Question{Number: i + 1, Text: text, Rating: i+1 == set.rating, Consent: i+1 == set.consent}
	}
	return qs
}

// CharterAcceptance returns the phrase a member replies to the welcome
// email to accept the charter (DOMAIN.md §2.1 #1): « J'accepte la charte »
// or "I accept the charter". The templates and the reply parser share it.
func CharterAcceptance(lang string) string {
	if lang == "en" {
		return "I accept the charter"
	}
	return "J'accepte la charte"
}

// SwapConfirmation returns the word the animator replies to confirm a
// proposed client swap: « oui » or "yes". The templates and the reply
// parser share it.
func SwapConfirmation(lang string) string {
	if lang == "en" {
		return "yes"
	}
	return "oui"
}
