package inbound

import (
	"regexp"
	"strings"
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

// Patterns over the label string. They run once per message on a string of
// at most maxLines bytes, never per line.
var (
	reReplyAtEnd      = regexp.MustCompile(`^e*b[be]*q[eq]*t[te]*$`)
	reEmbeddedNoQuote = regexp.MustCompile(`te*b[^q]*$`)
	reEmbeddedQuote   = regexp.MustCompile(`te*b[eqbh]*[te]*$`)
	reWrappedHeaders  = regexp.MustCompile(`h+[te]{1,2}h+(?:e|$)`)
	reHeaderBlock     = regexp.MustCompile(`t[eq]*h{2,}`)
	reTrailingQuote   = regexp.MustCompile(`[eq]+$`)
)

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

// isBlankText reports whether s holds only whitespace.
func isBlankText(s string) bool {
	return strings.TrimSpace(normLine(s)) == ""
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
	for j := i + 1; j <= i+maxJoin && j < len(t.lines); j++ {
		switch t.lines[j].lab {
		case labDelim, labSig, labHeader:
			return weak
		case labEmbedded:
			// A complete attribution of its own is not a continuation.
			if startWords[strings.ToLower(firstWord(strings.TrimLeft(t.norm[j], " \t>*-")))] {
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

// mayStartAttribution is a cheap test for the first line of a wrapped
// attribution: it opens with a start word ("On", "Le", "Am"…), a date, a
// short day name followed by a number, or holds part of an address.
func mayStartAttribution(s string) bool {
	t := strings.TrimLeft(s, " \t>*-")
	if t == "" {
		return false
	}
	if t[0] >= '0' && t[0] <= '9' || strings.HasPrefix(t, "在") || strings.ContainsAny(t, "<@") {
		return true
	}
	fw := firstWord(t)
	if startWords[strings.ToLower(fw)] {
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

// labels returns the label string of t.lines[idx...].
func labels(lines []line, idx []int) []byte {
	p := make([]byte, len(idx))
	for k, i := range idx {
		p[k] = lines[i].lab
	}
	return p
}

// cut applies the trimming rules and returns the indexes of the logical
// lines to keep. whole is true when the body must be kept as it is (a
// forward introduced by a word or two: the forwarded text is the content).
func (t *trimmer) cut() (kept []int, whole bool) {
	idx := make([]int, len(t.lines))
	for i := range idx {
		idx[i] = i
	}
	idx = t.cutDelimiters(idx)
	idx = t.remove(idx, labSig)
	pat := labels(t.lines, idx)

	// The reply is after a quote that starts the message.
	if reReplyAtEnd.Match(pat) {
		first := strings.IndexByte(string(pat), labText)
		idx, pat = idx[first:], pat[first:]
	}
	// An attribution or forward marker not followed by a quote: what
	// follows is someone else's message.
	if loc := reEmbeddedNoQuote.FindIndex(pat); loc != nil {
		if t.tinyForwardIntro(idx, pat, loc[0]) {
			return nil, true
		}
		idx, pat = idx[:loc[0]+1], pat[:loc[0]+1]
	}
	// An attribution followed by a quote and at most some text.
	if loc := reEmbeddedQuote.FindIndex(pat); loc != nil {
		if t.tinyForwardIntro(idx, pat, loc[0]) {
			return nil, true
		}
		idx, pat = t.cutQuoteKeepSignOff(idx, pat, loc[0])
	}
	idx = t.remove(idx, labEmbedded)
	pat = labels(t.lines, idx)

	// Header blocks: a subject wrapped over two lines is still a block.
	if loc := reWrappedHeaders.FindIndex(pat); loc != nil {
		for k := loc[0]; k < loc[1] && k < len(pat); k++ {
			if pat[k] != labEmpty {
				pat[k] = labHeader
			}
		}
	}
	for _, loc := range reHeaderBlock.FindAllIndex(pat, -1) {
		if t.isHeaderBlock(idx, pat, loc[0]+bytesIndexByte(pat[loc[0]:], labHeader)) {
			idx, pat = idx[:loc[0]+1], pat[:loc[0]+1]
			break
		}
	}
	idx, pat = t.removeHeaderRuns(idx, pat)

	// Trailing quotes go when the sender wrote something.
	if strings.IndexByte(string(pat), labText) >= 0 {
		if loc := reTrailingQuote.FindIndex(pat); loc != nil {
			idx = idx[:loc[0]]
		}
	}
	return idx, false
}

// cutDelimiters handles separator lines and footers. "-- " always starts a
// signature and is cut with what follows, and so is a mobile footer after
// the sender's text; another separator is cut unless the text
// after it goes on and only later reaches someone else's message (then it
// is a separator inside the reply). Separators before any text are dropped.
func (t *trimmer) cutDelimiters(idx []int) []int {
	sawText := false
	for k := 0; k < len(idx); k++ {
		l := &t.lines[idx[k]]
		switch l.lab {
		case labText:
			sawText = true
		case labSig:
			if sawText && isFooterEnd(t.norm[l.first]) {
				return idx[:k]
			}
		case labDelim:
			if !sawText {
				continue
			}
			if isSigDelimiter(t.phys[l.first]) {
				return idx[:k]
			}
			if t.isUnderline(idx, k) || t.replyContinues(idx, k) {
				l.lab = labText
				continue
			}
			return idx[:k]
		}
	}
	return t.remove(idx, labDelim)
}

// isUnderline reports a rule drawn right under a line of text and followed
// by more text: a Markdown heading underline or a table rule ("Service
// Date\n-------\nRegistration …"), part of the sender's text.
func (t *trimmer) isUnderline(idx []int, k int) bool {
	if k == 0 || k+1 >= len(idx) || t.lines[idx[k-1]].lab != labText {
		return false
	}
	return t.lines[idx[k+1]].lab == labText
}

// replyContinues reports whether, after the separator at k, the sender's
// text goes on before an attribution or a header block appears.
func (t *trimmer) replyContinues(idx []int, k int) bool {
	text := false
	for m := k + 1; m < len(idx); m++ {
		switch t.lines[idx[m]].lab {
		case labText:
			text = true
		case labEmbedded:
			return text
		case labHeader:
			if m+2 < len(idx) && t.lines[idx[m+1]].lab == labHeader && t.lines[idx[m+2]].lab == labHeader {
				return text
			}
		case labDelim:
			return false
		}
	}
	return false
}

// remove drops the lines labelled lab.
func (t *trimmer) remove(idx []int, lab byte) []int {
	out := idx[:0]
	for _, i := range idx {
		if t.lines[i].lab != lab {
			out = append(out, i)
		}
	}
	return out
}

// tinyForwardIntro reports a forward whose short introduction points at
// it: "FYI", « Pour info », "See the forwarded message below" (three words
// or fewer, or up to thirty words with a pointer such as "below" or
// « ci-dessous »). The forwarded message is then what the sender means to
// send, so nothing is cut. A longer note of the sender's own stays alone.
func (t *trimmer) tinyForwardIntro(idx []int, pat []byte, at int) bool {
	b := at + 1
	for b < len(pat) && pat[b] == labEmpty {
		b++
	}
	if b >= len(pat) || pat[b] != labEmbedded || !isForwardMarker(t.norm[t.lines[idx[b]].first]) {
		return false
	}
	words, pointer := 0, false
	for k := 0; k <= at; k++ {
		if pat[k] == labText {
			s := t.text(idx[k])
			words += wordCount(s)
			pointer = pointer || pointsAtForward(s)
		}
	}
	return words >= 1 && (words <= 3 || pointer && words <= 30)
}

// forwardPointers are phrases by which a sender points at a forwarded
// message as the content.
var forwardPointers = []string{"below", "beneath", "ci-dessous", "ci-après", "dessous", "fyi",
	"pour info", "pour information", "for your information", "unten", "hieronder", "abajo", "sotto"}

func pointsAtForward(s string) bool {
	for _, p := range forwardPointers {
		if containsFold(s, p) {
			return true
		}
	}
	return false
}

// cutQuoteKeepSignOff handles an attribution followed by a quote and then
// maybe some text, found at position at (the text line before it). By
// default it cuts there: a line or two after the quote is usually a
// signature. Two exceptions keep the sender's words: a short sign-off after
// the quote (« Cordialement, Marie ») stays while the attribution and quote
// go; and a substantial text after the quote (three lines or more, or two
// paragraphs) is an answer written below the quote, so nothing is cut here.
func (t *trimmer) cutQuoteKeepSignOff(idx []int, pat []byte, at int) ([]int, []byte) {
	b := at + 1
	for pat[b] != labEmbedded {
		b++
	}
	tail := len(pat)
	for tail > b+1 && (pat[tail-1] == labText || pat[tail-1] == labEmpty) {
		tail--
	}
	firstText, texts, paragraphs := -1, 0, 0
	for k := tail; k < len(pat); k++ {
		if pat[k] != labText {
			continue
		}
		if firstText < 0 {
			firstText = k
		}
		if k == firstText || pat[k-1] == labEmpty {
			paragraphs++
		}
		texts++
	}
	switch {
	case firstText < 0:
		return idx[:at+1], pat[:at+1]
	case texts >= 3 || paragraphs >= 2:
		return idx, pat
	case isSignOff(t.text(idx[firstText])):
		keepIdx := append(append([]int{}, idx[:b]...), idx[firstText:]...)
		keepPat := append(append([]byte{}, pat[:b]...), pat[firstText:]...)
		return keepIdx, keepPat
	}
	return idx[:at+1], pat[:at+1]
}

// isHeaderBlock reports whether the header run starting at k is a block to
// cut at: three headers or more, or a From line with a date line.
func (t *trimmer) isHeaderBlock(idx []int, pat []byte, k int) bool {
	n := 0
	var kinds uint8
	for m := k; m < len(pat) && pat[m] == labHeader; m++ {
		n++
		kinds |= t.lines[idx[m]].hdr
	}
	return n >= 3 || (n == 2 && kinds&hdrFrom != 0 && kinds&hdrDate != 0)
}

// removeHeaderRuns drops runs of two header lines or more that were not
// cut: leftovers of quoted headers. A single "Date : …" or "Objet : …" line
// is the sender's text and stays.
func (t *trimmer) removeHeaderRuns(idx []int, pat []byte) ([]int, []byte) {
	outIdx, outPat := idx[:0], pat[:0]
	for k := 0; k < len(pat); {
		if pat[k] != labHeader {
			outIdx, outPat = append(outIdx, idx[k]), append(outPat, pat[k])
			k++
			continue
		}
		m := k
		for m < len(pat) && pat[m] == labHeader {
			m++
		}
		if m-k == 1 {
			outIdx, outPat = append(outIdx, idx[k]), append(outPat, labText)
		}
		k = m
	}
	return outIdx, outPat
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
