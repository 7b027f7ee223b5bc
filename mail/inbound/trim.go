package inbound

import (
	"strings"
	"unicode"
)

// DefaultMaxLines is how many lines of a body Trim looks at, as talon does:
// a reply longer than that is almost always a long quoted thread, and the
// cap keeps the work per message bounded.
const DefaultMaxLines = 1000

// Line labels, as in discourse/email_reply_trimmer. Trim classifies every
// line, then applies its cuts as regexps over the string of labels.
const (
	labEmpty    = 'e'
	labDelim    = 'd'
	labSig      = 's'
	labEmbedded = 'b'
	labHeader   = 'h'
	labQuote    = 'q'
	labText     = 't'
)

// maxJoin is how many lines after an attribution's first line may complete
// it (Gmail wraps « a écrit : » onto a line of its own, sometimes after a
// line holding only "<" and one with the address).
const maxJoin = 4

// line is one logical line: one physical line, or several when a wrapped
// attribution was joined.
type line struct {
	first, last int   // physical line range, inclusive
	lab         byte  // label
	hdr         uint8 // header kind when lab is labHeader
}

// trimmer holds the state of one Trim call.
type trimmer struct {
	phys  []string // physical lines, LF-split
	norm  []string // normLine of each physical line
	lines []line
	buf   strings.Builder
}

// Trim returns the part of a decoded text body the sender wrote: it removes
// trailing quoted text, attribution lines (joined when wrapped), Outlook
// header blocks written without ">", separators and what follows them, the
// "-- " signature and mobile footers ("Envoyé de mon iPhone"). A quote
// followed by the sender's own text is kept, and so are sign-offs such as
// « Cordialement, Marie ». When the body is only a quote, the quote is kept.
// Only the first DefaultMaxLines lines are considered.
func Trim(body string) string {
	text, _ := trimBody(body, DefaultMaxLines)
	return text
}

// trimBody is Trim with a line cap; truncated reports whether lines were
// dropped by the cap.
func trimBody(body string, maxLines int) (text string, truncated bool) {
	if isBlankText(body) {
		return "", false
	}
	body = validUTF8(body)
	phys := splitLines(body)
	if maxLines <= 0 {
		maxLines = DefaultMaxLines
	}
	if len(phys) > maxLines {
		phys, truncated = phys[:maxLines], true
	}
	t := &trimmer{phys: phys}
	t.classify()
	t.joinAttributions()
	kept, whole := t.cut()
	if whole {
		return strings.TrimSpace(strings.Join(phys, "\n")), truncated
	}
	return t.render(kept), truncated
}

// isBlankText reports whether s holds only whitespace (Unicode spaces and
// the invisible marks normLine drops included). It stops at the first
// visible character.
func isBlankText(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && normLine(string(r)) != "" {
			return false
		}
	}
	return true
}

// classify labels every physical line. Lines inside Markdown code fences
// are text: "####" in code is not a separator.
func (t *trimmer) classify() {
	t.norm = make([]string, len(t.phys))
	t.lines = make([]line, len(t.phys))
	inFence := false
	for i, p := range t.phys {
		n := normLine(p)
		t.norm[i] = n
		l := line{first: i, last: i}
		switch {
		case isCodeFence(n):
			inFence = !inFence
			l.lab = labText
		case inFence:
			l.lab = labText
			if isBlank(n) {
				l.lab = labEmpty
			}
		default:
			l.lab, l.hdr = classifyLine(n)
		}
		t.lines[i] = l
	}
}

// classifyLine returns the label of a normalised line, in the trimmer's
// order of precedence.
func classifyLine(n string) (byte, uint8) {
	switch {
	case isBlank(n), isEmptyQuote(n):
		return labEmpty, 0
	case isDelimiter(n):
		return labDelim, 0
	case isSignature(n):
		return labSig, 0
	case isEmbedded(n):
		return labEmbedded, 0
	}
	if k := headerKind(n); k != 0 {
		return labHeader, k
	}
	if isQuote(n) {
		return labQuote, 0
	}
	return labText, 0
}

// joinAttributions merges an attribution wrapped over several lines
// ("Le lun. 15 nov. 2021 à 19:42, Nom <adresse>" + "a écrit :") into one
// logical line labelled embedded. The look-ahead is bounded by maxJoin, so
// the pass is linear.
func (t *trimmer) joinAttributions() {
	out := t.lines[:0]
	for i := 0; i < len(t.lines); i++ {
		l := t.lines[i]
		if j := t.joinEnd(i); j > i {
			l.last, l.lab, l.hdr = j, labEmbedded, 0
			i = j
		}
		out = append(out, l)
	}
	t.lines = out
}

