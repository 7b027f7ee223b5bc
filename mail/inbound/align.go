package inbound

import (
	"strings"
)

// Aligning a reply with the request it answers (see template.go).
//
// Each line of the reply is classified: a line of the request (quoted or
// not), someone else's quoted text, a structural line (attribution, header
// block, separator), a footer or signature, or the sender's own text. The
// request lines that carry a question are anchors: the sender's text
// below one answers that question, whether it is written under a quoted
// question, under a question the sender copied, or inside a quote the
// client made without "> " (Outlook). The sender's text that follows no
// anchor is read for numbered answers ("1. …", "Q2 : …"). Request lines
// the sender pasted inside an answer, unquoted and out of the request's
// order, stay the sender's.

// Kinds of aligned lines.
const (
	alBlank    uint8 = iota // blank, an empty quote, or a line without words
	alTemplate              // a line of the request, quoted or not
	alQuoted                // someone else's quoted text
	alOwn                   // the sender's text
	alStruct                // attribution, header block, separator
	alFooter                // the sender's signature, a mobile or legal footer
)

// flowGap is how many request words may be missing between two lines
// that follow each other in the request: a link's URL, a list number the
// client dropped, a heading rule.
const flowGap = 8

// alLine is what alignment found about one physical line.
type alLine struct {
	kind  uint8
	depth int   // quote depth
	s, e  int32 // request tokens the line repeats, for template lines
	q     int   // question the line's request text belongs to, 0 if none
	cut   int   // for a request line the sender went on writing: byte offset of their text in content
	weak  bool  // too short to be recognised alone: kept only in the request's flow
	sig   bool  // the sender's "-- " signature separator
	ans   int   // the question an own line answers, 0 if none
	// numbered is the question a line outside any question's flow was
	// read as answering, from its number ("2. …").
	numbered int
	lab      byte    // the trimmer's label
	toks     []int32 // a weak line's words, until resolveWeak decides
}

// aligner holds one alignment.
type aligner struct {
	t       *template
	phys    []string
	content []string // normalised, without quote marks
	lines   []alLine
	limit   int
}

// Alignment is the result of aligning a reply with its request.
type Alignment struct {
	// Text is the sender's own text: the reply without the request's
	// lines, quotes, attributions, signatures and footers.
	Text string
	// Answers maps question numbers to answers.
	Answers map[int]string
	// Questions is the number of questions of the request.
	Questions int
	// Found is how many lines of the reply repeat the request. Zero means
	// the request was not found in the reply: Parse then reads the reply
	// as it would without it.
	Found int
	// Lines says, for each line of the reply's body, what it was taken
	// for (Role* constants).
	Lines []AlignedLine
}

// AlignedLine is one line of the reply with its role.
type AlignedLine struct {
	Number   int    `json:"line"`
	Role     string `json:"role"`
	Question int    `json:"question,omitempty"`
	Text     string `json:"text"`
}

// Roles of AlignedLine, as `codev inspect-mail --request` prints them.
const (
	RoleRequest = "request"  // a line of the request; Question is set when it is one of its questions
	RoleAnswer  = "answer"   // the sender's text, answering Question
	RoleText    = "text"     // the sender's text outside any answer
	RoleQuote   = "quote"    // someone else's quoted text
	RoleQuoting = "quoting"  // attribution line, header block or separator
	RoleFooter  = "footer"   // signature, mobile or legal footer
	RolePart    = "request+" // a request line the sender went on writing on: the rest answers Question
)

// Align aligns a decoded reply body with the plain text of the request it
// answers. It is what Parse does when Options.Request is set, exposed for
// `codev inspect-mail --request`.
//
// When nothing of the request is found, Text and Answers are what Parse
// reads without it (with the request's number of questions as the limit)
// and Lines only shows the trimmer's view of the lines.
func Align(body, request string) *Alignment {
	a := newAligner(body, request)
	res := a.run()
	if res.Found == 0 {
		res.Text = Trim(body)
		res.Answers = extractAnswers(body, a.t.nq)
	}
	res.Lines = a.roles()
	return res
}

