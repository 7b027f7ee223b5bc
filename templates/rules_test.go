package templates

import (
	"errors"
	"fmt"
	"html"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// These tests check the rules of DOMAIN.md §2 to §4 on every email of the
// fixture, so that a new template cannot break them unnoticed.

// freeText returns every piece of text a member or the animator wrote in
// the fixture (answers, notes, reasons), which must never reach a subject.
func freeText(d Data) []string {
	var out []string
	add := func(as []Answer) {
		for _, a := range as {
			out = append(out, a.Text)
		}
	}
	if g := d.Digest; g != nil {
		add(g.Preparation)
		add(g.PreviousPlan)
		add(g.Followup)
		out = append(out, g.Contract)
		out = append(out, g.Regulation...)
		out = append(out, g.Unanswered...)
		out = append(out, g.Held...)
	}
	if s := d.Summary; s != nil {
		add(s.Plan)
		out = append(out, s.Learnings...)
		out = append(out, s.Regulation...)
	}
	for _, h := range d.History {
		add(h.Items)
	}
	if d.Notice != nil {
		out = append(out, d.Notice.Reason)
		for _, t := range d.Notice.Topics {
			out = append(out, t.Title)
		}
	}
	var texts []string
	for _, s := range out {
		for _, line := range strings.Split(s, "\n") {
			if strings.TrimSpace(line) != "" {
				texts = append(texts, line)
			}
		}
	}
	return texts
}

func TestSubjects(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	subjects := map[string]string{} // lang/kind → subject
	for _, c := range goldenCases() {
		d := fixture(c.kind, c.lang, c.variant)
		r := render(t, s, c)
		if c.variant == "" {
			subjects[c.lang+"/"+string(c.kind)] = r.Subject
		}
		if !strings.HasPrefix(r.Subject, "[Codev Managers Lyon] ") {
			t.Errorf("%s/%s: subject %q does not start with the group tag", c.lang, c.name(), r.Subject)
		}
		if strings.ContainsAny(r.Subject, "\r\n") || len([]rune(r.Subject)) > 90 {
			t.Errorf("%s/%s: subject %q is not one short line", c.lang, c.name(), r.Subject)
		}
		for _, text := range freeText(d) {
			if strings.Contains(strings.ToLower(r.Subject), strings.ToLower(strings.TrimSpace(text))) {
				t.Errorf("%s/%s: subject %q contains answer text %q", c.lang, c.name(), r.Subject, text)
			}
		}
		// Stable per conversation: the subject does not depend on the
		// time, so a rescheduled invitation keeps its thread.
		if c.kind == Invitation && c.variant == "rescheduled" && r.Subject != subjects[c.lang+"/"+string(Invitation)] {
			t.Errorf("%s: rescheduled invitation subject %q differs from the invitation's", c.lang, r.Subject)
		}
		if strings.Contains(r.Subject, d.Session.When) && d.Session.When != "" {
			t.Errorf("%s/%s: subject %q holds the session time, so it would change on a reschedule", c.lang, c.name(), r.Subject)
		}
	}
	for reminder, ask := range reminded {
		if reminder == CharterReminder {
			// The charter reminder has a subject of its own: a second
			// « Bienvenue » days later reads as a duplicate. It is
			// threaded under the welcome by In-Reply-To.
			continue
		}
		for _, lang := range Languages() {
			got, want := subjects[lang+"/"+string(reminder)], subjects[lang+"/"+string(ask)]
			if got != want {
				t.Errorf("%s: %s subject %q differs from %s subject %q: mail clients would not thread them", lang, reminder, got, ask, want)
			}
		}
	}
	// Every conversation but the reminders' has its own subject.
	seen := map[string]string{}
	for key, subject := range subjects {
		kind := Kind(key[strings.Index(key, "/")+1:])
		if _, ok := reminded[kind]; ok && kind != CharterReminder {
			continue
		}
		if other, ok := seen[subject]; ok {
			t.Errorf("%s and %s share the subject %q", key, other, subject)
		}
		seen[subject] = key
	}
}

var questionLine = regexp.MustCompile(`^\d+\. `)

func TestQuestionLines(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		r := render(t, s, c)
		var got []string
		for _, line := range strings.Split(r.Text, "\n") {
			if questionLine.MatchString(line) {
				got = append(got, line)
			}
		}
		var want []string
		for _, q := range Questions(c.kind, c.lang) {
			want = append(want, strconv.Itoa(q.Number)+". "+q.Text)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s/%s: question lines\n got  %q\n want %q", c.lang, c.name(), got, want)
		}
		if len(want) == 0 {
			continue
		}
		markers := map[string][]string{
			"fr": {"« 1. … »", "sous chaque question", "répondre à ce message"},
			"en": {`"1. …"`, "under each question", "reply to this email"},
		}[c.lang]
		for _, m := range markers {
			if c.lang == "fr" {
				m = frenchSpacing(m)
			}
			if !strings.Contains(r.Text, m) || !strings.Contains(stripHTML(r.HTML), collapse(m)) {
				t.Errorf("%s/%s: a questionnaire must explain how to answer (%q missing)", c.lang, c.name(), m)
			}
		}
	}
}

