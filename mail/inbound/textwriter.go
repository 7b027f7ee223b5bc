package inbound

import "strings"

// textWriter accumulates rendered HTML text. It collapses whitespace as a
// browser does, turns block boundaries into at most one blank line, and
// can mark the point after which every line is quoted (Outlook's reply
// header and what follows it).
type textWriter struct {
	out       []byte
	pendingNL int  // line breaks owed before the next text (1 or 2)
	space     bool // a space owed before the next text
	pre       int  // inside <pre>: whitespace kept
	listDepth int
	quoteFrom int  // offset from which lines are quoted, when quoting
	quoting   bool // quoteRest was called
}

// text writes a text node, collapsing runs of whitespace.
func (w *textWriter) text(s string) {
	if w.pre > 0 {
		w.flush()
		w.out = append(w.out, strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\u00a0", " ")...)
		return
	}
	start := 0
	for i := 0; i <= len(s); {
		if i < len(s) && !isHTMLSpace(s, i) {
			i++
			continue
		}
		if i > start {
			w.flush()
			w.out = append(w.out, s[start:i]...)
		}
		if i == len(s) {
			break
		}
		w.space = true
		i += htmlSpaceLen(s, i)
		start = i
	}
}

func isHTMLSpace(s string, i int) bool { return htmlSpaceLen(s, i) > 0 }

// htmlSpaceLen returns the byte length of the whitespace at s[i] (ASCII
// whitespace or U+00A0, which renders as a space), or 0.
func htmlSpaceLen(s string, i int) int {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '\f':
		return 1
	case 0xC2:
		if i+1 < len(s) && s[i+1] == 0xA0 {
			return 2
		}
	}
	return 0
}

// flush emits owed line breaks or space before text.
func (w *textWriter) flush() {
	if len(w.out) == 0 {
		w.pendingNL, w.space = 0, false
		return
	}
	if w.pendingNL > 0 {
		w.trimSpaces()
		have := 0
		for i := len(w.out) - 1; i >= 0 && w.out[i] == '\n' && have < 2; i-- {
			have++
		}
		for ; have < w.pendingNL; have++ {
			w.out = append(w.out, '\n')
		}
	} else if w.space {
		if last := w.out[len(w.out)-1]; last != '\n' && last != ' ' && last != '\t' {
			w.out = append(w.out, ' ')
		}
	}
	w.pendingNL, w.space = 0, false
}

// trimSpaces removes trailing spaces before a line break.
func (w *textWriter) trimSpaces() {
	for len(w.out) > 0 && (w.out[len(w.out)-1] == ' ' || w.out[len(w.out)-1] == '\t') {
		w.out = w.out[:len(w.out)-1]
	}
}

// block owes n line breaks (1: new line, 2: blank line) before more text.
func (w *textWriter) block(n int) {
	if n > w.pendingNL {
		w.pendingNL = n
	}
	w.space = false
}

// newline writes a hard line break (<br>).
func (w *textWriter) newline() {
	w.flush()
	w.trimSpaces()
	w.out = append(w.out, '\n')
	w.space = false
}

// raw writes s as is (quote prefixes, list markers).
func (w *textWriter) raw(s string) {
	w.flush()
	w.out = append(w.out, s...)
	w.space = false
}

// cell writes the tab that separates two table cells.
func (w *textWriter) cell() {
	w.space = false
	w.raw("\t")
}

// quoteRest quotes every line from here to the end.
func (w *textWriter) quoteRest() {
	if w.quoting {
		return
	}
	w.block(1)
	w.flush()
	w.quoting, w.quoteFrom = true, len(w.out)
}

// finish returns the text: lines right-trimmed, at most one blank line in
// a row, no leading or trailing blank lines, and the quoted tail prefixed.
func (w *textWriter) finish() string {
	head, tail := string(w.out), ""
	if w.quoting && w.quoteFrom <= len(w.out) {
		head, tail = string(w.out[:w.quoteFrom]), string(w.out[w.quoteFrom:])
	}
	head = tidyLines(head)
	if t := tidyLines(tail); t != "" {
		var b strings.Builder
		for i, l := range strings.Split(t, "\n") {
			if i > 0 {
				b.WriteByte('\n')
			}
			if l == "" {
				b.WriteString(">")
			} else {
				b.WriteString("> ")
				b.WriteString(l)
			}
		}
		if head != "" {
			head += "\n\n"
		}
		head += b.String()
	}
	return head
}

// tidyLines right-trims lines, keeps at most one blank line in a row and
// drops blank lines at both ends.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if l == "" {
			blank++
			continue
		}
		if blank > 0 && len(out) > 0 {
			out = append(out, "")
		}
		blank = 0
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
