package templates

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NBSP is the no-break space (U+00A0) of French typography, the one
// convention codev follows everywhere in French: before « : ; ? ! », inside
// « guillemets », and inside clock times and durations (« 18 h 00 »,
// « 2 h 30 »), so that a mail client never wraps a line between a word and
// its punctuation or in the middle of a time. U+00A0 rather than the
// narrow U+202F that some typographers prefer before « ; ? ! »: every mail
// client's font has U+00A0, and one character is one rule to check.
const NBSP = "\u00a0"

// frenchSpacing returns s with French spacing: the ordinary space before
// « : ; ? ! » and on the inner side of « and » becomes NBSP. A space that
// follows another space or a line break is left alone, and so is the
// space before ":=", so that indented code (the CSS of the HTML layout,
// ":root") and template actions ("$line := lines .Text") keep their
// meaning. New applies it to the French template files as it parses
// them, and Questions and KindLabel to their French strings: templates are
// written with ordinary spaces, which are easier to read and to review,
// and the rule lives in one place. Free text that people wrote is never
// passed through it.
func frenchSpacing(s string) string {
	if !strings.ContainsAny(s, ":;?!«»") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' && i > 0 && s[i-1] != ' ' && s[i-1] != '\n' && s[i-1] != '\t' &&
			(i+1 < len(s) && strings.IndexByte(":;?!", s[i+1]) >= 0 && !strings.HasPrefix(s[i+1:], ":=") ||
				strings.HasPrefix(s[i+1:], "»")) {
			b.WriteString(NBSP)
			continue
		}
		if rest, ok := strings.CutPrefix(s[i:], "« "); ok {
			b.WriteString("«" + NBSP)
			i = len(s) - len(rest) - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// civilities are titles that may start a name; a greeting never stops at
// one (« Bonjour M. » would be rude), it uses the whole name instead.
var civilities = map[string]bool{
	"m": true, "mme": true, "mlle": true, "me": true, "dr": true, "pr": true,
	"mr": true, "mrs": true, "ms": true, "miss": true, "prof": true, "sir": true,
}

// FirstName is how a greeting addresses a person: « Bonjour Alice » for
// Alice Dupont. It is the first word of the name, hyphens included
// (Jean-Pierre Martin gives Jean-Pierre). Names written surname first in
// capitals, as French directories do (DUPONT Alice), give the first word
// that is not in capitals. A name that starts with a title (M., Mme, Dr) or
// has one word is used whole. Group files name members first name first;
// a name this rule gets wrong (a double first name without a hyphen, such
// as Marie Claire Dupont, gives Marie) reads as a familiar greeting, never
// as a surname.
func FirstName(name string) string {
	words := strings.Fields(name)
	if len(words) < 2 {
		return strings.TrimSpace(name)
	}
	if civilities[strings.ToLower(strings.TrimSuffix(words[0], "."))] {
		return strings.Join(words, " ")
	}
	for _, w := range words {
		if !allCaps(w) {
			return w
		}
	}
	return words[0]
}

// allCaps reports whether w has at least two letters, all upper case
// (DUPONT, not Jean or É.).
func allCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2 && utf8.RuneCountInString(w) >= 2
}