func newAligner(body, request string) *aligner {
	t := newTemplate(request)
	phys := splitLines(validUTF8(body))
	if len(phys) > DefaultMaxLines*4 {
		phys = phys[:DefaultMaxLines*4]
	}
	limit := t.nq
	if limit == 0 {
		limit = maxQuestion
	}
	return &aligner{t: t, phys: phys, limit: limit}
}

// run aligns and extracts.
func (a *aligner) run() *Alignment {
	a.classify()
	a.resolveWeak()
	a.headerRuns()
	a.pasted()
	a.sandwiches()
	a.attributions()
	a.footers()
	res := &Alignment{Questions: a.t.nq, Answers: map[int]string{}}
	for _, l := range a.lines {
		if l.kind == alTemplate {
			res.Found++
		}
	}
	if res.Found == 0 {
		return res
	}
	a.assign()
	res.Text, res.Answers = a.extract()
	return res
}

// quoteDepth counts the quote marks at the start of a line and returns
// the rest.
func quoteDepth(s string) (int, string) {
	d, i := 0, 0
	for i < len(s) {
		switch s[i] {
		case '>':
			d++
		case ' ', '\t':
		default:
			if d == 0 {
				return 0, s
			}
			return d, s[i:]
		}
		i++
	}
	if d == 0 {
		return 0, s
	}
	return d, ""
}

// classify labels every line: the trimmer's labels for structure, then
// the request's words for template lines.
func (a *aligner) classify() {
	tr := &trimmer{phys: a.phys}
	tr.classify()
	tr.joinAttributions()
	labs := make([]byte, len(a.phys))
	joined := make([]bool, len(a.phys))
	for _, l := range tr.lines {
		for p := l.first; p <= l.last; p++ {
			labs[p] = l.lab
			joined[p] = l.lab == labEmbedded
		}
	}
	a.content = make([]string, len(a.phys))
	a.lines = make([]alLine, len(a.phys))
	var ids []int32
	var offs []int
	var buf []byte
	from := int32(0)
	for i, n := range tr.norm {
		d, c := quoteDepth(n)
		a.content[i] = c
		l := &a.lines[i]
		l.depth, l.lab = d, labs[i]
		ids, offs = a.t.lineTokens(c, ids, offs, &buf)
		switch {
		case joined[i]:
			l.kind = alStruct
			continue
		case len(ids) == 0:
			// Rules and separators without words are neutral, except the
			// sender's "-- ", which starts their signature.
			l.kind = alBlank
			l.sig = d == 0 && labs[i] == labDelim && isSigDelimiter(a.phys[i])
			continue
		}
		if a.matchTemplate(l, c, ids, offs, from) {
			if !l.weak {
				from = l.e
			}
			continue
		}
		l.kind = a.otherKind(d, labs[i])
	}
}

// otherKind is the kind of a line that is not the request's.
func (a *aligner) otherKind(depth int, lab byte) uint8 {
	switch {
	case depth > 0:
		return alQuoted
	case lab == labSig:
		return alFooter
	case lab == labDelim:
		return alStruct
	case lab == labHeader:
		return alStruct // checked by headerRuns
	}
	return alOwn
}

// matchTemplate decides whether a line repeats the request. A line whose
// words are all a run of the request is a template line, weak when it has
// fewer than four words (unless it is a whole line or question of the
// request). An unquoted line that starts with a whole request line, or
// with a question after an answer marker, and goes on with other words is
// the sender's answer written after the question ("1. Question ? Ma
// réponse").
func (a *aligner) matchTemplate(l *alLine, c string, ids []int32, offs []int, from int32) bool {
	t := a.t
	s, n := t.longest(ids, from)
	if n == int32(len(ids)) {
		l.kind, l.s, l.e, l.q = alTemplate, s, s+n, t.question(s+n-1)
		l.weak = n < 4 && !a.wholeLine(s, s+n) && !a.wholeQuestion(s, s+n)
		if l.weak {
			l.toks = append([]int32(nil), ids...)
		}
		return true
	}
	if l.depth > 0 {
		return false
	}
	if n >= 2 && a.startsWithRequestLine(s, s+n) {
		l.kind, l.s, l.e, l.q, l.cut = alTemplate, s, s+n, t.question(s+n-1), offs[n]
		return true
	}
	m, ok := parseMarker(c)
	if !ok || m.letter {
		return false
	}
	k := 0
	for k < len(offs) && offs[k] < m.off {
		k++
	}
	if k == 0 || k == len(ids) {
		return false
	}
	rest := ids[k:]
	s, n = t.longest(rest, 0)
	q := t.question(s)
	if n == 0 || q == 0 || s > t.qStart[q]+1 {
		return false
	}
	switch {
	case n == int32(len(rest)) && (n >= 2 || a.wholeQuestion(s, s+n)):
	case n >= 2 && s+n == t.lineEnd[t.lineOf[s+n-1]]:
		l.cut = offs[k+int(n)]
	default:
		return false
	}
	l.kind, l.s, l.e, l.q = alTemplate, s, s+n, q
	return true
}

