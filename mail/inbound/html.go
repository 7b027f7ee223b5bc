package inbound

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHTMLDepth bounds the recursion over the DOM; deeper content is
// rendered as flat text.
const maxHTMLDepth = 400

// maxQuoteDepth bounds the "> " levels HTMLToText renders: each level
// copies the text it quotes, so 500 nested blockquotes cost 500 copies of
// the message. Deeper quotes are rendered at this depth, which is all the
// trimmer needs (a quoted line is quoted at any depth).
const maxQuoteDepth = 10

// HTMLToText renders an HTML body as plain text for the trimmer (INTEROP.md
// §3.5): block elements and <br> become line breaks, list items "- " or
// "1. ", table cells are separated by tabs, links read "text (url)",
// blockquotes become "> " lines (nested ones "> > "), and script, style and
// hidden elements are dropped. The quote containers of mail clients are
// rendered as quoted text so that Trim cuts them: Gmail's div.gmail_quote
// (unless the sender answered inside it), its attribution div.gmail_attr,
// Thunderbird's div.moz-cite-prefix, Yahoo's div.yahoo_quoted, and
// Outlook's #divRplyFwdMsg together with everything after it.
func HTMLToText(s string) string {
	text, _ := htmlToText(s)
	return text
}

// htmlToText is HTMLToText; flat reports a document too deep to render
// with its structure (quotes included), read as flat text instead.
func htmlToText(s string) (text string, flat bool) {
	s = validUTF8(s)
	// A document whose parsing would cost more than linear time (see
	// walkTooCostly) is not parsed.
	if len(s) >= walkCheckMin && walkTooCostly(s, walkBudget(s)) {
		return flatHTMLText(s), true
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		// html.Parse refuses elements nested deeper than 512: keep the
		// text, without structure, rather than lose the reply.
		return flatHTMLText(s), true
	}
	w := &textWriter{}
	r := &htmlRenderer{doc: doc}
	r.children(w, doc, 0)
	return w.finish(), false
}

// htmlRenderer walks the DOM; list counters live on the stack of calls.
type htmlRenderer struct {
	doc    *html.Node
	quotes int        // quote levels opened by quote
	gmail  *html.Node // the nearest enclosing Gmail quote container
	// inline holds, for each Gmail quote container, whether the sender
	// answered inside it; see inlineReply.
	inline map[*html.Node]bool
}

// inlineReply reports whether the sender answered inside the Gmail quote
// container n (computed for the whole document on first use).
func (r *htmlRenderer) inlineReply(n *html.Node) bool {
	if r.inline == nil {
		r.inline = inlineReplies(r.doc)
	}
	return r.inline[n]
}

// skipped are elements whose content is never text.
var skipped = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Title: true, atom.Meta: true,
	atom.Link: true, atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Object: true, atom.Iframe: true, atom.Select: true, atom.Button: true,
}

// blockNewlines is the separation a block element asks for: 1 for a line
// break, 2 for a paragraph.
var blockNewlines = map[atom.Atom]int{
	atom.Div: 1, atom.Li: 1, atom.Tr: 1, atom.Dt: 1, atom.Dd: 1, atom.Section: 1, atom.Article: 1,
	atom.Header: 1, atom.Footer: 1, atom.Nav: 1, atom.Aside: 1, atom.Main: 1, atom.Figure: 1,
	atom.Figcaption: 1, atom.Address: 1, atom.Center: 1, atom.Form: 1, atom.Fieldset: 1,
	atom.Details: 1, atom.Summary: 1, atom.Caption: 1, atom.Table: 1, atom.Ul: 1, atom.Ol: 1, atom.Dl: 1,
	atom.P: 2, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2, atom.Pre: 2,
	atom.Hr: 2, atom.Blockquote: 1,
}

func (r *htmlRenderer) children(w *textWriter, n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(w, c, depth+1)
	}
}

