package inbound

import (
	"regexp"
	"strings"
)

// The cutting rules of Trim, applied to the string of line labels as
// discourse/email_reply_trimmer does, with codev's changes: a mobile footer
// after text ends the reply, separators inside the reply and underlines
// stay, a single header-like line ("Date : …") is text, a sign-off or a
// substantial answer after a quote is kept, and a forward the sender points
// at ("FYI", « voir ci-dessous ») is kept whole.

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

	// Header blocks: a subject wrapped over two lines is still a block,
	// when it is one (it has a From line).
	if loc := reWrappedHeaders.FindIndex(pat); loc != nil && t.hasKind(idx[loc[0]:loc[1]], hdrFrom) {
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
// cut at: three headers or more including a From or a date line, or a From
// line with a date line.
func (t *trimmer) isHeaderBlock(idx []int, pat []byte, k int) bool {
	n := 0
	var kinds uint8
	for m := k; m < len(pat) && pat[m] == labHeader; m++ {
		n++
		kinds |= t.lines[idx[m]].hdr
	}
	return n >= 3 && kinds&(hdrFrom|hdrDate) != 0 || (n == 2 && kinds&hdrFrom != 0 && kinds&hdrDate != 0)
}

// hasKind reports whether one of the lines is a header of the given kind.
func (t *trimmer) hasKind(idx []int, kind uint8) bool {
	for _, i := range idx {
		if t.lines[i].hdr&kind != 0 {
			return true
		}
	}
	return false
}

// removeHeaderRuns drops runs of two header lines or more, with a From or
// a date line, that were not cut: leftovers of quoted headers. A single
// "Date : …" or "Objet : …" line, or "À : … / Objet : …" without a From or
// a date, is the sender's text and stays.
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
		if m-k == 1 || !t.hasKind(idx[k:m], hdrFrom|hdrDate) {
			for ; k < m; k++ {
				outIdx, outPat = append(outIdx, idx[k]), append(outPat, labText)
			}
		}
		k = m
	}
	return outIdx, outPat
}