func TestQuestions(t *testing.T) {
	t.Parallel()
	counts := map[Kind]int{RotationPlan: 2, Prepare: 9, PrepareReminder: 9, CallForTopics: 2, Followup: 4, FollowupReminder: 4,
		ClientPlan: 5, PlanReminder: 5, Learnings: 4, Review: 5}
	ratings := map[Kind]int{ClientPlan: 5, PlanReminder: 5, Learnings: 4, Review: 4}
	// The requests that ask about sharing ask it as a yes/no question.
	consents := map[Kind]int{Prepare: 9, PrepareReminder: 9, CallForTopics: 2}
	yesNo := map[string][]string{"fr": {"oui ou non", "?"}, "en": {"yes or no", "?"}}
	scale := map[string]string{"fr": "de 1 à 5", "en": "from 1 to 5"}
	for _, kind := range Kinds() {
		for _, lang := range Languages() {
			qs := Questions(kind, lang)
			if len(qs) != counts[kind] {
				t.Errorf("%s/%s: %d questions, want %d", lang, kind, len(qs), counts[kind])
			}
			for i, q := range qs {
				if q.Number != i+1 || strings.ContainsAny(q.Text, "\r\n") || q.Text == "" {
					t.Errorf("%s/%s: bad question %+v", lang, kind, q)
				}
				if q.Rating != (q.Number == ratings[kind]) {
					t.Errorf("%s/%s: question %d rating = %v", lang, kind, q.Number, q.Rating)
				}
				if q.Consent != (q.Number == consents[kind]) {
					t.Errorf("%s/%s: question %d consent = %v", lang, kind, q.Number, q.Consent)
				}
				for _, w := range yesNo[lang] {
					if q.Consent && !strings.Contains(q.Text, w) {
						t.Errorf("%s/%s: consent question %q is not a yes/no question (%q missing)", lang, kind, q.Text, w)
					}
				}
				if q.Rating && !strings.Contains(q.Text, scale[lang]) {
					t.Errorf("%s/%s: rating question %q does not say %q", lang, kind, q.Text, scale[lang])
				}
			}
		}
	}
	if Questions(Prepare, "de") != nil {
		t.Error("Questions must be nil for an unknown language")
	}
	qs := Questions(Learnings, "fr")
	qs[0].Text = "changed"
	if Questions(Learnings, "fr")[0].Text == "changed" {
		t.Error("Questions must return a fresh slice")
	}
	// The wording of DOMAIN.md is kept as written.
	domain := map[Kind]string{
		Prepare:    "En une phrase : quel est votre problème, projet ou préoccupation ?",
		Followup:   "Qu'avez-vous essayé ?",
		Learnings:  "Qu'est-ce que je retiens de cette séance pour ma propre pratique ?",
		ClientPlan: "Quelles actions allez-vous expérimenter, d'ici quand, comment saurez-vous que ça avance, de quel soutien avez-vous besoin ?",
	}
	for kind, want := range domain {
		if got := Questions(kind, "fr")[0].Text; got != frenchSpacing(want) {
			t.Errorf("%s: first question %q, want %q", kind, got, want)
		}
	}
}