func (r *htmlRenderer) node(w *textWriter, n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.DocumentNode:
		r.children(w, n, depth)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipped[n.DataAtom] || isHidden(n) {
		return
	}
	if depth > maxHTMLDepth {
		w.text(flatText(n))
		return
	}
	id := attr(n, "id")
	if id == "divRplyFwdMsg" || id == "x_divRplyFwdMsg" || id == "mail-editor-reference-message-container" {
		w.quoteRest()
	}
	quoted := r.quotes < maxQuoteDepth && r.quoted(n)
	if isGmailQuote(n) {
		outer := r.gmail
		r.gmail = n
		defer func() { r.gmail = outer }()
	}
	if quoted {
		r.quote(w, n, depth)
		return
	}
	nl := blockNewlines[n.DataAtom]
	if n.DataAtom == atom.P && strings.Contains(attr(n, "class"), "MsoNormal") {
		nl = 1 // Outlook's paragraphs have no margin: they are lines.
	}
	if nl > 0 {
		w.block(nl)
	}
	r.element(w, n, depth)
	if nl > 0 {
		w.block(nl)
	}
}

// element renders the content of one element.
func (r *htmlRenderer) element(w *textWriter, n *html.Node, depth int) {
	switch n.DataAtom {
	case atom.Br:
		w.newline()
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.text("[image: " + alt + "]")
		}
	case atom.A:
		r.link(w, n, depth)
	case atom.Pre:
		w.pre++
		r.children(w, n, depth)
		w.pre--
	case atom.Ul, atom.Ol:
		r.list(w, n, depth)
	case atom.Td, atom.Th:
		if n.PrevSibling != nil && hasPrevCell(n) {
			w.cell()
		}
		r.children(w, n, depth)
	default:
		r.children(w, n, depth)
	}
}

// quoted reports the elements rendered as quoted text.
func (r *htmlRenderer) quoted(n *html.Node) bool {
	switch {
	case n.DataAtom == atom.Blockquote:
		// A blockquote citing a web page is the sender's own quotation, not
		// quoted mail (mail clients cite with type=cite or mid: URLs).
		cite := strings.ToLower(attr(n, "cite"))
		return !(strings.HasPrefix(cite, "http://") || strings.HasPrefix(cite, "https://"))
	case hasClass(n, "gmail_attr"):
		// Inside a Gmail container quoted as a whole, the attribution
		// needs no quoting of its own.
		return r.gmail == nil || r.inlineReply(r.gmail)
	case hasClass(n, "moz-cite-prefix"), hasClass(n, "yahoo_quoted"):
		return true
	case isGmailQuote(n):
		return !r.inlineReply(n)
	}
	return false
}

// isGmailQuote reports Gmail's quote container (not its blockquote).
func isGmailQuote(n *html.Node) bool {
	return n.DataAtom != atom.Blockquote && hasClass(n, "gmail_quote")
}

// quote renders n into its own writer and adds it with "> " prefixes.
func (r *htmlRenderer) quote(w *textWriter, n *html.Node, depth int) {
	inner := &textWriter{}
	r.quotes++
	r.children(inner, n, depth)
	r.quotes--
	text := inner.finish()
	w.block(1)
	if text == "" {
		return
	}
	for i := 0; text != ""; i++ {
		l, rest, _ := strings.Cut(text, "\n")
		text = rest
		if i > 0 {
			w.newline()
		}
		if l == "" {
			w.raw(">")
		} else {
			w.raw("> ")
			w.out = append(w.out, l...)
		}
	}
	w.block(1)
}

// link renders "text (url)"; mailto links and links whose text is the URL
// render as their text.
func (r *htmlRenderer) link(w *textWriter, n *html.Node, depth int) {
	href := strings.TrimSpace(attr(n, "href"))
	// The text is only compared with the URL, so it is read no further
	// than that needs (plus room for the spaces around it): links nested
	// through tables would otherwise each read all the text below them.
	text, whole := flatTextUpTo(n, 2*len(href)+1024)
	text = strings.TrimSpace(text)
	long := !whole // longer than href: it cannot equal it
	r.children(w, n, depth)
	low := strings.ToLower(href)
	switch {
	case href == "" || strings.HasPrefix(low, "mailto:") || strings.HasPrefix(low, "#") ||
		strings.HasPrefix(low, "javascript:") || strings.HasPrefix(low, "vbscript:") ||
		strings.HasPrefix(low, "data:") || strings.HasPrefix(low, "cid:"):
		if text == "" && !long && strings.HasPrefix(low, "mailto:") {
			w.text(href[len("mailto:"):])
		}
	case text == "" && !long:
		w.text(href)
	case long || text != href && strings.TrimSuffix(text, "/") != strings.TrimSuffix(href, "/") &&
		!strings.HasSuffix(href, text):
		w.text(" (" + href + ")")
	}
}