// wholeLine reports a run that is a whole line of the request.
func (a *aligner) wholeLine(s, e int32) bool {
	ln := a.t.lineOf[s]
	return s == a.t.lineStart[ln] && e == a.t.lineEnd[ln] && e-s >= 2
}

// wholeQuestion reports a run that is a question's whole text, its number
// aside.
func (a *aligner) wholeQuestion(s, e int32) bool {
	q := a.t.question(s)
	return q > 0 && s <= a.t.qStart[q]+1 && e == a.t.qEnd[q]
}

// startsWithRequestLine reports a run that ends a line of the request and
// starts it too, or is long enough not to be chance.
func (a *aligner) startsWithRequestLine(s, e int32) bool {
	ln := a.t.lineOf[e-1]
	if e != a.t.lineEnd[ln] {
		return false
	}
	return s <= a.t.lineStart[ln]+1 || e-s >= 4
}

// prevNonBlank returns the index of the nearest non-blank line before i,
// or -1.
func (a *aligner) prevNonBlank(i int) int {
	for j := i - 1; j >= 0; j-- {
		if a.lines[j].kind != alBlank || a.lines[j].sig {
			return j
		}
	}
	return -1
}

// nextNonBlank returns the index of the nearest non-blank line after i,
// or -1.
func (a *aligner) nextNonBlank(i int) int {
	for j := i + 1; j < len(a.lines); j++ {
		if a.lines[j].kind != alBlank || a.lines[j].sig {
			return j
		}
	}
	return -1
}

// isTemplate reports a settled template line.
func (a *aligner) isTemplate(j int) bool {
	return j >= 0 && a.lines[j].kind == alTemplate && !a.lines[j].weak
}

// resolveWeak keeps a short line as the request's when it continues the
// line before it in the request, or leads into the line after it, at the
// same quote depth (a wrapped paragraph's last words, « Bonjour Alice, »).
// Others are the sender's, or quoted text: "5" under a quoted "4. Note de
// 1 à 5" is an answer.
func (a *aligner) resolveWeak() {
	for i := range a.lines {
		l := &a.lines[i]
		if l.kind != alTemplate || !l.weak {
			continue
		}
		if j := a.prevNonBlank(i); a.isTemplate(j) && a.lines[j].depth == l.depth {
			if p := a.t.fullNear(l.toks, a.lines[j].e, a.lines[j].e+flowGap); p >= 0 {
				l.s, l.e, l.weak = p, p+int32(len(l.toks)), false
				l.q = a.t.question(l.e - 1)
			}
		}
	}
	for i := len(a.lines) - 1; i >= 0; i-- {
		l := &a.lines[i]
		if l.kind != alTemplate || !l.weak {
			continue
		}
		if j := a.nextNonBlank(i); a.isTemplate(j) && a.lines[j].depth == l.depth {
			n := int32(len(l.toks))
			lo := a.lines[j].s - n - flowGap
			if k := a.prevNonBlank(i); a.isTemplate(k) {
				lo = max(lo, a.lines[k].e) // in order with the line before too
			}
			if p := a.t.fullNear(l.toks, lo, a.lines[j].s-n); p >= 0 {
				l.s, l.e, l.weak = p, p+n, false
				l.q = a.t.question(l.e - 1)
				continue
			}
		}
		l.kind, l.weak, l.toks = a.otherKind(l.depth, l.lab), false, nil
	}
	for i := range a.lines {
		a.lines[i].toks = nil
	}
}