func TestFooter(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	labels := map[string]string{
		"fr": "Gérer mes notifications (pause, désabonnement des messages facultatifs)",
		"en": "Manage my notifications (pause, unsubscribe from optional emails)",
	}
	for _, c := range goldenCases() {
		d := fixture(c.kind, c.lang, c.variant)
		r := render(t, s, c)
		text := r.Text
		footer := text[strings.LastIndex(text, "\n-- \n"):]
		if !strings.Contains(footer, labels[c.lang]+": "+d.Links.Preferences) &&
			!strings.Contains(footer, labels[c.lang]+NBSP+": "+d.Links.Preferences) {
			t.Errorf("%s/%s: text footer lacks the preferences link:\n%s", c.lang, c.name(), footer)
		}
		if !strings.Contains(footer, d.Group.Name) {
			t.Errorf("%s/%s: text footer lacks the group name", c.lang, c.name())
		}
		if !forAnimator[c.kind] && !strings.Contains(footer, d.Group.AnimatorName) {
			t.Errorf("%s/%s: text footer lacks the animator's name", c.lang, c.name())
		}
		link := `<a href="` + d.Links.Preferences + `">` + html.EscapeString(labels[c.lang]) + `</a>`
		if !strings.Contains(r.HTML, link) {
			t.Errorf("%s/%s: HTML lacks %s", c.lang, c.name(), link)
		}
	}
}

var (
	tableTag  = regexp.MustCompile(`<table\b[^>]*>`)
	anchorTag = regexp.MustCompile(`(?s)<a\b([^>]*)>(.*?)</a>`)
	hrefAttr  = regexp.MustCompile(`href="([^"]*)"`)
	tagRe     = regexp.MustCompile(`(?s)<[^>]*>`)
	headRe    = regexp.MustCompile(`(?s)<head>.*</head>`)
)

// stripHTML returns the visible text of an email's HTML part: no head, no
// tags, entities decoded, whitespace collapsed.
func stripHTML(s string) string {
	s = headRe.ReplaceAllString(s, " ")
	s = tagRe.ReplaceAllString(s, " ")
	return collapse(html.UnescapeString(s))
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestHTMLAccessibility(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		r := render(t, s, c)
		h := r.HTML
		for _, want := range []string{
			`<!DOCTYPE html>`,
			`<html lang="` + c.lang + `">`,
			`<meta http-equiv="Content-Type" content="text/html; charset=utf-8">`,
			`<meta name="color-scheme" content="light dark">`,
			`<title>` + html.EscapeString(r.Subject) + `</title>`,
		} {
			if !strings.Contains(h, want) {
				t.Errorf("%s/%s: HTML lacks %s", c.lang, c.name(), want)
			}
		}
		for _, table := range tableTag.FindAllString(h, -1) {
			if !strings.Contains(table, `role="presentation"`) {
				t.Errorf("%s/%s: layout table without role=presentation: %s", c.lang, c.name(), table)
			}
		}
		if n := strings.Count(h, "<h1>"); n != 1 {
			t.Errorf("%s/%s: %d <h1>, want 1", c.lang, c.name(), n)
		}
		if strings.Contains(h, "<img") {
			t.Errorf("%s/%s: emails need no images", c.lang, c.name())
		}
		for _, a := range anchorTag.FindAllStringSubmatch(h, -1) {
			text := strings.ToLower(collapse(tagRe.ReplaceAllString(a[2], "")))
			w := words(text)
			if len([]rune(text)) < 8 || w["ici"] || w["here"] || w["lien"] || w["link"] {
				t.Errorf("%s/%s: link text %q does not say where it goes", c.lang, c.name(), text)
			}
		}
	}
}

var (
	urlRe   = regexp.MustCompile(`(?:https?|webcal)://[^\s"<>]+`)
	emailRe = regexp.MustCompile(`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`)
)

// fixtureStrings returns every string of d, Questions included, so that
// the text and HTML parts can be checked to carry the same ones.
func fixtureStrings(d Data) []string {
	var out []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if len([]rune(v.String())) >= 4 {
				out = append(out, v.String())
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(d))
	return out
}

// words splits visible text into lower-case words.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out[w] = true
	}
	return out
}

