package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/codev-org/codev/workflow"
)

// messages holds the pages' wording: French, then English. Keys with verbs
// take fmt arguments.
var messages = map[string][2]string{
	"admin":                {"admin", "admin"},
	"logout":               {"Se déconnecter", "Sign out"},
	"login.title":          {"Connexion", "Sign in"},
	"login.intro":          {"Saisissez votre adresse : si elle est celle d'un·e animateur·rice, vous recevrez un lien de connexion valable 15 minutes, utilisable une fois.", "Enter your address: if it belongs to a facilitator, you will receive a sign-in link, valid for 15 minutes and usable once."},
	"login.email":          {"Adresse e-mail", "Email address"},
	"login.send":           {"Recevoir un lien", "Send me a link"},
	"login.invalid":        {"Cette adresse n'est pas valide.", "This address is not valid."},
	"sent.title":           {"Vérifiez votre messagerie", "Check your inbox"},
	"sent.body":            {"Si cette adresse est connue, un lien de connexion vient d'y être envoyé. Il est valable 15 minutes et ne fonctionne qu'une fois.", "If this address is known, a sign-in link has just been sent to it. It is valid for 15 minutes and works only once."},
	"sent.again":           {"Demander un autre lien", "Ask for another link"},
	"confirm.title":        {"Se connecter à codev", "Sign in to codev"},
	"confirm.body":         {"Confirmez pour ouvrir votre session. Le lien ne servira plus ensuite.", "Confirm to open your session. The link will not work again afterwards."},
	"confirm.button":       {"Me connecter", "Sign me in"},
	"link.title":           {"Lien expiré ou déjà utilisé", "Link expired or already used"},
	"link.body":            {"Ce lien de connexion a expiré (15 minutes) ou a déjà servi. Demandez-en un nouveau.", "This sign-in link has expired (15 minutes) or was already used. Ask for a new one."},
	"back.groups":          {"Retour à mes groupes", "Back to my groups"},
	"groups.title":         {"Mes groupes", "My groups"},
	"groups.next":          {"prochaine séance :", "next session:"},
	"groups.held":          {"%d message(s) à examiner", "%d message(s) to review"},
	"groups.none":          {"Vous n'animez aucun groupe.", "You facilitate no group."},
	"admin.title":          {"Administration", "Administration"},
	"admin.jobs":           {"File de tâches (River)", "Job queue (River)"},
	"admin.unmatched":      {"Messages sans groupe", "Messages matched to no group"},
	"held.title":           {"Messages à examiner", "Messages to review"},
	"held.none":            {"Aucun message en attente.", "No message waiting."},
	"held.reason":          {"Motif :", "Reason:"},
	"held.member":          {"Réponse de", "Reply from"},
	"held.apply":           {"Appliquer à ce membre", "Apply to this member"},
	"held.ignore":          {"Ignorer", "Ignore"},
	"group.feed":           {"Calendrier du groupe :", "Group calendar:"},
	"feed.rotate.group":    {"Changer le lien du calendrier", "Change the calendar link"},
	"feed.rotate.member":   {"Changer son lien de calendrier", "Change their calendar link"},
	"feed.rotate.help":     {"L'ancien lien cessera aussitôt de fonctionner.", "The old link stops working at once."},
	"sessions.title":       {"Séances", "Sessions"},
	"session.n":            {"Séance %d", "Session %d"},
	"session.cancelled":    {"annulée", "cancelled"},
	"session.past":         {"passée", "past"},
	"session.client":       {"Client·e :", "Client:"},
	"session.noclient":     {"pas encore choisi·e", "not chosen yet"},
	"session.rsvps":        {"Réponses aux invitations : %d acceptée(s) sur %d", "Invitation answers: %d accepted of %d"},
	"session.requests":     {"Questionnaires (%d)", "Questionnaires (%d)"},
	"session.actions":      {"Modifier cette séance", "Change this session"},
	"answers.show":         {"Voir les réponses", "Show the answers"},
	"status.pending":       {"à envoyer", "to be sent"},
	"status.sending":       {"en cours d'envoi", "sending"},
	"status.sent":          {"envoyé", "sent"},
	"status.reminded":      {"relancé", "reminded"},
	"status.answered":      {"répondu", "answered"},
	"status.failed":        {"échec d'envoi", "delivery failed"},
	"status.skipped":       {"non envoyé", "not sent"},
	"rsvp.accepted":        {"accepte", "accepted"},
	"rsvp.declined":        {"décline", "declined"},
	"rsvp.tentative":       {"peut-être", "maybe"},
	"rsvp.none":            {"pas de réponse", "no answer"},
	"action.newtime":       {"Nouvelle date et heure (%s)", "New date and time (%s)"},
	"action.reschedule":    {"Déplacer", "Reschedule"},
	"action.swapwith":      {"Échanger le ou la client·e avec", "Swap the client with"},
	"action.swap":          {"Échanger", "Swap"},
	"action.resendto":      {"Renvoyer l'invitation à", "Resend the invitation to"},
	"action.resend":        {"Renvoyer", "Resend"},
	"action.cancelconfirm": {"Je confirme l'annulation", "I confirm the cancellation"},
	"action.cancel":        {"Annuler la séance", "Cancel the session"},
	"members.title":        {"Membres", "Members"},
	"members.name":         {"Nom", "Name"},
	"members.status":       {"État", "Status"},
	"members.actions":      {"Actions", "Actions"},
	"members.animator":     {"animateur·rice", "facilitator"},
	"members.inactive":     {"parti·e", "left"},
	"members.paused":       {"en pause", "paused"},
	"members.bounced":      {"adresse en échec", "address bounced"},
	"members.pause":        {"Mettre en pause", "Pause"},
	"members.resume":       {"Reprendre", "Resume"},
	"members.charter":      {"Charte", "Charter"},
	"done.rescheduled":     {"Séance déplacée : les participant·e·s reçoivent une invitation mise à jour.", "Session rescheduled: participants get an updated invitation."},
	"done.cancelled":       {"Séance annulée : les participant·e·s reçoivent l'annulation.", "Session cancelled: participants get the cancellation."},
	"done.swapped":         {"Client·e·s échangé·e·s.", "Clients swapped."},
	"done.paused":          {"Membre mis·e en pause.", "Member paused."},
	"done.resumed":         {"Pause terminée.", "Pause ended."},
	"done.resent":          {"Invitation renvoyée.", "Invitation resent."},
	"done.applied":         {"Message appliqué au membre.", "Message applied to the member."},
	"done.ignored":         {"Message ignoré et supprimé.", "Message ignored and deleted."},
	"done.feed":            {"Nouveau lien de calendrier créé ; l'ancien ne fonctionne plus.", "New calendar link created; the old one no longer works."},
	"forbidden.title":      {"Accès refusé", "Access denied"},
	"forbidden.body":       {"Vous n'animez pas ce groupe.", "You do not facilitate this group."},
	"csrf.body":            {"Le formulaire a expiré ou ne vient pas de codev. Rechargez la page et recommencez.", "The form expired or did not come from codev. Reload the page and try again."},
	"notfound.title":       {"Introuvable", "Not found"},
	"notfound.body":        {"Cette page n'existe pas.", "This page does not exist."},
	"toomany.title":        {"Trop de demandes", "Too many requests"},
	"toomany.body":         {"Trop de demandes en peu de temps. Réessayez dans quelques minutes.", "Too many requests in a short time. Try again in a few minutes."},
	"error.title":          {"Erreur", "Error"},
	"error.body":           {"Une erreur est survenue. Réessayez plus tard.", "Something went wrong. Try again later."},
	"invalid.title":        {"Demande refusée", "Request refused"},
}

// t returns the wording of key in lang, formatted with args. An unknown
// key is returned as is, so a typo shows on the page rather than failing
// the render.
func t(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == workflow.LangEN {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// acceptLanguage picks French or English from the Accept-Language header:
// the first of the two by preference, French when neither is listed.
func acceptLanguage(r *http.Request) string {
	best, bestQ := workflow.LangFR, -1.0
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == workflow.LangFR || base == workflow.LangEN) && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}