// headerRuns keeps as structure only the header lines of a block: two
// or more with a From or a date line. A single "Date : …" line is the
// sender's text.
func (a *aligner) headerRuns() {
	for i := 0; i < len(a.lines); {
		if !a.isHeaderLine(i) {
			i++
			continue
		}
		j := i
		var kinds uint8
		for j < len(a.lines) && a.isHeaderLine(j) {
			kinds |= headerKind(a.content[j])
			j++
		}
		if j-i < 2 || kinds&(hdrFrom|hdrDate) == 0 {
			for k := i; k < j; k++ {
				a.lines[k].kind = alOwn
			}
		}
		i = j
	}
}

func (a *aligner) isHeaderLine(i int) bool {
	l := a.lines[i]
	return l.kind == alStruct && !l.sig && l.depth == 0 && headerKind(a.content[i]) != 0
}

// pasted gives back to the sender the request lines they pasted inside
// their own text: unquoted, not a question, and either away from other
// request lines or out of the request's order with the nearest ones
// before and after it. A line of an unmarked quote (Outlook) has request
// lines around it, in order.
func (a *aligner) pasted() {
	t := a.t
	for i := range a.lines {
		l := &a.lines[i]
		if l.kind != alTemplate || l.depth > 0 {
			continue
		}
		p, n := a.prevNonBlank(i), a.nextNonBlank(i)
		adjacent := a.isTemplate(p) || a.isTemplate(n)
		pt, nt := a.nearestTemplate(i, -1), a.nearestTemplate(i, 1)
		ordered := (pt < 0 || a.lines[pt].e <= l.s) && (nt < 0 || l.e <= a.lines[nt].s)
		if adjacent && ordered {
			continue
		}
		if q := l.q; q > 0 && q == t.question(l.s) && (l.s <= t.qStart[q]+1 || 2*(l.e-l.s) >= t.qEnd[q]-t.qStart[q]) {
			continue // a question, copied as the heading of an answer
		}
		l.kind, l.cut = alOwn, 0
	}
}

// nearestTemplate returns the nearest template line before (dir -1) or
// after (dir 1) line i, or -1.
func (a *aligner) nearestTemplate(i, dir int) int {
	for j := i + dir; j >= 0 && j < len(a.lines); j += dir {
		if a.isTemplate(j) {
			return j
		}
	}
	return -1
}

// sandwiches decides the lines that stand between two request lines that
// follow each other in the request. When they resemble the request text
// missing between the two, the client changed them (a line it rewrote):
// they are the request's. Otherwise they were written there: unquoted,
// the sender's; quoted inside a quoted request (Outlook quotes its
// HTML without marks, the sender typing in it), the sender's too.
func (a *aligner) sandwiches() {
	for i := 0; i < len(a.lines); i++ {
		if !a.isTemplate(i) {
			continue
		}
		j := i + 1
		for j < len(a.lines) && !a.isTemplate(j) && a.inSandwich(j) {
			j++
		}
		if j >= len(a.lines) || j == i+1 || !a.isTemplate(j) {
			i = j - 1
			continue
		}
		a.fillSandwich(i, j)
		i = j - 1
	}
}

// inSandwich reports a line that may stand between two request lines.
func (a *aligner) inSandwich(j int) bool {
	l := a.lines[j]
	return l.kind == alBlank && !l.sig || l.kind == alOwn || l.kind == alQuoted && l.depth == 1
}

// fillSandwich decides the lines strictly between template lines i and j.
func (a *aligner) fillSandwich(i, j int) {
	A, B := a.lines[i], a.lines[j]
	if A.e > B.s {
		return
	}
	gap := a.t.toks[A.e:B.s]
	if len(gap) > 0 && j-i <= 9 && a.resembles(i+1, j, gap) {
		for k := i + 1; k < j; k++ {
			if a.lines[k].kind != alBlank {
				a.lines[k].kind, a.lines[k].s, a.lines[k].e, a.lines[k].q = alTemplate, A.e, B.s, a.t.question(B.s-1)
				a.lines[k].cut = 0
			}
		}
		return
	}
	if A.depth == 0 || B.depth == 0 {
		return
	}
	for k := i + 1; k < j; k++ {
		if a.lines[k].kind == alQuoted {
			a.lines[k].kind = alOwn
		}
	}
}

