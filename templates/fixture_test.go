package templates

import (
	"fmt"
	"strconv"
	"time"
)

// The fixture is a realistic group: six managers in Lyon meeting by video
// every four weeks from Tuesday 12 January 2027 at 18:00, Paris time. The
// fourth session falls after the switch to summer time (28 March 2027).

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	fixtureMembers = []string{"Alice Dupont", "Bruno Lefèvre", "Chloé Nguyen", "David Moreau", "Émilie Garnier", "Farid Benali"}
	fixtureStart   = time.Date(2027, time.January, 12, 18, 0, 0, 0, paris)
)

// sessionStart is the start of session n (1-based): every four weeks, at
// 18:00 local time whatever the offset.
func sessionStart(n int) time.Time {
	return fixtureStart.AddDate(0, 0, 28*(n-1))
}

func fixtureSession(lang string, n int) Session {
	duration := FormatDuration(lang, 2*time.Hour)
	return Session{
		Number: n, Count: 6,
		When:     FormatDateTime(lang, sessionStart(n), paris),
		Date:     FormatDate(lang, sessionStart(n), paris),
		Duration: duration,
		Client:   fixtureMembers[n-1],
	}
}

// fixtureText holds the free text of the fixture in both languages.
type fixtureText struct {
	preparation, previousPlan, followup, plan []string
	contract                                  string
	regulation, learnings, held               []string
	history                                   [][]string
	declineReason                             string
	topics                                    []string
}

// Reasons are recorded by codev in English whatever the group's language
// (workflow's hold reasons); the notice puts them in the group's words.
const (
	fixtureHoldReason     = "sender is not the member the request went to (member 6)"
	fixtureOversizeReason = "message of 14680064 bytes is above the size limit: only its header was read"
)

var fixtureTexts = map[string]fixtureText{
	"fr": {
		preparation: []string{
			"Faire adhérer mon équipe à la nouvelle organisation du travail hybride.",
			"Je dirige une équipe de neuf techniciens de maintenance depuis deux ans.\nLa direction impose deux jours de présence par semaine à partir de mars ; deux anciens refusent d'en parler.",
			"Depuis l'annonce en novembre. Les plannings de mars doivent être prêts mi-février.",
			"Une réunion d'équipe pour présenter les règles : elle a tourné court.",
			"Des entretiens individuels, ou laisser l'équipe proposer elle-même une organisation.",
			"Un planning accepté par l'équipe, sans perdre la confiance des plus anciens.",
			"J'aimerais que le groupe m'aide à ouvrir la discussion avec les plus réticents. Des témoignages d'expériences similaires et des hypothèses.",
			"Les raisons personnelles de chacun, que je ne connais pas toutes.",
		},
		contract:     "J'aimerais que le groupe m'aide à ouvrir la discussion avec les plus réticents.",
		previousPlan: []string{"Rencontrer chaque chef de projet avant fin janvier, fixer avec eux un point mensuel, noter les décisions prises ; j'aurai besoin d'un regard sur mon premier compte rendu."},
		followup: []string{
			"Trois rencontres sur cinq, et un point mensuel fixé avec deux chefs de projet.",
			"Les échanges ont été plus simples que prévu ; un chef de projet reste distant.",
			"Poser le cadre par écrit avant la rencontre change beaucoup de choses.",
			"Finir les rencontres et proposer le compte rendu au comité de direction.",
		},
		plan: []string{
			"Proposer à chaque membre de l'équipe un entretien de vingt minutes d'ici le 26 février, puis un atelier planning début mars. Je saurai que ça avance si les deux anciens viennent à l'atelier. J'aimerais relire mon invitation avec Chloé.",
			"Écouter avant de présenter les règles.",
			"Mes questions fermées en clarification.",
			"Le temps a été tenu, la clarification un peu longue.",
			"5",
		},
		regulation: []string{"Clarification : deux conseils glissés trop tôt, rappeler la règle en début d'étape.", "Consultation bien rythmée ; garder la synthèse à quinze minutes."},
		learnings:  []string{"Reformuler avant de proposer une piste.", "Mes expériences sont utiles quand je les raconte sans conclure à la place de la personne qui expose."},

		held: []string{"farid.benali@example.net — expéditeur différent de l'adresse inscrite"},
		history: [][]string{
			{"1", "consultant", "Reformuler avant de proposer une piste."},
			{"3", "client", "Clarifier mes priorités avec ma direction avant l'été."},
		},
		declineReason: "Déplacement chez un fournisseur ce jour-là.",
		topics:        []string{"Un collaborateur qui conteste toutes mes décisions en réunion", "Préparer un premier entretien de recadrage"},
	},
	"en": {
		preparation: []string{
			"Getting my team on board with the new hybrid working arrangements.",
			"I have led a team of nine maintenance technicians for two years.\nManagement requires two days on site per week from March; two long-serving members refuse to discuss it.",
			"Since the announcement in November. The March rotas must be ready by mid-February.",
			"A team meeting to present the rules: it was cut short.",
			"One-to-one meetings, or letting the team propose its own arrangement.",
			"A rota the team accepts, without losing the trust of the long-serving members.",
			"I would like the group to help me open the discussion with the most reluctant. Similar experiences and hypotheses.",
			"Everyone's personal reasons, which I do not all know.",
		},
		contract:     "I would like the group to help me open the discussion with the most reluctant.",
		previousPlan: []string{"Meet each project lead before the end of January, agree a monthly check-in with them, note the decisions taken; I will need someone to look at my first report."},
		followup: []string{
			"Three meetings out of five, and a monthly check-in agreed with two project leads.",
			"The conversations were easier than expected; one project lead remains distant.",
			"Setting out the frame in writing before the meeting changes a lot.",
			"Finish the meetings and propose the report to the management committee.",
		},
		plan: []string{
			"Offer each team member a twenty-minute conversation by 26 February, then a rota workshop in early March. I will know it is moving forward if the two long-serving members come to the workshop. I would like to go over my invitation with Chloé.",
			"Listen before presenting the rules.",
			"My closed questions during clarification.",
			"Time was kept, clarification ran a little long.",
			"5",
		},
		regulation: []string{"Clarification: two pieces of advice slipped in too early, recall the rule at the start of the step.", "Consultation well paced; keep the synthesis to fifteen minutes."},
		learnings:  []string{"Rephrase before suggesting an idea.", "My experiences help when I tell them without drawing the conclusion for the client."},

		held: []string{"farid.benali@example.net — sender differs from the registered address"},
		history: [][]string{
			{"1", "consultant", "Rephrase before suggesting an idea."},
			{"3", "client", "Clarify my priorities with management before the summer."},
		},
		declineReason: "Visiting a supplier that day.",
		topics:        []string{"A colleague who disputes all my decisions in meetings", "Preparing a first corrective conversation"},
	},
}

