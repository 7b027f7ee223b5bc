package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"slices"
	"strings"
	texttemplate "text/template"
)

// Kind names one email codev sends. It is stored with every sent message
// (DOMAIN.md §2.2: one send job per session, kind and member), so a Kind's
// value must never change; the numbers in the comments refer to the
// timeline of DOMAIN.md §2.1.
type Kind string

// The kinds of email, each with its French and English templates in
// fr/KIND.tmpl and en/KIND.tmpl.
const (
	// Welcome (#1) welcomes a member at cycle start: group, animator, the
	// dates and who is client when (Data.Sessions), the charter, the
	// privacy notice and the personal calendar feed (Links.Feed,
	// Links.FeedWebcal). It asks for CharterAcceptance by reply.
	Welcome Kind = "welcome"
	// CharterReminder is the single reminder of Welcome (T0+5). It has the
	// same subject, so that mail clients thread the two.
	CharterReminder Kind = "charter_reminder"
	// Invitation is the text accompanying a calendar invitation for
	// Data.Session. Session.Rescheduled gives the "new time" variant,
	// which also shows Session.PreviousWhen. Links.Accept and
	// Links.Decline are optional fallbacks to the iTIP buttons.
	Invitation Kind = "invitation"
	// Cancellation is the text accompanying a CANCEL of Data.Session.
	Cancellation Kind = "cancellation"
	// RotationPlan (#3, planned mode) shows the proposed order of clients
	// (Data.Sessions) and asks for preferred and impossible sessions.
	RotationPlan Kind = "rotation_plan"
	// Prepare (#4) tells the client of Data.Session that their turn is
	// coming and asks the preparation questionnaire of DOMAIN.md §1.5,
	// wanted by Data.Deadline.
	Prepare Kind = "prepare"
	// PrepareReminder (#6) is the single reminder of Prepare, with the
	// same subject and questions.
	PrepareReminder Kind = "prepare_reminder"
	// CallForTopics (#5, open mode) asks every member for a one-line 3P
	// title for Data.Session, shared with the group only on opt-in.
	CallForTopics Kind = "call_for_topics"
	// Followup (#7) asks the previous client (client of Data.Previous)
	// « Où en sont vos expérimentations ? » before Data.Session.
	Followup Kind = "followup"
	// FollowupReminder is the single reminder of Followup (D−5), with the
	// same subject and questions, so that the answer reaches the digest.
	FollowupReminder Kind = "followup_reminder"
	// AnimatorDigest (#8) gives the animator what they need to prepare
	// Data.Session (Data.Digest, required). It is not called Digest
	// because that is the name of its data.
	AnimatorDigest Kind = "digest"
	// SessionReminder (#9) recalls date, time, video link and the frame of
	// Data.Session, with no 3P content.
	SessionReminder Kind = "session_reminder"
	// ClientPlan (#11 merged with #12) asks the client of the session just
	// held for their action plan, the step-6 questions and a rating.
	ClientPlan Kind = "client_plan"
	// PlanReminder is the single reminder of ClientPlan (D+2), with the
	// same subject and questions.
	PlanReminder Kind = "plan_reminder"
	// Learnings (#12) asks every consultant the step-6 questions of
	// DOMAIN.md §1.9 after the session.
	Learnings Kind = "learnings"
	// Summary (#13) gives the animator the aggregated evaluations and the
	// client's plan (Data.Summary, required).
	Summary Kind = "summary"
	// Nudge (#14) asks the client, lightly, whether they have taken a
	// first step; it expects no answer.
	Nudge Kind = "nudge"
	// Review (#15) closes the cycle: questions, and the member's own
	// history (Data.History, Links.Export).
	Review Kind = "review"
	// RetentionWarning (#16) tells a member their free text will be purged
	// on Data.PurgeDate and offers Links.Export (both required).
	RetentionWarning Kind = "retention_warning"
	// AnimatorNotice (#10 and other events) tells the animator about
	// Data.Notice (required): a decline, a client's decline with a swap to
	// confirm, a bounce, a held or an oversize message, or (open mode) the
	// topics proposed for Data.Session, to choose the client from.
	AnimatorNotice Kind = "animator_notice"
	// SignIn sends an animator a one-time sign-in link (Links.SignIn,
	// required, valid 15 minutes).
	SignIn Kind = "sign_in"
)

// kinds lists every Kind in timeline order; New requires a template for
// each in every language.
var kinds = []Kind{
	Welcome, CharterReminder, Invitation, Cancellation, RotationPlan, Prepare,
	PrepareReminder, CallForTopics, Followup, FollowupReminder, AnimatorDigest, SessionReminder, ClientPlan,
	PlanReminder, Learnings, Summary, Nudge, Review, RetentionWarning,
	AnimatorNotice, SignIn,
}

