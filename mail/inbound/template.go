package inbound

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The request a reply answers, as a template the reply is aligned with.
//
// codev knows the plain text of the email it sent. Mail clients quote it
// in many ways: with or without "> ", re-wrapped at 72 or 76 columns, from
// the HTML part (bold as "*…*", links as "text <url>", list numbers from
// <ol>), with non-breaking spaces changed. What they keep is the sequence
// of words. So both the request and the reply are read as sequences of
// word tokens (letters and digits, case-folded, punctuation and markup
// dropped), and a reply line belongs to the request when its words are a
// run of the request's words.

// maxRequestBytes bounds the request text read: codev's emails are a few
// kilobytes; a longer text is cut (only its first part is recognised).
const maxRequestBytes = 64 << 10

// maxLineTokens bounds the tokens read from one reply line: a run of the
// request is never that long, and longer lines are the sender's.
const maxLineTokens = 400

// template is a tokenised request.
type template struct {
	toks []int32          // token ids, in order
	ids  map[string]int32 // token text → id
	pos  [][]int32        // positions of each id in toks
	// lineOf is the request line of each token; lineStart and lineEnd give
	// each request line's token range.
	lineOf             []int32
	lineStart, lineEnd []int32
	// qStart and qEnd are the token ranges of questions 1..nq (index 0
	// unused); first and end bound the question block.
	qStart, qEnd []int32
	first, end   int32
	nq           int
}

// newTemplate tokenises a request's plain text and finds its questions:
// the lines "1. …", "2. …" that codev's templates write, numbered from 1
// in order.
func newTemplate(request string) *template {
	if len(request) > maxRequestBytes {
		request = request[:maxRequestBytes]
	}
	t := &template{ids: map[string]int32{}, qStart: []int32{0}, qEnd: []int32{0}}
	var buf []byte
	for _, l := range splitLines(validUTF8(request)) {
		n := normLine(l)
		start := int32(len(t.toks))
		if q, ok := requestQuestion(n); ok && q == t.nq+1 {
			t.nq = q
			t.qStart = append(t.qStart, start)
		}
		line := int32(len(t.lineStart))
		eachToken(n, &buf, func(word []byte, _, _ int) bool {
			id, ok := t.ids[string(word)]
			if !ok {
				id = int32(len(t.pos))
				t.ids[string(word)] = id
				t.pos = append(t.pos, nil)
			}
			t.pos[id] = append(t.pos[id], int32(len(t.toks)))
			t.toks = append(t.toks, id)
			t.lineOf = append(t.lineOf, line)
			return true
		})
		t.lineStart = append(t.lineStart, start)
		t.lineEnd = append(t.lineEnd, int32(len(t.toks)))
		if len(t.qEnd) < len(t.qStart) {
			t.qEnd = append(t.qEnd, int32(len(t.toks)))
		}
	}
	if t.nq > 0 {
		t.first, t.end = t.qStart[1], t.qEnd[t.nq]
	}
	return t
}

// requestQuestion reads the number of a question line of codev's own
// text: digits, a period and a space at the start of the line.
func requestQuestion(s string) (int, bool) {
	n, i := 0, 0
	for i < len(s) && i < 2 && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 0 || i+1 >= len(s) || s[i] != '.' || s[i+1] != ' ' {
		return 0, false
	}
	return n, true
}

// question returns the question whose text holds token position p, 0 if
// none.
func (t *template) question(p int32) int {
	if t.nq == 0 || p < t.first || p >= t.end {
		return 0
	}
	lo, hi := 1, t.nq
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.qStart[mid] <= p {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if p < t.qEnd[lo] {
		return lo
	}
	return 0
}

// lookup maps a reply word to its id in the request, -1 if the request
// does not have it.
func (t *template) lookup(word []byte) int32 {
	if id, ok := t.ids[string(word)]; ok {
		return id
	}
	return -1
}

// longest finds the longest run of the request equal to a prefix of toks.
// Among runs of the same length it prefers the first one starting at or
// after from (where the previous line of the reply ended), so that a
// phrase the request repeats is placed in reading order.
func (t *template) longest(toks []int32, from int32) (start, n int32) {
	if len(toks) == 0 || toks[0] < 0 {
		return 0, 0
	}
	best, bestN := int32(-1), int32(0)
	for _, p := range t.pos[toks[0]] {
		k := int32(0)
		for int(k) < len(toks) && int(p+k) < len(t.toks) && t.toks[p+k] == toks[k] {
			k++
		}
		switch {
		case k > bestN:
			best, bestN = p, k
		case k == bestN && best < from && p >= from:
			best = p
		}
	}
	return best, bestN
}

// fullNear returns a position in [lo, hi] where the whole of toks is a
// run of the request, or -1.
func (t *template) fullNear(toks []int32, lo, hi int32) int32 {
	if len(toks) == 0 || toks[0] < 0 {
		return -1
	}
	for _, p := range t.pos[toks[0]] {
		if p < lo || p > hi || int(p)+len(toks) > len(t.toks) {
			continue
		}
		k := 0
		for k < len(toks) && t.toks[int(p)+k] == toks[k] {
			k++
		}
		if k == len(toks) {
			return p
		}
	}
	return -1
}

// eachToken calls fn with each word of s, lower-cased into buf, and its
// byte range in s, until fn returns false. Words are runs of letters,
// digits and combining marks; everything else separates them. Bracketed
// URLs and addresses ("<https://…>", "<mailto:…>", "<a@b>") and "[cid:…]"
// images are skipped: clients add them after a link's text, and codev's
// plain text writes the URL once.
func eachToken(s string, buf *[]byte, fn func(word []byte, from, to int) bool) {
	start := -1
	flush := func(end int) bool {
		if start < 0 {
			return true
		}
		b := (*buf)[:0]
		for _, r := range s[start:end] {
			if r < utf8.RuneSelf {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				b = append(b, byte(r))
				continue
			}
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		*buf = b
		from := start
		start = -1
		return fn(b, from, end)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '<' || c == '[' {
			if j := skipBracketed(s, i); j > i {
				if !flush(i) {
					return
				}
				i = j
				continue
			}
		}
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start = i
				}
			} else if !flush(i) {
				return
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if start < 0 {
				start = i
			}
		} else if !flush(i) {
			return
		}
		i += size
	}
	flush(len(s))
}

// skipBracketed returns the end of a bracketed URL, address or cid image
// starting at s[i], or i when there is none there. The look-ahead is
// bounded, so the scan of a line stays linear.
func skipBracketed(s string, i int) int {
	closer := byte('>')
	if s[i] == '[' {
		if !strings.HasPrefix(s[i:], "[cid:") {
			return i
		}
		closer = ']'
	}
	limit := min(len(s), i+2048)
	for j := i + 1; j < limit; j++ {
		switch s[j] {
		case closer:
			inner := s[i+1 : j]
			if closer == ']' || strings.Contains(inner, "://") || strings.HasPrefix(inner, "mailto:") ||
				strings.IndexByte(inner, '@') > 0 {
				return j + 1
			}
			return i
		case ' ', '\t', '<':
			return i
		}
	}
	return i
}

// lineTokens tokenises a reply line against the request: ids (-1 for words
// the request does not have) and each word's byte offset in s, at most
// maxLineTokens.
func (t *template) lineTokens(s string, ids []int32, offs []int, buf *[]byte) ([]int32, []int) {
	ids, offs = ids[:0], offs[:0]
	eachToken(s, buf, func(w []byte, from, _ int) bool {
		ids = append(ids, t.lookup(w))
		offs = append(offs, from)
		return len(ids) < maxLineTokens
	})
	return ids, offs
}