// list renders ul and ol items with "- " or "N. " markers.
func (r *htmlRenderer) list(w *textWriter, n *html.Node, depth int) {
	num := 1
	if s, err := strconv.Atoi(attr(n, "start")); err == nil {
		num = s
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Li {
			r.node(w, c, depth+1)
			continue
		}
		w.block(1)
		marker := "- "
		if v, err := strconv.Atoi(attr(c, "value")); err == nil && n.DataAtom == atom.Ol {
			num = v // <li value="7">, as codev's own questionnaires write them
		}
		if n.DataAtom == atom.Ol {
			marker = strconv.Itoa(num) + ". "
			num++
		}
		w.raw(strings.Repeat("  ", w.listDepth) + marker)
		w.listDepth++
		r.children(w, c, depth+1)
		w.listDepth--
		w.block(1)
	}
}

// inlineReplies finds, for every Gmail quote container of the document,
// whether the sender answered inline: text written after a blockquote
// inside the container and outside any blockquote. One pass computes it
// for all containers at once; asking each container in turn read the
// text of nested containers once per level.
func inlineReplies(doc *html.Node) map[*html.Node]bool {
	out := map[*html.Node]bool{}
	// walk returns, for n's subtree seen from n: whether it has an inline
	// reply, non-blank text outside blockquotes, and a blockquote.
	var walk func(n *html.Node) (inline, text, quote bool)
	walk = func(n *html.Node) (inline, text, quote bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				if strings.TrimSpace(strings.ReplaceAll(c.Data, "\u00a0", " ")) != "" {
					inline = inline || quote
					text = true
				}
			case c.Type == html.ElementNode && c.DataAtom == atom.Blockquote:
				walk(c) // for the containers inside it
				quote = true
			case c.Type == html.ElementNode:
				ci, ct, cq := walk(c)
				inline = inline || ci || quote && ct
				text = text || ct
				quote = quote || cq
			}
		}
		if isGmailQuote(n) {
			out[n] = inline
		}
		return inline, text, quote
	}
	walk(doc)
	return out
}

// flatHTMLText renders HTML that html.Parse rejects with the tokenizer:
// text and line breaks only.
func flatHTMLText(s string) string {
	w := &textWriter{}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return w.finish()
		case html.TextToken:
			if skip == 0 {
				w.text(html.UnescapeString(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Meta || a == atom.Link:
			case skipped[a]:
				skip++
			case a == atom.Br:
				w.newline()
			case blockNewlines[a] > 0:
				w.block(blockNewlines[a])
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] && skip > 0 {
				skip--
			} else if blockNewlines[a] > 0 {
				w.block(blockNewlines[a])
			}
		}
	}
}

func hasPrevCell(n *html.Node) bool {
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		if p.Type == html.ElementNode && (p.DataAtom == atom.Td || p.DataAtom == atom.Th) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// isHidden reports style="display:none" (preheaders, tracking blocks).
func isHidden(n *html.Node) bool {
	s := attr(n, "style")
	if s == "" {
		return false
	}
	s = strings.ToLower(strings.ReplaceAll(s, " ", ""))
	return strings.Contains(s, "display:none")
}

// flatText is the concatenated text of n's subtree, without structure.
func flatText(n *html.Node) string {
	s, _ := flatTextUpTo(n, -1)
	return s
}

// flatTextUpTo is flatText reading at most limit bytes and nodes (no
// limit when negative); whole is false when it stopped early. The walk is
// iterative: hostile nesting cannot exhaust the stack.
func flatTextUpTo(n *html.Node, limit int) (text string, whole bool) {
	var b strings.Builder
	c := n.FirstChild
	for budget := limit; c != nil; {
		if limit >= 0 {
			if budget--; c.Type == html.TextNode {
				budget -= len(c.Data)
			}
			if budget < 0 {
				return b.String(), false
			}
		}
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		if c.Type == html.ElementNode && !skipped[c.DataAtom] && c.FirstChild != nil {
			c = c.FirstChild
			continue
		}
		for c != nil && c != n && c.NextSibling == nil {
			c = c.Parent
		}
		if c == nil || c == n {
			break
		}
		c = c.NextSibling
	}
	return b.String(), true
}