// resembles reports whether the words of lines [from, to) are mostly the
// gap's words, and cover most of them.
func (a *aligner) resembles(from, to int, gap []int32) bool {
	in := map[int32]int{}
	for _, id := range gap {
		in[id]++
	}
	var ids []int32
	var offs []int
	var buf []byte
	total, hit := 0, 0
	for k := from; k < to; k++ {
		if a.lines[k].kind == alBlank {
			continue
		}
		ids, offs = a.t.lineTokens(a.content[k], ids, offs, &buf)
		for _, id := range ids {
			total++
			if in[id] > 0 {
				in[id]--
				hit++
			}
		}
	}
	return total > 0 && hit*10 >= total*6 && hit*2 >= len(gap)
}

// attributions catches attributions the trimmer did not join: the last
// one to three lines of the sender's text right before a quote, ending
// with a colon, with a date and an address or a "wrote" verb.
func (a *aligner) attributions() {
	for i := 0; i < len(a.lines); {
		if a.lines[i].kind != alOwn {
			i++
			continue
		}
		j := i
		for j < len(a.lines) && a.lines[j].kind == alOwn {
			j++
		}
		if n := a.nextNonBlank(j - 1); n >= 0 && (a.lines[n].depth > 0 || a.lines[n].kind == alTemplate) {
			for k := 1; k <= 3 && j-k >= i; k++ {
				if mayStartAttribution(a.content[j-k]) && a.looksLikeAttribution(j-k, j) {
					for m := j - k; m < j; m++ {
						a.lines[m].kind = alStruct
					}
					break
				}
			}
		}
		i = j
	}
}

func (a *aligner) looksLikeAttribution(from, to int) bool {
	var b strings.Builder
	for k := from; k < to; k++ {
		b.WriteString(strings.TrimSpace(a.content[k]))
		b.WriteByte(' ')
	}
	s := strings.TrimSpace(b.String())
	if len(s) > 400 || !containsDigit(s) {
		return false
	}
	r := strings.TrimRight(s, " \t")
	if !strings.HasSuffix(r, ":") && !strings.HasSuffix(r, "：") {
		return false
	}
	return strings.Contains(s, "@") || endsLikeAttribution(s)
}

// footers marks the sender's signature (after "-- ", up to the next quote
// or request line) and legal footer paragraphs.
func (a *aligner) footers() {
	inSig := false
	for i := range a.lines {
		l := &a.lines[i]
		switch {
		case l.sig:
			inSig = true
			l.kind = alFooter
		case l.kind == alOwn && inSig:
			l.kind = alFooter
		case l.kind == alBlank, l.kind == alFooter:
		default:
			inSig = false
		}
	}
	for i := 0; i < len(a.lines); i++ {
		if a.lines[i].kind != alOwn {
			continue
		}
		j := i
		var b strings.Builder
		for j < len(a.lines) && a.lines[j].kind == alOwn {
			if b.Len() <= 4000 {
				b.WriteString(a.content[j])
				b.WriteByte(' ')
			}
			j++
		}
		if isLegalFooter(b.String()) {
			for k := i; k < j; k++ {
				a.lines[k].kind = alFooter
			}
		}
		i = j - 1
	}
}

// assign walks the reply and gives each own line the question it answers:
// the last question line seen, until a request line outside the
// questions, or someone else's message, ends it.
func (a *aligner) assign() {
	t := a.t
	cur := 0
	for i := range a.lines {
		l := &a.lines[i]
		switch l.kind {
		case alTemplate:
			switch {
			case l.q > 0:
				cur = l.q
			case t.nq == 0 || l.e <= t.first || l.s >= t.end:
				cur = 0
			}
			if l.cut > 0 {
				l.ans = cur
			}
		case alStruct:
			cur = 0
		case alOwn:
			l.ans = cur
		}
	}
}

