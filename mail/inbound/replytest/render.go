package replytest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// srcLine is one line of the request as a client shows it before quoting
// it, with the number of the question it belongs to (0 if none).
type srcLine struct {
	text string
	q    int
}

// textLines reads the request's text part: a line "N. …" is question N.
func textLines(text string) []srcLine {
	var out []srcLine
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		out = append(out, srcLine{text: l, q: questionNumber(l)})
	}
	return out
}

func questionNumber(l string) int {
	i := 0
	for i < len(l) && i < 2 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i == 0 || !strings.HasPrefix(l[i:], ". ") {
		return 0
	}
	n, _ := strconv.Atoi(l[:i])
	return n
}

// htmlStyle is how a client renders the request's HTML part as text when
// it quotes it in its own text/plain part.
type htmlStyle struct {
	bold   string // around bold text and headings: "*" (Gmail, Thunderbird) or ""
	item   string // before an ordered list item, %d the number: "   %d. " (Gmail), "%d.\t" (Outlook)
	link   string // a link whose text is not its URL, %[1]s the text, %[2]s the URL
	mailto bool   // also writes the mailto address after an address link (Outlook)
}

// htmlLines renders the body of the request's HTML part as a client does.
func htmlLines(doc string, st htmlStyle) []srcLine {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return nil
	}
	r := &htmlRender{st: st}
	r.walk(root)
	r.flushLine()
	// Collapse runs of blank lines, trim the ends.
	var out []srcLine
	for _, l := range r.lines {
		l.text = strings.TrimRight(l.text, " ")
		if l.text == "" && (len(out) == 0 || out[len(out)-1].text == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1].text == "" {
		out = out[:len(out)-1]
	}
	return out
}

type htmlRender struct {
	st    htmlStyle
	lines []srcLine
	cur   strings.Builder
	q     int // question of the current list item
}

func (r *htmlRender) flushLine() {
	if strings.TrimSpace(r.cur.String()) != "" {
		r.lines = append(r.lines, srcLine{text: strings.TrimSpace(r.cur.String()), q: r.q})
	}
	r.cur.Reset()
}

func (r *htmlRender) blank() {
	r.flushLine()
	r.lines = append(r.lines, srcLine{})
}

func (r *htmlRender) text(s string) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return
	}
	if r.cur.Len() > 0 && !strings.HasSuffix(r.cur.String(), " ") && !strings.HasSuffix(r.cur.String(), "\t") {
		r.cur.WriteByte(' ')
	}
	r.cur.WriteString(s)
}

func (r *htmlRender) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Head, atom.Style, atom.Script, atom.Title:
			return
		}
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.Strong, atom.B:
		block := n.DataAtom != atom.Strong && n.DataAtom != atom.B
		if block {
			r.flushLine()
		}
		r.text(r.st.bold + inner(n) + r.st.bold)
		if block {
			r.blank()
		}
		return
	case atom.A:
		href := attr(n, "href")
		text := inner(n)
		switch {
		case strings.HasPrefix(href, "mailto:"):
			r.text(text)
			if r.st.mailto {
				r.cur.WriteString("<" + href + ">")
			}
		case text == href:
			r.text(text)
		default:
			r.text(fmt.Sprintf(r.st.link, text, href))
		}
		return
	case atom.Br:
		r.flushLine()
		return
	case atom.Li:
		r.flushLine()
		v, _ := strconv.Atoi(attr(n, "value"))
		r.q = v
		r.cur.WriteString(fmt.Sprintf(r.st.item, v))
		r.children(n)
		r.flushLine()
		r.q = 0
		return
	case atom.P, atom.Ol, atom.Ul, atom.Table:
		r.flushLine()
		r.children(n)
		r.blank()
		return
	case atom.Div, atom.Tr, atom.Td:
		r.flushLine()
		r.children(n)
		r.flushLine()
		return
	}
	r.children(n)
}

func (r *htmlRender) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c)
	}
}

func inner(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

// htmlBody returns what is inside the request HTML's <body>, for clients
// that quote it in their HTML part.
func htmlBody(doc string) string {
	low := strings.ToLower(doc)
	i := strings.Index(low, "<body")
	if i < 0 {
		return doc
	}
	j := strings.IndexByte(low[i:], '>')
	k := strings.LastIndex(low, "</body>")
	if j < 0 || k < i {
		return doc
	}
	return doc[i+j+1 : k]
}

// wrap re-wraps a line at width runes (words longer than width stay
// whole), as clients do with the text they quote.
func wrap(s string, width int) []string {
	if width <= 0 || utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var out []string
	var cur strings.Builder
	indent := s[:len(s)-len(strings.TrimLeft(s, " \t"))]
	cur.WriteString(indent)
	n := len(indent)
	for _, w := range strings.Fields(s) {
		wl := utf8.RuneCountInString(w)
		if n > len(indent) && n+1+wl > width {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 && !(len(out) == 0 && n == len(indent)) {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wl
	}
	if n > 0 {
		out = append(out, cur.String())
	}
	return out
}

// flowed encodes text as format=flowed (RFC 3676) at width columns: long
// lines are soft-broken after a space; with delSp a space is added at each
// break, and long words are broken inside. Quoted lines keep their marks
// on every piece; lines that need it are space-stuffed.
func flowed(text string, delSp bool, width int) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		prefix := ""
		for strings.HasPrefix(l, ">") {
			prefix += ">"
			l = strings.TrimPrefix(l[1:], " ")
			if !strings.HasPrefix(l, ">") {
				prefix += " "
			}
		}
		if l != "-- " {
			l = strings.TrimRight(l, " ")
		}
		if prefix == "" && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "From ")) {
			l = " " + l
		}
		width := width - len(prefix)
		for utf8.RuneCountInString(l) > width {
			cut := breakAt(l, width, delSp)
			piece, rest := l[:cut], l[cut:]
			if delSp {
				piece += " "
			}
			b.WriteString(prefix + piece + "\n")
			l = rest
		}
		b.WriteString(prefix + l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// breakAt returns the byte offset where a flowed line is broken: after
// the last space within width runes, or (delSp) inside a word.
func breakAt(l string, width int, delSp bool) int {
	runes, lastSpace := 0, -1
	for i, r := range l {
		if runes >= width {
			switch {
			case lastSpace > 0:
				return lastSpace
			case delSp:
				return i
			case r == ' ':
				return i + 1
			}
		}
		if r == ' ' {
			lastSpace = i + 1
		}
		runes++
	}
	return len(l)
}