// answers pairs texts with the questions of kind.
func answers(kind Kind, lang string, texts []string) []Answer {
	qs := Questions(kind, lang)
	out := make([]Answer, len(texts))
	for i, text := range texts {
		out[i] = Answer{Number: qs[i].Number, Question: qs[i].Text, Text: text}
	}
	return out
}

// fixture returns the data codev would pass for kind in lang. variant
// selects "rescheduled" for invitations and a notice type for animator
// notices; the empty variant is the main case.
func fixture(kind Kind, lang, variant string) Data {
	ft := fixtureTexts[lang]
	sessions := make([]Session, 6)
	for i := range sessions {
		sessions[i] = fixtureSession(lang, i+1)
	}
	animator := Person{Name: "Claire Martin", Email: "claire.martin@example.org"}
	members := make([]Person, len(fixtureMembers))
	for i, name := range fixtureMembers {
		members[i] = Person{Name: name, Email: fmt.Sprintf("member%d@example.com", i+1)}
	}
	d := Data{
		Lang: lang,
		Group: Group{
			Name: "Managers Lyon", VideoURL: "https://visio.example.org/managers-lyon",
			AnimatorName: animator.Name, AnimatorEmail: animator.Email,
			Members: 6, Sessions: 6, RetentionMonths: 6,
		},
		Recipient: members[2], // Chloé Nguyen, a consultant in session 2
		Session:   sessions[1],
		Previous:  sessions[0],
		Sessions:  sessions,
		Links: Links{
			Feed:        "https://codev.example.org/cal/k7wq3m2x.ics",
			FeedWebcal:  "webcal://codev.example.org/cal/k7wq3m2x.ics",
			Preferences: "https://codev.example.org/p/r4nd0mt0k3n",
			Unsubscribe: "https://codev.example.org/u/r4nd0mt0k3n",
			Export:      "https://codev.example.org/export/e8x9p0rt",
			Erasure:     "https://codev.example.org/erase/e8x9p0rt",
			SignIn:      "https://codev.example.org/signin/s1gn1nt0k3n",
			Accept:      "https://codev.example.org/rsvp/acc3pt?s=2",
			Decline:     "https://codev.example.org/rsvp/d3cl1n3?s=2",
			Admin:       "https://codev.example.org/admin/held",
		},
	}
	switch kind {
	case Prepare, PrepareReminder:
		d.Recipient = members[1]
		d.Deadline = FormatDate(lang, sessionStart(2).AddDate(0, 0, -7), paris)
	case RotationPlan:
		d.Deadline = FormatDate(lang, time.Date(2026, time.December, 11, 12, 0, 0, 0, paris), paris)
	case CallForTopics:
		d.Group.OpenRotation = true
		d.Deadline = FormatDate(lang, sessionStart(2).AddDate(0, 0, -7), paris)
	case Followup, FollowupReminder:
		d.Recipient = members[0]
	case ClientPlan, PlanReminder, Nudge:
		d.Recipient = members[1]
	case AnimatorDigest:
		d.Recipient = animator
		rsvps := []RSVP{{"Alice Dupont", "accepted"}, {"Bruno Lefèvre", "accepted"}, {"Chloé Nguyen", "tentative"},
			{"David Moreau", "declined"}, {"Émilie Garnier", "needs-action"}, {"Farid Benali", "accepted"}}
		rotation := make([]Turn, 6)
		for i, name := range fixtureMembers {
			rotation[i] = Turn{Number: i + 1, Name: name, Done: i == 0}
		}
		d.Digest = &Digest{
			Client: "Bruno Lefèvre", Preparation: answers(Prepare, lang, ft.preparation), Contract: ft.contract,
			PreviousClient: "Alice Dupont", PreviousPlan: answers(ClientPlan, lang, ft.previousPlan),
			Followup: answers(Followup, lang, ft.followup),
			RSVPs:    rsvps, Regulation: ft.regulation, Agenda: Agenda(lang, sessionStart(2), paris, AgendaOptions{Followup: true}),
			Rotation: rotation, Held: ft.held,
			Unanswered: []string{PendingLine(lang, "David Moreau", Learnings, FormatDate(lang, sessionStart(1), paris))},
		}
	case Summary:
		d.Recipient = animator
		d.Summary = &SummaryData{
			Responses: 5, AverageRating: FormatDecimal(lang, 4.4, 1), Ratings: []int{5, 4, 5, 4, 4},
			Learnings: ft.learnings, Regulation: ft.regulation, Plan: answers(ClientPlan, lang, ft.plan[:1]),
		}
	case Review:
		for _, h := range ft.history {
			kind := Learnings
			if h[1] == "client" {
				kind = ClientPlan
			}
			n, _ := strconv.Atoi(h[0])
			d.History = append(d.History, HistoryItem{Number: n, Date: FormatDate(lang, sessionStart(n), paris), Role: h[1], Items: answers(kind, lang, h[2:])})
		}
	case RetentionWarning:
		d.PurgeDate = FormatDate(lang, sessionStart(6).AddDate(0, 6, 0), paris)
	case AnimatorNotice:
		d.Recipient = animator
		d.Notice = fixtureNotice(variant, ft)
		if variant == NoticeBounce || variant == NoticeHeld || variant == NoticeOversize {
			d.Session = Session{}
		}
		if variant == NoticeTopics {
			d.Group.OpenRotation = true
			d.Session.Client = "" // open mode: the animator is about to choose
		}
	case SignIn:
		d.Recipient = animator
	case Welcome:
		if variant == "open" {
			d.Group.OpenRotation = true
			for i := range d.Sessions {
				d.Sessions[i].Client = "" // chosen before each session
			}
		}
	case Invitation, SessionReminder:
		switch variant {
		case "rescheduled":
			moved := sessionStart(2).AddDate(0, 0, 2).Add(-30 * time.Minute)
			d.Session.Rescheduled = true
			d.Session.PreviousWhen = d.Session.When
			d.Session.When = FormatDateTime(lang, moved, paris)
			d.Session.Date = FormatDate(lang, moved, paris)
		case "updated":
			d.Session.Updated = true
		case "client":
			d.Recipient, d.RecipientIsClient = members[1], true // Bruno Lefèvre, client of session 2
		case "animator":
			d.Recipient, d.RecipientIsAnimator = animator, true
		}
	}
	return d
}

