package inbound

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxQuestion bounds question numbers when the questionnaire size is not
// known: numbers above it are list items or years, not questions.
const maxQuestion = 99

var (
	// A quoted question of codev's questionnaire: "> 1. Question text",
	// matched by quotedQuestion as "^>[>\s]*" then this.
	reQuotedQuestion = regexp.MustCompile(`^(\d{1,2})\s*[.)]\s+\S`)
)

// ExtractAnswers maps question numbers to answers in a reply body. codev's
// questionnaires number their questions ("1. Question"), and participants
// answer in two ways, both handled:
//
//   - inline, under each quoted question: the unquoted lines after a quoted
//     "> N. …" line, up to the next quoted line, answer N;
//   - on top: lines "1. …", "1) …", "1 - …", "1/ …", "Q1 : …", « Réponse
//     2 : … », "**3.** …", "a) …" (markers.go lists the forms) in the reply
//     text, each answer running until the next number. A number only
//     starts a new answer when it is higher than the current one, so a
//     numbered list inside an answer stays in that answer.
//
// Inline answers win when there are any. Multi-line answers are kept;
// mobile footers, legal notices and signatures are removed, and a sign-off
// or signature paragraph after the last answer (« Cordialement, Marie »,
// "Marie Dupont / Responsable RH / 04 …") is dropped. Knowing the request
// does better: see Align. The result
// is empty, not nil, when nothing is found.
func ExtractAnswers(body string) map[int]string {
	return extractAnswers(body, 0)
}

func extractAnswers(body string, questions int) map[int]string {
	limit := maxQuestion
	if questions > 0 {
		limit = questions
	}
	lines := splitLines(body)
	if len(lines) > DefaultMaxLines*4 {
		lines = lines[:DefaultMaxLines*4]
	}
	if a := inlineAnswers(lines, limit); len(a) > 0 {
		return a
	}
	return topAnswers(splitLines(Trim(body)), limit)
}

// inlineAnswers reads answers written under quoted questions.
func inlineAnswers(lines []string, limit int) map[int]string {
	out := map[int]string{}
	cur, inAnswer := 0, false
	var buf []string
	flush := func() {
		if cur > 0 && len(buf) > 0 {
			if a := cleanAnswer(strings.Join(buf, "\n")); a != "" {
				out[cur] = a
			}
		}
		buf = buf[:0]
	}
	for _, l := range lines {
		n := normLine(l)
		if isQuote(n) {
			if inAnswer {
				flush()
				cur, inAnswer = 0, false
			}
			if q := quotedQuestion(strings.TrimLeft(n, " \t")); q >= 1 && q <= limit {
				cur = q
			}
			continue
		}
		if cur == 0 {
			continue
		}
		if !inAnswer && isBlank(n) {
			continue
		}
		inAnswer = true
		buf = append(buf, l)
	}
	flush()
	return out
}

// quotedQuestion returns the number of a quoted question line
// (`^>[>\s]*(\d{1,2})\s*[.)]\s+\S`), or 0. The run of quote marks and
// spaces is skipped by hand: the regexp then sees the few bytes after it,
// not a line of a million ">" once per line.
func quotedQuestion(t string) int {
	if t == "" || t[0] != '>' {
		return 0
	}
	i := 1
	for i < len(t) && (t[i] == '>' || isRegexpSpace(t[i])) {
		i++
	}
	if i == len(t) || t[i] < '0' || t[i] > '9' {
		return 0
	}
	m := reQuotedQuestion.FindStringSubmatch(t[i:])
	if m == nil {
		return 0
	}
	q, _ := strconv.Atoi(m[1])
	return q
}