// extract builds the sender's text and the answers: the own lines under
// a question answer it; the others are read for numbered answers.
func (a *aligner) extract() (string, map[int]string) {
	var text strings.Builder
	bufs := map[int]*strings.Builder{}
	last := map[int]int{} // line last written to each buffer (0: text)
	write := func(b *strings.Builder, key, i int, s string) {
		if b.Len() > 0 {
			b.WriteByte('\n')
			if a.blankBetween(last[key], i) {
				b.WriteByte('\n')
			}
		}
		b.WriteString(s)
		last[key] = i
	}
	var free []string
	var freeAt []int // line of each free text line, -1 for a paragraph break
	lastAns := 0
	for i, l := range a.lines {
		own := a.ownText(i)
		if own == "" {
			continue
		}
		write(&text, 0, i, own)
		if l.ans == 0 {
			if len(free) > 0 && a.blankBetween(freeAt[len(freeAt)-1], i) {
				free, freeAt = append(free, ""), append(freeAt, freeAt[len(freeAt)-1])
			}
			free, freeAt = append(free, own), append(freeAt, i)
			continue
		}
		b, ok := bufs[l.ans]
		if !ok {
			b = &strings.Builder{}
			bufs[l.ans] = b
		}
		write(b, l.ans, i, own)
		lastAns = l.ans
	}
	answers := map[int]string{}
	for q, b := range bufs {
		if s := cleanAnswer(b.String()); s != "" {
			answers[q] = s
		}
	}
	dropSignOff(answers, lastAns)
	nums, _ := numbered(free, a.limit)
	for k, n := range nums {
		if n > 0 && free[k] != "" {
			a.lines[freeAt[k]].numbered = n
		}
	}
	for q, s := range topAnswers(free, a.limit) {
		if _, ok := answers[q]; !ok {
			answers[q] = s
		}
	}
	return strings.TrimSpace(text.String()), answers
}

// ownText returns the sender's text on line i, "" if none.
func (a *aligner) ownText(i int) string {
	l := a.lines[i]
	switch {
	case l.kind == alOwn:
		if l.depth > 0 {
			return strings.TrimSpace(a.content[i])
		}
		return strings.TrimRight(a.content[i], " \t")
	case l.kind == alTemplate && l.cut > 0:
		return strings.TrimSpace(a.content[i][l.cut:])
	}
	return ""
}

// blankBetween reports whether lines i and j of the reply are separated
// by a line that is not the sender's text (a blank line, a quoted
// question…): the texts are separate paragraphs.
func (a *aligner) blankBetween(i, j int) bool {
	for k := i + 1; k < j; k++ {
		if a.ownText(k) == "" {
			return true
		}
	}
	return false
}

// roles lists every non-blank line with its role.
func (a *aligner) roles() []AlignedLine {
	out := []AlignedLine{}
	for i, l := range a.lines {
		r := AlignedLine{Number: i + 1, Text: a.phys[i]}
		switch l.kind {
		case alBlank:
			continue
		case alTemplate:
			r.Role, r.Question = RoleRequest, l.q
			if l.cut > 0 {
				r.Role, r.Question = RolePart, l.ans
			}
		case alOwn:
			r.Role, r.Question = RoleText, max(l.ans, l.numbered)
			if r.Question > 0 {
				r.Role = RoleAnswer
			}
		case alQuoted:
			r.Role = RoleQuote
		case alStruct:
			r.Role = RoleQuoting
		case alFooter:
			r.Role = RoleFooter
		}
		out = append(out, r)
	}
	return out
}

// align aligns the body with the request, when there is one and some of
// it is found in the reply; nil otherwise.
func (p *parser) align(body string) *Alignment {
	if p.opts.Request == "" || body == "" {
		return nil
	}
	res := newAligner(body, p.opts.Request).run()
	if res.Found == 0 {
		if p.opts.Questions == 0 {
			p.opts.Questions = res.Questions
		}
		return nil
	}
	return res
}

// answers fills Text and Answers of a reply, from the alignment when there
// is one.
func (p *parser) answers(body string, al *Alignment) {
	if al != nil {
		p.msg.Text, p.msg.Answers = al.Text, al.Answers
		return
	}
	p.msg.Answers = extractAnswers(body, p.opts.Questions)
}