// TestTextAndHTMLSameContent checks that the plain-text part is complete
// (DOMAIN.md §4): the same links, the same dates, questions, names and
// answers, and no word in the HTML that the text lacks.
func TestTextAndHTMLSameContent(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		d := fixture(c.kind, c.lang, c.variant)
		d.Questions = Questions(c.kind, c.lang)
		r := render(t, s, c)
		text, visible := collapse(r.Text), stripHTML(r.HTML)
		textNoURLs := urlRe.ReplaceAllString(text, " ")

		// Links: every URL of the text is a link in the HTML and back.
		var hrefs []string
		for _, m := range hrefAttr.FindAllStringSubmatch(r.HTML, -1) {
			href := html.UnescapeString(m[1])
			if addr, ok := strings.CutPrefix(href, "mailto:"); ok {
				if !strings.Contains(text, addr) {
					t.Errorf("%s/%s: address %s is linked in HTML but missing from the text", c.lang, c.name(), addr)
				}
				continue
			}
			hrefs = append(hrefs, href)
		}
		textURLs := urlRe.FindAllString(r.Text, -1)
		slices.Sort(hrefs)
		slices.Sort(textURLs)
		if !slices.Equal(slices.Compact(hrefs), slices.Compact(textURLs)) {
			t.Errorf("%s/%s: links differ\n html %q\n text %q", c.lang, c.name(), hrefs, textURLs)
		}
		for _, addr := range emailRe.FindAllString(r.Text, -1) {
			if !strings.Contains(visible, addr) {
				t.Errorf("%s/%s: address %s is in the text but not visible in the HTML", c.lang, c.name(), addr)
			}
		}

		// Data: every date, name, question and answer is in both or in
		// neither.
		for _, str := range fixtureStrings(d) {
			str = collapse(str)
			if urlRe.MatchString(str) || emailRe.MatchString(str) {
				continue
			}
			inText, inHTML := strings.Contains(textNoURLs, str), strings.Contains(visible, str)
			if inText != inHTML {
				t.Errorf("%s/%s: %q in text: %v, in HTML: %v", c.lang, c.name(), str, inText, inHTML)
			}
		}
		for _, q := range d.Questions {
			if !strings.Contains(visible, collapse(q.Text)) {
				t.Errorf("%s/%s: question %d missing from the HTML", c.lang, c.name(), q.Number)
			}
		}

		// Wording: the HTML says nothing the text does not.
		textWords := words(text)
		for w := range words(visible) {
			if !textWords[w] {
				t.Errorf("%s/%s: the HTML says %q, the text part does not", c.lang, c.name(), w)
			}
		}
	}
}

var (
	// tutoiement catches "tu", "te", "toi", "ton", "ta", "tes" and "t'".
	tutoiement = regexp.MustCompile(`(?i)(^|[^\p{L}])(tu|te|toi|ton|ta|tes|t')([^\p{L}]|$)`)
	// jargon is coaching and sales wording the tone rules out, wording of
	// neighbouring methods, and « météo » (DOMAIN.md §1.3, §1.10).
	jargon = []string{"météo", "weather", "cliquez", "click here", "coach", "booster", "boost", "challenge",
		"gratuit", "for free", "offre spéciale", "special offer", "win-win", "gagnant", "incroyable", "amazing", "awesome",
		"intervision", "analyse de pratiques", "!"}
	// inclusive lists French role nouns and the inclusive ending that must
	// follow them (DOMAIN.md §1.10).
	inclusive = map[string]string{"client": "·e", "animateur": "·rice", "consultant": "·e", "participant": "·e"}
)

// ownWording returns what the templates wrote: the text part without the
// fixture's strings (names, answers) and links.
func ownWording(r Rendered, d Data) string {
	text := r.Subject + "\n" + r.Text
	strs := fixtureStrings(d)
	slices.SortFunc(strs, func(a, b string) int { return len(b) - len(a) })
	for _, s := range strs {
		text = strings.ReplaceAll(text, s, " ")
		for _, line := range strings.Split(s, "\n") {
			if len(line) >= 4 {
				text = strings.ReplaceAll(text, line, " ")
			}
		}
	}
	text = urlRe.ReplaceAllString(text, " ")
	return emailRe.ReplaceAllString(text, " ")
}

