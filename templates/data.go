package templates

// Data is the view model of one email. The domain fills it; templates only
// format it. Every string is shown as given (already formatted and, for the
// HTML part, escaped by html/template), so dates, durations and averages
// are formatted by the caller, in the recipient's language, with
// FormatDateTime, FormatDate and Agenda.
//
// Fields a kind does not use are ignored, and optional sections of an email
// disappear when their field is empty. The doc comment of each Kind says
// which fields it reads.
type Data struct {
	// Lang is the group's language, "fr" or "en". It picks the templates,
	// the question wording and the HTML lang attribute.
	Lang string

	// Group names the group and its animator in every subject and footer.
	Group Group

	// Recipient is the person the email is addressed to (greeting only).
	Recipient Person

	// RecipientIsClient is set when the recipient is the client of
	// Session: the invitation and the session reminder then address them
	// as the client rather than list them as one.
	RecipientIsClient bool

	// RecipientIsAnimator is set when the recipient animates the group:
	// the invitation and the session reminder then do not tell them that
	// the animator will hear of their answer.
	RecipientIsAnimator bool

	// Session is the session the email is about: the upcoming one for
	// invitations, preparation, follow-up, digest and reminders; the one
	// just held for client plans, learnings, summaries and nudges.
	Session Session

	// Previous is the session before Session, the one where the previous
	// client was client. Followup uses it to recall that session's date.
	Previous Session

	// Sessions lists every session of the cycle with its client, for the
	// welcome email and the rotation plan.
	Sessions []Session

	// Questions is filled by Render from Questions(kind, Lang); any value
	// set by the caller is replaced, so wording lives in one place.
	Questions []Question

	// Deadline is the date by which an answer is wanted, formatted with
	// FormatDate (e.g. the preparation's D−7). Empty means no date is given.
	Deadline string

	// Links are the absolute URLs an email may carry.
	Links Links

	// Digest is required by the AnimatorDigest kind.
	Digest *Digest

	// Summary is required by the Summary kind.
	Summary *SummaryData

	// Notice is required by the AnimatorNotice kind.
	Notice *Notice

	// History is the recipient's own history for the Review kind: what
	// they wrote during the cycle, session by session.
	History []HistoryItem

	// PurgeDate is the date free text will be deleted, formatted with
	// FormatDate; required by RetentionWarning.
	PurgeDate string
}

// Group describes the group as emails present it. It carries no member
// list: emails never show other members' addresses.
type Group struct {
	// Name is the group's display name, e.g. "Managers Lyon". Subjects are
	// tagged "[Codev Name]" so that people can filter them.
	Name string
	// VideoURL is the video-conference link of the sessions.
	VideoURL string
	// AnimatorName and AnimatorEmail name the group's animator in footers,
	// so that members know whom to write to with a question.
	AnimatorName  string
	AnimatorEmail string
	// Members is the number of members (the animator excluded).
	Members int
	// Sessions is the number of sessions in the cycle.
	Sessions int
	// RetentionMonths is how many months after the cycle ends free text is
	// purged (DOMAIN.md §3 rule 6), stated in the welcome's privacy notice. Zero
	// means the notice does not give a number.
	RetentionMonths int
	// OpenRotation is set in open mode (DOMAIN.md §1.6), where the client
	// of a session is chosen among the topics proposed: only then do
	// emails and agendas speak of choosing the topic.
	OpenRotation bool
}

// Person is a recipient or a member, as named in an email.
type Person struct {
	// Name is the full name, first name first. Greetings use its first
	// name (FirstName: « Bonjour Chloé, »); empty gives a greeting without
	// a name.
	Name string
	// Email is the person's address. Templates do not show it: the mail
	// package addresses the message with it.
	Email string
}

// Session is one session as emails present it. All text is preformatted in
// the recipient's language and time zone.
type Session struct {
	// Number is the session's rank in the cycle (1-based) and Count the
	// number of sessions, shown as "Séance 2/6". Number 0 means the email
	// is not about one session (some animator notices).
	Number, Count int
	// When is the full date and time with its zone, from FormatDateTime.
	When string
	// Date is the date alone, from FormatDate.
	Date string
	// Duration is the session length as words, e.g. "2 h" or "2 hours".
	Duration string
	// Client is the name of the session's client, or empty when the
	// client is not chosen yet (open mode).
	Client string
	// Rescheduled selects the "new time" variant of the invitation, and
	// PreviousWhen is the time it replaces (FormatDateTime), so that the
	// email says both the old and the new date; it is empty when the old
	// time is not known.
	Rescheduled  bool
	PreviousWhen string
	// Updated selects the "updated invitation" variant: the session keeps
	// its time but its invitation changed (video link, length, a session
	// restored after a cancellation).
	Updated bool
	// Cancelled marks a cancelled session in session lists.
	Cancelled bool
}

// Links holds the absolute URLs an email may carry. Empty links are left
// out, except Preferences, which every email needs for its footer
// (DOMAIN.md §2.3), so Render refuses data without it.
type Links struct {
	// Feed is the member's personal calendar feed over https (for Google
	// Calendar) and FeedWebcal the same feed as webcal:// (Apple, Outlook).
	Feed       string
	FeedWebcal string
	// Preferences is the notification preferences page (pause, unsubscribe
	// from optional messages), linked from every footer.
	Preferences string
	// Unsubscribe is the one-click unsubscribe URL. The mail package puts
	// it in List-Unsubscribe; bodies link Preferences instead, which
	// explains what unsubscribing stops.
	Unsubscribe string
	// Export downloads the member's own data (review, retention warning).
	Export string
	// Erasure lets a member ask for their free text to be erased. Without
	// it the welcome says to write to the animator.
	Erasure string
	// SignIn is the animator's one-time sign-in link, valid 15 minutes.
	SignIn string
	// Accept and Decline are signed RSVP links shown with an invitation,
	// for calendar clients that cannot answer the attached invitation.
	Accept, Decline string
	// Admin is where the animator reviews held messages.
	Admin string
}

