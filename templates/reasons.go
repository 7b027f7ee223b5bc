package templates

import (
	"regexp"
	"strconv"
	"strings"
)

// codev records why it held or skipped a message as a short English
// sentence (the inbound row's reason, also in logs and in `codev
// inspect-mail`). The animator reads it in their own language: reasons
// turns each sentence the code writes into French and English words for
// the notice, so that no English sentence lands in a French email.
// Sentences are matched whole, from their start; the numbers they carry
// (a session, a size) are kept. A reason that matches no entry is shown
// as a general sentence rather than in English (ReasonText).

// reason is one known sentence: re matches it, and fr and en say it to
// the animator, $1 standing for re's group, if any. bytes marks a group
// that is a size in bytes, written « 14,2 Mo ». fr is written with
// ordinary spaces and gets French spacing.
type reason struct {
	re     *regexp.Regexp
	fr, en string
	bytes  bool
}

func r(pattern, fr, en string) reason {
	return reason{re: regexp.MustCompile(`^(?:` + pattern + `)$`), fr: fr, en: en}
}

// reasons lists the reasons of workflow (holding a reply) and of
// mail/inbound (a message not understood), most specific first. The
// wording says what happened and, when useful, what to check; it never
// names a member by number, which means nothing to the animator (the
// notice names the sender).
var reasons = []reason{
	// workflow: the reply itself.
	r(`the reply token does not verify`,
		"le lien de réponse de ce message n'est pas valide (il a pu être modifié)",
		"the reply address of this message is not valid (it may have been altered)"),
	r(`no reply token: not an answer to a codev email`,
		"ce message a été écrit directement à l'adresse du groupe, sans répondre à un e-mail de codev",
		"this message was written directly to the group's address, not as a reply to a codev email"),
	r(`sender is not the member the request went to.*`,
		"l'expéditeur n'est pas la personne à qui la demande avait été envoyée",
		"the sender is not the person the request was sent to"),
	r(`the reply is empty`,
		"la réponse est vide",
		"the reply is empty"),
	{re: regexp.MustCompile(`^message of (\d+) bytes is above the size limit.*$`),
		fr:    "le message ($1) dépasse la taille acceptée ; seul son en-tête a été lu",
		en:    "the message ($1) is over the size limit; only its header was read",
		bytes: true},
	r(`swap confirmed but no member can take the session`,
		"l'échange a été confirmé, mais plus aucun membre ne peut reprendre la séance",
		"the swap was confirmed, but no member can take the session any more"),
	// workflow: bounces and calendar replies.
	r(`permanent bounce without a codev token.*`,
		"avis de non-distribution qui ne répond à aucun e-mail de codev : il n'a pas été appliqué, car il pourrait être falsifié",
		"a delivery failure notice that answers no codev email: it was not applied, as it could be forged"),
	r(`calendar reply without UID or attendee`,
		"réponse d'agenda incomplète (sans séance ou sans participant·e)",
		"incomplete calendar reply (no session or no attendee)"),
	r(`calendar reply from an attendee who is not in the group`,
		"réponse d'agenda d'une personne qui ne fait pas partie du groupe",
		"calendar reply from someone who is not in the group"),
	r(`calendar reply with participation status .*`,
		"réponse d'agenda qui n'accepte ni ne décline l'invitation",
		"calendar reply that neither accepts nor declines the invitation"),
	// workflow: the animator's choice of a client (open mode).
	r(`only the group's animator chooses the client`,
		"seul·e l'animateur·rice du groupe choisit le ou la client·e",
		"only the group's facilitator chooses the client"),
	r(`the session of this list of topics was cancelled`,
		"la séance de cette liste de sujets a été annulée",
		"the session of this list of topics was cancelled"),
	r(`session (\d+) has started: the client is chosen in the session`,
		"la séance $1 a commencé : le ou la client·e se choisit en séance",
		"session $1 has started: the client is chosen in the session"),
	r(`the choice of the client of session (\d+) was not understood: the first name given is shared by several members.*`,
		"le choix du ou de la client·e de la séance $1 n'a pas été compris : ce prénom est celui de plusieurs membres ; donnez le nom complet ou le numéro",
		"the choice of the client of session $1 was not understood: several members have this first name; give the full name or the number"),
	r(`the choice of the client of session (\d+) was not understood: .*`,
		"le choix du ou de la client·e de la séance $1 n'a pas été compris : la première ligne ne donne ni le numéro d'un sujet ni le nom d'un membre",
		"the choice of the client of session $1 was not understood: the first line gives neither a topic's number nor a member's name"),
	r(`session (\d+) already has a client.*`,
		"la séance $1 a déjà un·e client·e : ce choix ne se change pas par e-mail",
		"session $1 already has a client: this choice is not changed by email"),
	r(`member \d+ already had their turn this cycle \(session (\d+)\)`,
		"cette personne est déjà client·e pendant ce cycle (séance $1)",
		"this person already has their turn as client this cycle (session $1)"),
	// mail/inbound, after "not understood: ".
	r(`not understood: no text part.*`,
		"le message ne contient pas de texte lisible",
		"the message has no readable text"),
	r(`not understood: no reply text.*`,
		"le message ne contient pas de réponse (il est vide, ou ne contient que le message cité et une signature)",
		"the message holds no answer (it is empty, or holds only the quoted email and a signature)"),
	r(`not understood: unreadable iTIP REPLY.*`,
		"réponse d'agenda illisible",
		"unreadable calendar reply"),
	r(`not understood: iTIP COUNTER.*`,
		"proposition d'un autre horaire depuis un agenda, que codev n'applique pas : déplacez la séance vous-même si besoin",
		"a new time proposed from a calendar, which codev does not apply: move the session yourself if needed"),
	r(`not understood: (?:iTIP|delivery status notification|read receipt).*`,
		"message automatique (agenda ou avis de distribution) que codev ne sait pas appliquer",
		"an automatic message (calendar or delivery notice) that codev cannot apply"),
	r(`not understood: .*`,
		"réponse non comprise automatiquement",
		"answer not understood automatically"),
}

// ReasonText puts a recorded reason in lang's words for the animator (see
// reasons). A sentence it does not know gives a general one, in lang:
// « motif non détaillé ; le message est à vérifier », never English in a
// French email.
func ReasonText(lang, why string) string {
	why = strings.TrimSpace(why)
	if why == "" {
		return ""
	}
	for _, e := range reasons {
		m := e.re.FindStringSubmatch(why)
		if m == nil {
			continue
		}
		out := e.fr
		if isEnglish(lang) {
			out = e.en
		}
		if len(m) > 1 {
			arg := m[1]
			if e.bytes {
				arg = formatBytes(lang, arg)
			}
			out = strings.ReplaceAll(out, "$1", arg)
		}
		if isEnglish(lang) {
			return out
		}
		return frenchSpacing(out)
	}
	if isEnglish(lang) {
		return "reason not detailed; the message needs checking"
	}
	return frenchSpacing("motif non détaillé ; le message est à vérifier")
}

// formatBytes writes a byte count as « 14,2 Mo » or "14.2 MB".
func formatBytes(lang, count string) string {
	n, err := strconv.ParseInt(count, 10, 64)
	if err != nil {
		return count
	}
	mb := float64(n) / (1 << 20)
	digits := 1
	if mb == float64(int64(mb)) || mb >= 100 {
		digits = 0
	}
	size := FormatDecimal(lang, mb, digits)
	if isEnglish(lang) {
		return size + " MB"
	}
	return size + NBSP + "Mo"
}