func TestTone(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		d := fixture(c.kind, c.lang, c.variant)
		own := ownWording(render(t, s, c), d)
		lower := strings.ToLower(own)
		for _, j := range jargon {
			if strings.Contains(lower, j) {
				t.Errorf("%s/%s: %q is not our tone", c.lang, c.name(), j)
			}
		}
		if c.lang != "fr" {
			continue
		}
		if m := tutoiement.FindString(own); m != "" {
			t.Errorf("%s/%s: tutoiement %q; emails use vous", c.lang, c.name(), m)
		}
		for noun, ending := range inclusive {
			for i := strings.Index(lower, noun); i >= 0; {
				if !strings.HasPrefix(lower[i+len(noun):], ending) {
					end := min(len(lower), i+len(noun)+10)
					t.Errorf("%s/%s: %q is not in its inclusive form %s%s", c.lang, c.name(), lower[i:end], noun, ending)
				}
				next := strings.Index(lower[i+1:], noun)
				if next < 0 {
					break
				}
				i += 1 + next
			}
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	ok := fixture(Welcome, "fr", "")
	noPrefs := ok
	noPrefs.Links.Preferences = ""
	noticeless := fixture(AnimatorNotice, "fr", "")
	noticeless.Notice = nil
	badNotice := fixture(AnimatorNotice, "fr", "")
	badNotice.Notice = &Notice{Type: "other"}
	noTopics := fixture(AnimatorNotice, "fr", NoticeTopics)
	noTopics.Notice.Topics = nil
	noSignIn := fixture(SignIn, "fr", "")
	noSignIn.Links.SignIn = ""
	badLink := ok
	badLink.Links.Feed = "/relative/feed.ics"
	cases := []struct {
		name string
		kind Kind
		data Data
		want error
	}{
		{"UnknownKind", Kind("newsletter"), ok, ErrUnknownKind},
		{"UnknownLanguage", Welcome, Data{Lang: "de", Links: ok.Links}, ErrUnknownLanguage},
		{"NoPreferences", Welcome, noPrefs, ErrMissingData},
		{"NoDigest", AnimatorDigest, ok, ErrMissingData},
		{"NoSummary", Summary, ok, ErrMissingData},
		{"NoNotice", AnimatorNotice, noticeless, ErrMissingData},
		{"UnknownNotice", AnimatorNotice, badNotice, ErrMissingData},
		{"NoTopics", AnimatorNotice, noTopics, ErrMissingData},
		{"NoSignInLink", SignIn, noSignIn, ErrMissingData},
		{"RelativeLink", Welcome, badLink, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.Render(tc.kind, tc.data)
			if err == nil {
				t.Fatal("Render succeeded, want an error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Render error %v, want %v", err, tc.want)
			}
		})
	}
}

// TestDigestOmitsEmptySections renders a digest with only an agenda: no
// empty heading may remain.
func TestDigestOmitsEmptySections(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, lang := range Languages() {
		d := fixture(AnimatorDigest, lang, "")
		d.Digest = &Digest{Agenda: Agenda(lang, sessionStart(2), paris, AgendaOptions{})}
		r, err := s.Render(AnimatorDigest, d)
		if err != nil {
			t.Fatal(err)
		}
		full := render(t, s, goldenCase{lang, AnimatorDigest, ""})
		headings := regexp.MustCompile(`(?m)^(.+)\n-+$`)
		var got []string
		for _, m := range headings.FindAllStringSubmatch(r.Text, -1) {
			got = append(got, m[1])
		}
		if len(got) != 2 { // the title and the agenda
			t.Errorf("%s: headings %q, want the title and the agenda only", lang, got)
		}
		if strings.Count(r.HTML, "<h2>") != 1 || strings.Count(full.HTML, "<h2>") < 8 {
			t.Errorf("%s: HTML sections not omitted when empty", lang)
		}
	}
}

