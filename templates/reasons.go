package templates

import (
	"regexp"
	"strconv"
	"strings"
)

// Reasons. codev records why it held, ignored or processed an inbound
// message as a reason code and the numbers it names (workflow.ReasonCode,
// stored as "sender_not_member 12"): kinds, ids and fixed phrases, never
// bytes of the message. The animator reads it in the group's language:
// ReasonText words each code in French or English. The words never name a
// member by number, which means nothing to the animator (the notice and
// the page name the sender); they keep session and proposal numbers and
// sizes. Sentences stored before codes existed are read by legacyReasons;
// anything else gives a general sentence, never English in a French text.

// codeText words one reason code: $1, $2… stand for the reason's numbers
// in order; bytes is the position (1-based) of a number that is a size in
// bytes, written « 14,2 Mo ». fr is written with ordinary spaces and gets
// French spacing.
type codeText struct {
	fr, en string
	bytes  int
}

// reasonCodes words every workflow.ReasonCode.
var reasonCodes = map[string]codeText{
	"answers_recorded": {fr: "réponses enregistrées", en: "answers recorded"},
	"auto_reply": {fr: "réponse automatique (absence, accusé de réception…) : rien à faire",
		en: "automatic reply (out of office, receipt…): nothing to do"},
	"not_understood": {fr: "réponse non comprise automatiquement : ni réponse lisible, ni réponse d'agenda, ni avis de non-distribution",
		en: "answer not understood automatically: no readable reply, calendar answer or delivery notice"},
	"parser_failed": {fr: "le message n'a pas pu être lu", en: "the message could not be read"},
	"no_parser":     {fr: "aucun lecteur de messages n'est configuré", en: "no mail reader is configured"},
	"token_tampered": {fr: "le lien de réponse de ce message n'est pas valide (il a pu être modifié)",
		en: "the reply address of this message is not valid (it may have been altered)"},
	"no_token": {fr: "ce message a été écrit directement à l'adresse du groupe, sans répondre à un e-mail de codev",
		en: "this message was written directly to the group's address, not as a reply to a codev email"},
	"sender_not_member": {fr: "l'expéditeur n'est pas la personne à qui la demande avait été envoyée",
		en: "the sender is not the person the request was sent to"},
	"dkim_failed": {fr: "le serveur de réception signale une signature DKIM invalide pour le domaine de l'expéditeur : le message a pu être falsifié",
		en: "the receiving server reports a failed DKIM signature for the sender's domain: the message may be forged"},
	"dmarc_failed": {fr: "le serveur de réception signale un échec DMARC pour le domaine de l'expéditeur : le message a pu être falsifié",
		en: "the receiving server reports a DMARC failure for the sender's domain: the message may be forged"},
	"empty_reply": {fr: "la réponse est vide", en: "the reply is empty"},
	"oversize": {fr: "le message ($1) dépasse la taille acceptée ; seul son en-tête a été lu",
		en: "the message ($1) is over the size limit; only its header was read", bytes: 1},
	"applied_by_animator": {fr: "appliqué par l'animateur·rice", en: "applied by the facilitator"},
	"ignored_by_animator": {fr: "écarté par l'animateur·rice", en: "dismissed by the facilitator"},

	"bounce_transient": {fr: "échec temporaire de distribution : noté seulement", en: "temporary delivery failure: logged only"},
	"bounce_no_token": {fr: "avis de non-distribution qui ne répond à aucun e-mail de codev : il n'a pas été appliqué, car il pourrait être falsifié",
		en: "a delivery failure notice that answers no codev email: it was not applied, as it could be forged"},
	"bounce_recorded": {fr: "échec définitif de distribution : l'adresse est marquée en erreur",
		en: "permanent delivery failure: the address is flagged"},

	"rsvp_incomplete": {fr: "réponse d'agenda incomplète (sans séance ou sans participant·e)",
		en: "incomplete calendar reply (no session or no attendee)"},
	"rsvp_unknown_event": {fr: "réponse d'agenda à un événement inconnu", en: "calendar reply to an unknown event"},
	"rsvp_not_member": {fr: "réponse d'agenda d'une personne qui ne fait pas partie du groupe",
		en: "calendar reply from someone who is not in the group"},
	"rsvp_sender_not_attendee": {fr: "réponse d'agenda au nom d'un membre, envoyée depuis une autre adresse que la sienne et sans son lien de réponse",
		en: "calendar reply on a member's behalf, sent from another address than theirs and without their reply address"},
	"rsvp_bad_status": {fr: "réponse d'agenda qui n'accepte ni ne décline l'invitation",
		en: "calendar reply that neither accepts nor declines the invitation"},
	"rsvp_old_sequence": {fr: "réponse d'agenda à une version antérieure de la séance", en: "calendar reply to an earlier version of the session"},
	"rsvp_superseded":   {fr: "une réponse d'agenda plus récente est déjà enregistrée", en: "a newer calendar reply is already recorded"},
	"rsvp_accepted":     {fr: "participation enregistrée", en: "acceptance recorded"},
	"rsvp_declined":     {fr: "absence enregistrée", en: "decline recorded"},
	"rsvp_tentative":    {fr: "participation incertaine enregistrée", en: "tentative answer recorded"},
	"decline_in_words":  {fr: "absence annoncée dans une réponse : enregistrée", en: "decline written in a reply: recorded"},

	"swap_confirmed": {fr: "échange confirmé par l'animateur·rice : séances $1 et $2", en: "swap confirmed by the facilitator: sessions $1 and $2"},
	"swap_stale": {fr: "confirmation d'échange ignorée : le ou la client·e de la séance a changé depuis l'avis",
		en: "swap confirmation ignored: the session's client changed since the notice"},
	"swap_no_candidate": {fr: "l'échange a été confirmé, mais plus aucun membre ne peut reprendre la séance",
		en: "the swap was confirmed, but no member can take the session any more"},

	"choice_not_animator": {fr: "seul·e l'animateur·rice du groupe choisit le ou la client·e", en: "only the group's facilitator chooses the client"},
	"choice_cancelled":    {fr: "la séance de cette liste de sujets a été annulée", en: "the session of this list of topics was cancelled"},
	"choice_started": {fr: "la séance $1 a commencé : le ou la client·e se choisit en séance",
		en: "session $1 has started: the client is chosen in the session"},
	"choice_empty": {fr: "le choix du ou de la client·e de la séance $1 n'a pas été compris : la réponse est vide",
		en: "the choice of the client of session $1 was not understood: the reply is empty"},
	"choice_member_left": {fr: "le choix du ou de la client·e de la séance $1 n'a pas été compris : le sujet $2 vient d'une personne qui a quitté le groupe",
		en: "the choice of the client of session $1 was not understood: topic $2 is from a member who left the group"},
	"choice_no_proposal": {fr: "le choix du ou de la client·e de la séance $1 n'a pas été compris : il n'y a pas de sujet numéro $2 ($3 sujets proposés)",
		en: "the choice of the client of session $1 was not understood: there is no topic number $2 ($3 proposed)"},
	"choice_ambiguous": {fr: "le choix du ou de la client·e de la séance $1 n'a pas été compris : ce prénom est celui de plusieurs membres ; donnez le nom complet ou le numéro",
		en: "the choice of the client of session $1 was not understood: several members have this first name; give the full name or the number"},
	"choice_no_match": {fr: "le choix du ou de la client·e de la séance $1 n'a pas été compris : la première ligne ne donne ni le numéro d'un sujet ni le nom d'un membre",
		en: "the choice of the client of session $1 was not understood: the first line gives neither a topic's number nor a member's name"},
	"choice_same_client": {fr: "cette personne est déjà client·e de la séance $2", en: "this person is already the client of session $2"},
	"choice_has_client": {fr: "la séance $1 a déjà un·e client·e : ce choix ne se change pas par e-mail",
		en: "session $1 already has a client: this choice is not changed by email"},
	"choice_had_turn": {fr: "cette personne est déjà client·e pendant ce cycle (séance $2)",
		en: "this person already has their turn as client this cycle (session $2)"},
	"client_chosen": {fr: "client·e de la séance $1 choisi·e par l'animateur·rice", en: "client of session $1 chosen by the facilitator"},
}