// isRegexpSpace reports the bytes of RE2's \s: tab, line feed, form feed,
// carriage return and space.
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// topAnswers reads numbered answers from the reply text.
func topAnswers(lines []string, limit int) map[int]string {
	nums, texts := numbered(lines, limit)
	out := map[int]string{}
	cur := 0
	var buf []string
	flush := func() {
		if cur > 0 {
			if a := cleanAnswer(strings.Join(buf, "\n")); a != "" {
				out[cur] = a
			}
		}
		buf = buf[:0]
	}
	for i, n := range nums {
		if n != cur {
			flush()
			cur = n
		}
		if n > 0 && (texts[i] != "" || len(buf) > 0) {
			buf = append(buf, texts[i])
		}
	}
	flush()
	dropSignOff(out, cur)
	return out
}

// numbered gives each line the answer it belongs to (0 before the first
// marker) and its text without the marker. A marker only starts a new
// answer when its number is higher than the current one, so that a
// numbered list inside an answer stays in it. Letters ("a)", "b.") number
// the answers of a reply that uses no numbers and starts with "a".
func numbered(lines []string, limit int) (nums []int, texts []string) {
	lettered := letteredReply(lines, limit)
	nums, texts = make([]int, len(lines)), make([]string, len(lines))
	cur := 0
	for i, l := range lines {
		texts[i] = l
		if m, ok := answerMarker(normLine(l), limit); ok && m.letter == lettered && m.n > cur {
			cur, texts[i] = m.n, m.rest
		}
		nums[i] = cur
	}
	return nums, texts
}

// letteredReply reports a reply numbered with letters: no line starts
// with a number marker, and the first lettered one is "a".
func letteredReply(lines []string, limit int) bool {
	first := 0
	for _, l := range lines {
		m, ok := answerMarker(normLine(l), limit)
		switch {
		case !ok:
		case !m.letter:
			return false
		case first == 0:
			first = m.n
		}
	}
	return first == 1
}

// cleanAnswer trims an answer and removes footers and signatures, legal
// notices included.
func cleanAnswer(s string) string {
	return strings.TrimSpace(cutLegal(Trim(s)))
}

// dropSignOff removes a trailing sign-off from the last answer: a short
// line opening with a sign-off word (« Cordialement, », "Best,") among the
// last three lines, and the name lines after it.
func dropSignOff(out map[int]string, last int) {
	a, ok := out[last]
	if !ok {
		return
	}
	lines := strings.Split(a, "\n")
	for k := len(lines) - 1; k >= 1 && k >= len(lines)-3; k-- {
		if isSignOff(lines[k]) && wordCount(lines[k]) <= 4 {
			out[last] = strings.TrimSpace(strings.Join(lines[:k], "\n"))
			return
		}
	}
	// A name alone in the last paragraph ("…\n\nAlice"), or a name with a
	// few lines of title, company and telephone, signs the reply.
	for k := len(lines) - 1; k >= 2 && k >= len(lines)-5; k-- {
		if strings.TrimSpace(lines[k-1]) == "" && isNameLine(lines[k]) && signatureLines(lines[k+1:]) {
			out[last] = strings.TrimSpace(strings.Join(lines[:k-1], "\n"))
			return
		}
	}
}

// signatureLines reports lines that may follow a name in a signature: a
// title, a company, a telephone number, an address, a link. Each is short
// and starts with a capital letter or a digit, or holds an address.
func signatureLines(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(normLine(l))
		if t == "" || runeCount(t) > 60 || wordCount(t) > 8 || strings.HasSuffix(t, ".") && !strings.Contains(t, "@") {
			return false
		}
		r, _ := utf8.DecodeRuneInString(t)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '+' && r != '(' && !strings.ContainsAny(t, "@") {
			return false
		}
	}
	return true
}

// notNames are one-word answers that look like a capitalised name.
var notNames = map[string]bool{"oui": true, "non": true, "yes": true, "no": true, "ok": true, "merci": true,
	"thanks": true, "rien": true, "aucun": true, "aucune": true, "none": true, "nothing": true, "d'accord": true,
	"peut-être": true, "maybe": true, "bien": true, "good": true}

// isNameLine reports whether a line looks like a signature name: one to
// three capitalised words of letters (hyphens, apostrophes and a final
// period allowed), nothing else.
func isNameLine(s string) bool {
	words := strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if len(words) == 0 || len(words) > 3 || (len(words) == 1 && notNames[strings.ToLower(words[0])]) {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && c != '-' && c != '\'' && c != '’' && c != '.' {
				return false
			}
		}
	}
	return true
}

