package inbound

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Small string helpers shared by the line matchers. They avoid regexps and
// allocations on the hot path: Trim calls them on every line of every reply.

// normLine returns s with the spaces Outlook and Apple put in French text
// (U+00A0 before « : », U+202F, thin spaces) turned into ASCII spaces, and
// invisible marks (zero-width space, LRM/RLM, BOM) removed. Go's \s and
// [[:blank:]] are ASCII-only, so every matcher sees the normalised line
// (INTEROP.md §3.6.3). Lines without such characters are returned as is.
func normLine(s string) string {
	if !mayNeedNorm(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u202f', '\u2007', '\u2009', '\u200a', '\u2002', '\u2003', '\u3000':
			return ' '
		case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
}

// mayNeedNorm is a cheap byte scan: the runes normLine changes all start
// with 0xC2 0xA0, 0xE2 or 0xE3 0x80 or 0xEF 0xBB.
func mayNeedNorm(s string) bool {
	return strings.IndexByte(s, 0xE2) >= 0 || strings.IndexByte(s, 0xEF) >= 0 ||
		strings.IndexByte(s, 0xE3) >= 0 || strings.Contains(s, "\u00a0")
}

// isBlank reports whether s holds only spaces and tabs.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

func containsDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// containsWordChar reports whether s has a letter or a digit.
func containsWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring case. prefix must be lower
// case. ASCII letters are compared without case with a fast path; other
// runes through strings.EqualFold (case-folded pairs of different byte
// length, rare outside Turkish, are not matched).
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && foldEqual(s[:len(prefix)], prefix)
}

// hasSuffixFold is strings.HasSuffix ignoring case, as hasPrefixFold.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && foldEqual(s[len(s)-len(suffix):], suffix)
}

// foldEqual compares a with the lower-case lowerB ignoring case.
func foldEqual(a, lowerB string) bool {
	for i := 0; i < len(a); i++ {
		c, d := a[i], lowerB[i]
		if c >= 0x80 || d >= 0x80 {
			return strings.EqualFold(a[i:], lowerB[i:])
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// lowerWord returns the lower-cased first word of s, without allocating
// for short ASCII words; buf is scratch space.
func lowerWord(s string, buf *[24]byte) string {
	w := firstWord(s)
	if len(w) > len(buf) {
		return strings.ToLower(w)
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return strings.ToLower(w)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return string(buf[:len(w)])
}

// containsFold reports whether s contains sub (lower case ASCII) ignoring
// ASCII case. Non-ASCII bytes of sub must match exactly.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	first := sub[0]
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if c|0x20 != first && c != first {
			continue
		}
		if asciiEqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a, lowerB string) bool {
	for i := 0; i < len(a); i++ {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lowerB[i] {
			return false
		}
	}
	return true
}

// firstWord returns the leading run of s up to the first space or tab.
func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// runeCount is utf8.RuneCountInString, named for readability.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

// splitLines splits s on "\n" after turning CRLF and lone CR into LF.
func splitLines(s string) []string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.Split(s, "\n")
}

// wordCount counts whitespace-separated words.
func wordCount(s string) int {
	return len(strings.Fields(s))
}

// bytesIndexByte is strings.IndexByte for a byte slice without importing
// bytes for one call.
func bytesIndexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// asciiLower lower-cases ASCII letters only, so that byte offsets in the
// result are offsets in s (strings.ToLower may change lengths, for
// instance by replacing invalid UTF-8).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// trimLeftASCII is strings.TrimLeft for a cutset of ASCII bytes, without
// the set strings.TrimLeft builds on every call (the matchers run on every
// line).
func trimLeftASCII(s, set string) string {
	i := 0
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return s[i:]
}

// trimRightASCII is strings.TrimRight for a cutset of ASCII bytes.
func trimRightASCII(s, set string) string {
	j := len(s)
	for j > 0 && strings.IndexByte(set, s[j-1]) >= 0 {
		j--
	}
	return s[:j]
}

// trimAttribEnd trims the punctuation after an attribution verb: spaces,
// ".", ":", the full-width colon "：", ">", "*" and "-".
func trimAttribEnd(s string) string {
	for {
		r := strings.TrimSuffix(trimRightASCII(s, " \t.:>*-"), "：")
		if len(r) == len(s) {
			return s
		}
		s = r
	}
}

// asciiLowerByte lower-cases an ASCII letter.
func asciiLowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