// HasReason reports whether code is a reason code ReasonText words.
func HasReason(code string) bool {
	_, ok := reasonCodes[code]
	return ok
}

// reArg is a number placeholder of a code's words.
var reArg = regexp.MustCompile(`\$(\d)`)

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

// legacyReasons lists the English sentences workflow (holding a reply)
// and mail/inbound (a message not understood) stored before reasons had
// codes, most specific first, so that rows stored by an older version
// still read well. The
// wording says what happened and, when useful, what to check; it never
// names a member by number, which means nothing to the animator (the
// notice names the sender).
var legacyReasons = []reason{
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

// ReasonText puts a recorded reason in lang's words for the animator: a
// reason code with its numbers ("sender_not_member 12"), else a sentence
// stored before codes existed (legacyReasons). Anything else gives a
// general sentence, in lang: « motif non détaillé ; le message est à
// vérifier », never English in a French email.
func ReasonText(lang, why string) string {
	why = strings.TrimSpace(why)
	if why == "" {
		return ""
	}
	out, ok := codeReason(lang, why)
	if !ok {
		out, ok = legacyReason(lang, why)
	}
	if !ok {
		out = "motif non détaillé ; le message est à vérifier"
		if isEnglish(lang) {
			out = "reason not detailed; the message needs checking"
		}
	}
	if isEnglish(lang) {
		return out
	}
	return frenchSpacing(out)
}

// codeReason words a reason code followed by its numbers.
func codeReason(lang, why string) (string, bool) {
	f := strings.Fields(why)
	t, ok := reasonCodes[f[0]]
	if !ok {
		return "", false
	}
	args := f[1:]
	for _, a := range args {
		if _, err := strconv.ParseInt(a, 10, 64); err != nil {
			return "", false
		}
	}
	out := t.fr
	if isEnglish(lang) {
		out = t.en
	}
	return reArg.ReplaceAllStringFunc(out, func(m string) string {
		i := int(m[1] - '1')
		switch {
		case i >= len(args):
			return "?"
		case t.bytes == i+1:
			return formatBytes(lang, args[i])
		}
		return args[i]
	}), true
}

// legacyReason words a sentence stored before reasons had codes.
func legacyReason(lang, why string) (string, bool) {
	for _, e := range legacyReasons {
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
		return out, true
	}
	return "", false
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
