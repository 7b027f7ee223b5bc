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
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 0xC2:
			if i+1 < len(s) && s[i+1] == 0xA0 {
				return true
			}
		case 0xE2, 0xE3, 0xEF:
			return true
		}
	}
	return false
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
// case; case-folded pairs of different byte length (rare outside Turkish)
// are not matched.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// hasSuffixFold is strings.HasSuffix ignoring case, with the same caveat.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
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