// TestRenderConcurrently renders every email from many goroutines, for
// the race detector: a Set is shared by every send job.
func TestRenderConcurrently(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	var wg sync.WaitGroup
	for range 4 {
		for _, c := range goldenCases() {
			wg.Go(func() {
				if _, err := s.Render(c.kind, fixture(c.kind, c.lang, c.variant)); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
}

var (
	// spaceBeforePunct is an ordinary space where French typography wants
	// a no-break one (NBSP), and gluedPunct French punctuation with no
	// space at all.
	spaceBeforePunct = regexp.MustCompile(`\x20[:;?!]|«\x20|\x20»`)
	gluedPunct       = regexp.MustCompile(`[\p{L}\p{N})][:;?!]|«[^\x{a0}]|[^\x{a0}]»`)
	// Times and durations are written « 18 h 00 », « 2 h », with NBSP.
	breakableTime = regexp.MustCompile(`\d[\x20\x{202f}]h\b|\bh[\x20\x{202f}]\d{2}\b|\d[\x20\x{202f}]min\b`)
	frenchTime    = regexp.MustCompile(`\d{1,2}\x{a0}h\x{a0}\d{2}`)
	// pointDecimal is a number written with a decimal point.
	pointDecimal = regexp.MustCompile(`\d\.\d`)
	// otherInclusive catches inclusive forms other than the middle dot
	// with a plural in one piece (client·e, participant·es): a second dot
	// (participant·e·s), parentheses, slashes, points, hyphens, capitals,
	// and middle-dot look-alikes.
	otherInclusive = regexp.MustCompile(`\p{L}(?:·\p{L}+·|\((?:e|es|ne|rice)\)|/(?:e|es|rice)\b|\.(?:e|es|rice)\b|-(?:e|es)-|[•⋅∙](?:e|rice))|\p{Ll}(?:E|Es|RICE)\b`)
)

// frenchText returns what a reader sees of an email, subject, text part
// and HTML part, with what people wrote (answers, titles, comments) and
// links left out: people's own typography is theirs. No-break spaces are
// kept, unlike stripHTML.
func frenchText(r Rendered, d Data) []string {
	visible := headRe.ReplaceAllString(r.HTML, " ")
	visible = html.UnescapeString(tagRe.ReplaceAllString(visible, " "))
	parts := []string{r.Subject, r.Text, visible}
	for i, p := range parts {
		for _, text := range freeText(d) {
			p = strings.ReplaceAll(p, text, "X")
		}
		p = urlRe.ReplaceAllString(p, "URL")
		parts[i] = emailRe.ReplaceAllString(p, "EMAIL")
	}
	return parts
}

// TestFrenchTypography checks French typography on every French email,
// and that English ones do not borrow it: NBSP before « : ; ? ! », inside
// « », in « 18 h 00 » and « 2 h »; one kind of no-break space; decimal
// commas; « retour », never « feedback »; one inclusive form, the middle
// dot (client·e, participant·es).
func TestFrenchTypography(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		d := fixture(c.kind, c.lang, c.variant)
		r := render(t, s, c)
		for i, part := range frenchText(r, d) {
			where := fmt.Sprintf("%s/%s %s", c.lang, c.name(), [...]string{"subject", "text", "HTML"}[i])
			if c.lang != "fr" {
				if m := regexp.MustCompile(`[\x{a0}\x{202f}][:;?!]|[«»]`).FindString(part); m != "" {
					t.Errorf("%s: French spacing %q in English", where, m)
				}
				continue
			}
			for _, re := range []*regexp.Regexp{spaceBeforePunct, gluedPunct, breakableTime, pointDecimal, otherInclusive} {
				for _, loc := range re.FindAllStringIndex(part, 3) {
					t.Errorf("%s: %q breaks French typography (%s)", where, context(part, loc), re)
				}
			}
			if strings.ContainsRune(part, '\u202f') {
				t.Errorf("%s: U+202F: the no-break space convention is U+00A0", where)
			}
			if strings.Contains(strings.ToLower(part), "feedback") {
				t.Errorf("%s: « feedback »: French emails say « retour »", where)
			}
			if i > 0 && d.Session.When != "" && strings.Contains(part, d.Session.When) && !frenchTime.MatchString(part) {
				t.Errorf("%s: the session time is not written « 18 h 00 » with no-break spaces", where)
			}
		}
	}
	// The rules bite: the same checks flag what they are meant to.
	for _, bad := range []string{"Date : demain", "« Bonjour »", "Quoi?", "à 18 h 00", "2 h", "4.4 sur 5", "participant·e·s", "client(e)", "animateur/rice"} {
		flagged := false
		for _, re := range []*regexp.Regexp{spaceBeforePunct, gluedPunct, breakableTime, pointDecimal, otherInclusive} {
			flagged = flagged || re.MatchString(bad)
		}
		if !flagged {
			t.Errorf("the typography rules do not flag %q", bad)
		}
	}
	for _, good := range []string{frenchSpacing("Date : demain, « Bonjour » ; quoi ?"), FormatTime("fr", sessionStart(1), paris),
		FormatDuration("fr", 2*time.Hour), FormatDecimal("fr", 4.4, 1) + " sur 5", "participant·es et client·e"} {
		for _, re := range []*regexp.Regexp{spaceBeforePunct, gluedPunct, breakableTime, pointDecimal, otherInclusive} {
			if re.MatchString(good) {
				t.Errorf("the typography rule %s flags the correct %q", re, good)
			}
		}
	}
}

// context is the text around loc, for error messages.
func context(s string, loc []int) string {
	return s[max(0, loc[0]-20):min(len(s), loc[1]+20)]
}