// forAnimator lists the kinds only the animator receives; their footer
// says why the animator gets them instead of offering contact details.
var forAnimator = map[Kind]bool{AnimatorDigest: true, Summary: true, AnimatorNotice: true, SignIn: true}

// langs are the supported languages.
var langs = []string{"fr", "en"}

// Kinds returns every Kind, in timeline order, so that callers (previews,
// tests) can walk them all.
func Kinds() []Kind { return slices.Clone(kinds) }

// Languages returns the supported values of Data.Lang.
func Languages() []string { return slices.Clone(langs) }

// Errors returned by Render, to be tested with errors.Is.
var (
	// ErrUnknownKind: the kind is not one of Kinds.
	ErrUnknownKind = errors.New("templates: unknown kind")
	// ErrUnknownLanguage: Data.Lang is not one of Languages.
	ErrUnknownLanguage = errors.New("templates: unknown language")
	// ErrMissingData: a field the kind cannot do without is empty, such as
	// Links.Preferences (every footer) or Data.Digest for AnimatorDigest.
	ErrMissingData = errors.New("templates: missing data")
)

// Rendered is one email ready for the mail package: a one-line Subject, a
// complete plain-text part and an HTML part with the same content.
type Rendered struct {
	// Subject is stable per conversation and free of any answer: group
	// tag, session and kind of email only (DOMAIN.md §3 rule 2).
	Subject string
	// Text is the text/plain part, UTF-8, lines ending in "\n", the
	// footer after a "-- " signature line. The mail package encodes it
	// (quoted-printable) and turns line ends into CRLF.
	Text string
	// HTML is the text/html part, a complete UTF-8 document.
	HTML string
}

//go:embed fr/*.tmpl en/*.tmpl
var embedded embed.FS

// commonFile holds the blocks every email of a language shares (page
// layout, footer, question lists); each kind's file defines "subject",
// "text" and "html".
const commonFile = "common.tmpl"

// Set holds every template, parsed once. It is immutable and safe for
// concurrent use.
type Set struct {
	entries map[entryKey]entry
}

type entryKey struct {
	lang string
	kind Kind
}

type entry struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// New parses the embedded templates and renders each of them once with
// sample data, so that a syntax error, a misspelt field or an HTML
// escaping problem stops the program at start rather than at the first
// send.
func New() (*Set, error) {
	return newFromFS(embedded)
}

// newFromFS is New on any file system laid out as fr/*.tmpl and
// en/*.tmpl, so that tests can feed it broken templates.
func newFromFS(fsys fs.FS) (*Set, error) {
	s := &Set{entries: make(map[entryKey]entry)}
	for _, lang := range langs {
		if err := s.parseLang(fsys, lang); err != nil {
			return nil, err
		}
	}
	for _, lang := range langs {
		for _, kind := range kinds {
			for _, d := range samples(lang, kind) {
				if _, err := s.Render(kind, d); err != nil {
					return nil, fmt.Errorf("templates: checking %s/%s: %w", lang, kind, err)
				}
			}
		}
	}
	return s, nil
}

// parseLang parses every kind of one language and rejects stray files,
// which are most likely a misspelt kind.
func (s *Set) parseLang(fsys fs.FS, lang string) error {
	names, err := fs.Glob(fsys, lang+"/*.tmpl")
	if err != nil {
		return fmt.Errorf("templates: listing %s: %w", lang, err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(name[len(lang)+1:], ".tmpl")
		if base+".tmpl" != commonFile && !slices.Contains(kinds, Kind(base)) {
			return fmt.Errorf("templates: %s is not a known kind", name)
		}
	}
	for _, kind := range kinds {
		e, err := parseKind(fsys, lang, kind)
		if err != nil {
			return err
		}
		s.entries[entryKey{lang, kind}] = e
	}
	return nil
}

// parseKind builds the text and HTML trees of one kind: the language's
// common blocks plus the kind's own file, which must define "subject",
// "text" and "html". French files get French spacing (frenchSpacing) as
// they are read.
func parseKind(fsys fs.FS, lang string, kind Kind) (entry, error) {
	text := texttemplate.New(string(kind)).Funcs(textFuncs)
	html := htmltemplate.New(string(kind)).Funcs(htmlFuncs)
	for _, name := range []string{lang + "/" + commonFile, lang + "/" + string(kind) + ".tmpl"} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return entry{}, fmt.Errorf("templates: reading %s: %w", name, err)
		}
		src := string(b)
		if lang == "fr" {
			src = frenchSpacing(src)
		}
		if _, err := text.New(name).Parse(src); err != nil {
			return entry{}, fmt.Errorf("templates: parsing %s/%s text: %w", lang, kind, err)
		}
		if _, err := html.New(name).Parse(src); err != nil {
			return entry{}, fmt.Errorf("templates: parsing %s/%s html: %w", lang, kind, err)
		}
	}
	for _, name := range []string{"subject", "text", "text_page", "html_page"} {
		if text.Lookup(name) == nil {
			return entry{}, fmt.Errorf("templates: %s/%s defines no %q", lang, kind, name)
		}
	}
	if html.Lookup("html") == nil {
		return entry{}, fmt.Errorf("templates: %s/%s defines no %q", lang, kind, "html")
	}
	return entry{text: text, html: html}, nil
}