// Answer is one answer to a numbered question, as shown back to the
// animator (digest, summary) or to its author (review). Question is the
// question's text as it was asked; Text is the answer, possibly several
// lines. Answers with empty Text are not shown.
type Answer struct {
	Number   int
	Question string
	Text     string
}

// Digest is what the animator receives two days before a session
// (DOMAIN.md §2.1 #8). Empty sections are left out of the email; whether a
// digest with nothing new is sent at all is the caller's decision.
type Digest struct {
	// Client is the upcoming client's name, Preparation their answers to
	// the preparation questionnaire, and Contract the first wording of
	// their request to the group (question 7).
	Client      string
	Preparation []Answer
	Contract    string
	// PreviousClient is the previous session's client, PreviousPlan the
	// action plan they wrote and Followup their answers to "Où en sont vos
	// expérimentations ?".
	PreviousClient string
	PreviousPlan   []Answer
	Followup       []Answer
	// RSVPs are the members' answers to the invitation.
	RSVPs []RSVP
	// Regulation holds last session's regulation notes and open points.
	Regulation []string
	// Agenda is the proposed timing of the session, usually from Agenda.
	Agenda []AgendaItem
	// Rotation shows who has had their turn as client in this cycle.
	Rotation []Turn
	// Unanswered lists requests still waiting for an answer, one line
	// each, from PendingLine: « Alice Dupont — questionnaire de
	// préparation (envoi du mardi 22 décembre 2026) ».
	Unanswered []string
	// Held lists messages held for review: sender and reason (put in the
	// group's language with ReasonText), never content.
	Held []string
}

// RSVP is one member's answer to a session invitation. Status is the
// iCalendar PARTSTAT in lower case: "accepted", "declined", "tentative" or
// "needs-action"; templates put it in words.
type RSVP struct {
	Name   string
	Status string
}

// Turn is one slot of the client rotation: session Number, the member
// Name, and Done once that member has had their turn.
type Turn struct {
	Number int
	Name   string
	Done   bool
}

// SummaryData is the animator's summary after a session (DOMAIN.md §2.1
// #13). It holds no names: evaluations are aggregated so that nothing
// identifies who wrote what.
type SummaryData struct {
	// Responses is the number of evaluations received; zero leaves the
	// evaluation section out.
	Responses int
	// AverageRating is the mean of Ratings, formatted by the caller in the
	// group's language ("4,2" or "4.2").
	AverageRating string
	// Ratings are the individual ratings, 1 to 5, in any order; they are
	// shown highest first, so that their order identifies nobody.
	Ratings []int
	// Learnings and Regulation are the answers to the step-6 questions on
	// learnings and on the frame, one line each, without names.
	Learnings  []string
	Regulation []string
	// Plan is the client's action plan (the session's client is
	// Data.Session.Client).
	Plan []Answer
}

// Notice types of AnimatorNotice.
const (
	// NoticeDecline: a member declined a session (DOMAIN.md §2.1 #10).
	NoticeDecline = "decline"
	// NoticeClientDecline: the session's client declined; SwapWith, when
	// set, is the member proposed to take their place, which the animator
	// confirms by replying SwapConfirmation(lang).
	NoticeClientDecline = "client_decline"
	// NoticeBounce: a member's address bounced permanently.
	NoticeBounce = "bounce"
	// NoticeHeld: a reply was held for review (invalid token, sender
	// mismatch, answer not understood).
	NoticeHeld = "held"
	// NoticeOversize: an incoming message was over the size limit.
	NoticeOversize = "oversize"
	// NoticeTopics (open mode): the topics proposed in answer to the call
	// for topics of Data.Session (Topics, required), for the animator to
	// choose the client by replying with a number or a name.
	NoticeTopics = "topics"
)

// Notice is the subject of an AnimatorNotice. Member and Address name the
// person concerned (either may be empty when unknown); SwapWith is the
// proposed replacement client for NoticeClientDecline; Topics are the
// proposals of NoticeTopics. Reason is, for a decline, the comment the
// member wrote with it, shown as written; for the other types, the
// reason recorded by codev (a workflow.ReasonCode and its numbers, never
// message content), which the email words in the group's language with
// ReasonText.
type Notice struct {
	Type     string
	Member   string
	Address  string
	Reason   string
	SwapWith string
	Topics   []Topic
}

// Topic is one proposal in answer to the call for topics, as the animator
// sees it: its Number (what the animator replies to choose it), the
// proposer's Name and the one-line Title. The animator sees every title;
// Shared says whether its author agreed to it being shared with the group,
// which the email states next to it. Titles never reach a subject.
type Topic struct {
	Number int
	Name   string
	Title  string
	Shared bool
}

// HistoryItem is one session in a member's own history: the session's
// Number and Date (FormatDate), Role "client" or "consultant" (put in
// words by the templates), and Items, the member's answers in that
// session.
type HistoryItem struct {
	Number int
	Date   string
	Role   string
	Items  []Answer
}