var (
	// A line that is only a rating: "4", "4/5", "4 sur 5", "Note : 4",
	// "note: 4 sur 5", "Score: 4", "4 étoiles".
	reRatingLine = regexp.MustCompile(`(?i)^(?:(?:ma\s+)?(?:note|notation|score|rating|évaluation|evaluation|grade)\s*[:=]?\s*)?([0-9]+)(?:\s*(?:/|sur|out\s+of|of|on)\s*([0-9]+))?\s*(?:étoiles?|etoiles?|stars?|points?|pts)?\s*[.!]?$`)
	reNumber     = regexp.MustCompile(`[0-9]+`)
	// A rating inside a sentence: "je dirais 4/5", "note : 4", "4 sur 5".
	reRatingInText = regexp.MustCompile(`(?i)(?:\b(?:note|score|rating)\s*[:=]\s*([0-9]+)(?:\s*(?:/|sur|out\s+of)\s*([0-9]+))?|\b([0-9]+)\s*(?:/|sur|out\s+of)\s*([0-9]+)\b)`)
)

// ParseRating reads a 1–5 rating from an answer: "4", "4/5", "Note : 4",
// "note: 4 sur 5", "4 sur 5", "Score: 4", "★★★★☆", or a sentence whose
// only number is one explicit "4/5" or "note : 4". It returns nil when the value is out of range, on
// another scale ("4/10"), a decimal, or when the text holds more than one
// candidate value (« 3 ou 4 », "3-4").
func ParseRating(s string) *int {
	var vals []int
	for _, l := range splitLines(s) {
		l = strings.TrimSpace(normLine(l))
		if l == "" {
			continue
		}
		if v, ok := starRating(l); ok {
			vals = append(vals, v)
			continue
		}
		if m := reRatingLine.FindStringSubmatch(l); m != nil {
			vals = append(vals, ratingValue(m[1], m[2]))
		}
	}
	if len(vals) == 0 {
		consumed := 0
		for _, m := range reRatingInText.FindAllStringSubmatch(s, 5) {
			if m[1] != "" {
				vals = append(vals, ratingValue(m[1], m[2]))
			} else {
				vals = append(vals, ratingValue(m[3], m[4]))
			}
			consumed += 1 + min(1, len(m[2])+len(m[4]))
		}
		// Other numbers in the sentence make it ambiguous.
		if len(reNumber.FindAllStringIndex(s, 20)) != consumed {
			return nil
		}
	}
	return agreedRating(vals)
}

// explicitRating finds a rating in free reply text: only labelled lines
// ("Note : 4") or explicit scales ("4/5", "4 sur 5") count, never a bare
// number.
func explicitRating(text string) *int {
	var vals []int
	for _, l := range splitLines(text) {
		l = strings.TrimSpace(normLine(l))
		if m := reRatingLine.FindStringSubmatch(l); m != nil && (m[2] != "" || !startsWithDigit(l)) {
			vals = append(vals, ratingValue(m[1], m[2]))
		}
	}
	return agreedRating(vals)
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// ratingValue returns the value on the 1–5 scale, or 0 when invalid.
func ratingValue(v, scale string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5 {
		return 0
	}
	if scale != "" && scale != "5" {
		return 0
	}
	return n
}

// starRating reads "★★★★☆" (black stars count).
func starRating(l string) (int, bool) {
	n := 0
	for _, r := range l {
		switch r {
		case '★':
			n++
		case '☆', ' ':
		default:
			return 0, false
		}
	}
	return n, n >= 1 && n <= 5
}

// agreedRating returns the value when all candidates agree and are valid.
func agreedRating(vals []int) *int {
	if len(vals) == 0 {
		return nil
	}
	v := vals[0]
	for _, x := range vals {
		if x != v || x == 0 {
			return nil
		}
	}
	return &v
}