// view is what templates execute on: the caller's Data plus what Render
// works out, so that templates never compute.
type view struct {
	Data
	Kind Kind
	// Subject is the rendered subject, for the HTML title.
	Subject string
	// ForAnimator is set on kinds only the animator receives.
	ForAnimator bool
	// Rating is the number of the rating question, 0 if none.
	Rating int
}

// Render renders one email of kind in d.Lang. It fills d.Questions from
// Questions(kind, d.Lang) and returns ErrUnknownKind, ErrUnknownLanguage,
// ErrMissingData (wrapped, with the missing field) or a template
// execution error.
func (s *Set) Render(kind Kind, d Data) (Rendered, error) {
	if !slices.Contains(kinds, kind) {
		return Rendered{}, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	e, ok := s.entries[entryKey{d.Lang, kind}]
	if !ok {
		return Rendered{}, fmt.Errorf("%w: %q", ErrUnknownLanguage, d.Lang)
	}
	if err := check(kind, d); err != nil {
		return Rendered{}, err
	}
	d.Questions = Questions(kind, d.Lang)
	v := view{Data: d, Kind: kind, ForAnimator: forAnimator[kind]}
	for _, q := range d.Questions {
		if q.Rating {
			v.Rating = q.Number
		}
	}

	var buf bytes.Buffer
	if err := e.text.ExecuteTemplate(&buf, "subject", v); err != nil {
		return Rendered{}, fmt.Errorf("templates: rendering %s/%s subject: %w", d.Lang, kind, err)
	}
	v.Subject = oneLine(buf.String())
	if v.Subject == "" {
		return Rendered{}, fmt.Errorf("templates: %s/%s: empty subject", d.Lang, kind)
	}

	buf.Reset()
	if err := e.text.ExecuteTemplate(&buf, "text_page", v); err != nil {
		return Rendered{}, fmt.Errorf("templates: rendering %s/%s text: %w", d.Lang, kind, err)
	}
	text := tidy(buf.String())

	buf.Reset()
	if err := e.html.ExecuteTemplate(&buf, "html_page", v); err != nil {
		return Rendered{}, fmt.Errorf("templates: rendering %s/%s html: %w", d.Lang, kind, err)
	}
	return Rendered{Subject: v.Subject, Text: text, HTML: tidy(buf.String())}, nil
}

// check refuses data a kind cannot be rendered without, rather than send
// an email with a hole in it.
func check(kind Kind, d Data) error {
	missing := func(field string) error {
		return fmt.Errorf("%w: %s needs %s", ErrMissingData, kind, field)
	}
	switch {
	case d.Links.Preferences == "":
		return missing("Links.Preferences")
	case kind == AnimatorDigest && d.Digest == nil:
		return missing("Digest")
	case kind == Summary && d.Summary == nil:
		return missing("Summary")
	case kind == AnimatorNotice && d.Notice == nil:
		return missing("Notice")
	case kind == AnimatorNotice && !slices.Contains(noticeTypes, d.Notice.Type):
		return fmt.Errorf("%w: unknown notice type %q", ErrMissingData, d.Notice.Type)
	case kind == AnimatorNotice && d.Notice.Type == NoticeTopics && len(d.Notice.Topics) == 0:
		return missing("Notice.Topics")
	case kind == SignIn && d.Links.SignIn == "":
		return missing("Links.SignIn")
	case kind == RetentionWarning && (d.PurgeDate == "" || d.Links.Export == ""):
		return missing("PurgeDate and Links.Export")
	}
	return nil
}

var noticeTypes = []string{NoticeDecline, NoticeClientDecline, NoticeBounce, NoticeHeld, NoticeOversize, NoticeTopics}

// tidy lets templates be written for readability: it removes trailing
// blanks, collapses runs of blank lines left by actions into one, and
// trims the ends. The signature delimiter "-- " keeps its trailing space,
// which mail clients need to recognise it.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, line := range lines {
		if line != "-- " {
			line = strings.TrimRight(line, " \t")
		}
		if line == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, line)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

// oneLine joins a subject's words with single spaces. Only ASCII blanks
// separate words: the no-break spaces of French typography stay.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}), " ")
}