func fixtureNotice(variant string, ft fixtureText) *Notice {
	switch variant {
	case NoticeDecline:
		return &Notice{Type: NoticeDecline, Member: "David Moreau", Address: "member4@example.com", Reason: ft.declineReason}
	case NoticeBounce:
		return &Notice{Type: NoticeBounce, Member: "Émilie Garnier", Address: "member5@example.com"}
	case NoticeHeld:
		return &Notice{Type: NoticeHeld, Member: "Farid Benali", Address: "farid.benali@example.net", Reason: fixtureHoldReason}
	case NoticeOversize:
		return &Notice{Type: NoticeOversize, Address: "member6@example.com", Reason: fixtureOversizeReason}
	case NoticeTopics:
		// Numbers follow the order of arrival; a proposal from a member who
		// left the group leaves a gap.
		return &Notice{Type: NoticeTopics, Topics: []Topic{
			{Number: 1, Name: "David Moreau", Title: ft.topics[0], Shared: true},
			{Number: 3, Name: "Émilie Garnier", Title: ft.topics[1]},
		}}
	}
	return &Notice{Type: NoticeClientDecline, Member: "Bruno Lefèvre", Address: "member2@example.com", SwapWith: "Chloé Nguyen"}
}

// variants lists the golden cases of each kind beyond its main one.
var variants = map[Kind][]string{
	Welcome:         {"open"},
	Invitation:      {"rescheduled", "updated", "client", "animator"},
	SessionReminder: {"client", "animator"},
	AnimatorNotice:  {NoticeDecline, NoticeBounce, NoticeHeld, NoticeOversize, NoticeTopics},
}