// joinEnd returns the last physical line of a wrapped attribution starting
// at i, or i when there is none. A join ending on an attribution verb
// ("wrote:", « a écrit : ») is preferred to one that only ends with an
// address ("Nom <adresse>"), which may still be followed by the verb.
func (t *trimmer) joinEnd(i int) int {
	l := t.lines[i]
	first := t.norm[i]
	switch l.lab {
	case labEmpty, labDelim, labSig:
		return i
	case labEmbedded:
		if endsLikeAttribution(first) {
			return i
		}
	}
	if !containsDigit(first) || len(first) > 300 || !mayStartAttribution(first) {
		return i
	}
	weak := i
	startsWithWord := hasStartWord(first)
	for j := i + 1; j <= i+maxJoin && j < len(t.lines); j++ {
		// A line that opens an attribution itself ("Le mar. 7 déc. 2026 à
		// 09:14,") starts the wrapped one: a join from a line without a
		// start word before it ("2. Bien.") would swallow the reply.
		if !startsWithWord && containsDigit(t.norm[j]) && hasStartWord(t.norm[j]) {
			return weak
		}
		switch t.lines[j].lab {
		case labDelim, labSig, labHeader:
			return weak
		case labEmbedded:
			// A complete attribution of its own is not a continuation.
			if hasStartWord(t.norm[j]) {
				return weak
			}
		}
		if !attributionEnds(t.norm[j]) {
			continue
		}
		t.buf.Reset()
		t.buf.WriteString(first)
		for k := i + 1; k <= j; k++ {
			if c := strings.TrimSpace(t.norm[k]); c != "" {
				t.buf.WriteByte(' ')
				t.buf.WriteString(c)
			}
		}
		if t.buf.Len() > 600 || !isEmbedded(t.buf.String()) {
			continue
		}
		if endsLikeAttribution(t.norm[j]) {
			return j
		}
		if weak == i && l.lab != labEmbedded {
			weak = j
		}
	}
	return weak
}

// hasStartWord reports a line whose first word, after quote marks and
// dashes, opens an attribution ("Le", "On", "Am"…). It does not allocate
// for ASCII words: it runs on the lines of every join.
func hasStartWord(s string) bool {
	w := firstWord(trimLeftASCII(s, " \t>*-"))
	var buf [8]byte
	if len(w) > len(buf) {
		return false // start words are short
	}
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return startWords[strings.ToLower(w)]
		}
		buf[i] = asciiLowerByte(w[i])
	}
	return startWords[string(buf[:len(w)])]
}

// mayStartAttribution is a cheap test for the first line of a wrapped
// attribution: it opens with a start word ("On", "Le", "Am"…), a date, a
// short day name followed by a number, or holds part of an address.
func mayStartAttribution(s string) bool {
	t := trimLeftASCII(s, " \t>*-")
	if t == "" {
		return false
	}
	if t[0] >= '0' && t[0] <= '9' || strings.HasPrefix(t, "在") || strings.ContainsAny(t, "<@") {
		return true
	}
	var buf [24]byte
	fw := firstWord(t)
	if startWords[lowerWord(fw, &buf)] {
		return true
	}
	rest := strings.TrimLeft(t[len(fw):], " \t")
	return runeCount(fw) <= 12 && rest != "" && rest[0] >= '0' && rest[0] <= '9'
}

// attributionEnds is a cheap test for a line that may end an attribution.
func attributionEnds(s string) bool {
	r := strings.TrimRight(s, " \t")
	return strings.HasSuffix(r, ":") || strings.HasSuffix(r, "：") || endsLikeAttribution(s) ||
		strings.HasSuffix(r, ">")
}

// text returns the physical text of logical line i.
func (t *trimmer) text(i int) string {
	l := t.lines[i]
	if l.first == l.last {
		return t.phys[l.first]
	}
	return strings.Join(t.phys[l.first:l.last+1], "\n")
}

// render joins the kept logical lines, dropping leading blank lines and
// trailing whitespace.
func (t *trimmer) render(kept []int) string {
	for len(kept) > 0 && t.lines[kept[0]].lab == labEmpty {
		kept = kept[1:]
	}
	for len(kept) > 0 && t.lines[kept[len(kept)-1]].lab == labEmpty {
		kept = kept[:len(kept)-1]
	}
	t.buf.Reset()
	for k, i := range kept {
		if k > 0 {
			t.buf.WriteByte('\n')
		}
		l := t.lines[i]
		for p := l.first; p <= l.last; p++ {
			if p > l.first {
				t.buf.WriteByte('\n')
			}
			t.buf.WriteString(t.phys[p])
		}
	}
	s := t.buf.String()
	s = strings.TrimRight(s, " \t\n\u00a0")
	for {
		nl := strings.IndexByte(s, '\n')
		if nl < 0 || !isBlank(normLine(s[:nl])) {
			break
		}
		s = s[nl+1:]
	}
	if isBlank(normLine(s)) {
		return ""
	}
	return s
}
