package inbound

import (
	"strings"
)

// Answer markers: how people number their answers. The forms seen from
// mail clients and their list autoformat are
//
//	1. …   1) …   1 - …   1- …   1/ …   1 : …   (1) …
//	Q1 …   Q1 : …   Question 1 : …   Question n°1 : …   Réponse 1 : …   R1 : …
//	**1.** …   *1.* …   *1. …*   (bold, as Gmail and Thunderbird write it)
//	a) …   b. …   (lettered, when the reply uses no numbers)
//	2. 5. …  (the client numbered the list, the sender typed the question's number)
//
// A marker is read by hand rather than by a regular expression: the forms
// combine freely, and the parser also says whether a label was written,
// which lifts the need for punctuation after the number ("Q1 Oui").

// marker is one answer marker found at the start of a line.
type marker struct {
	n      int    // question number (letters: a = 1)
	letter bool   // a lettered marker ("a)")
	rest   string // the text after the marker, trimmed
	off    int    // byte offset of rest in the line
}

// markerLabels open a labelled marker, longest first; they are matched
// without case.
var markerLabels = []string{"question", "réponse", "reponse", "answer", "rép.", "rep.", "rép", "rep", "q.", "q", "r"}

// parseMarker reads an answer marker at the start of a normalised line.
func parseMarker(s string) (marker, bool) {
	t := trimLeftASCII(s, " \t")
	t, em := trimEmphasis(t)
	labelled := false
	for _, l := range markerLabels {
		if !hasPrefixFold(t, l) {
			continue
		}
		r := trimLeftASCII(t[len(l):], " \t")
		r = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(r, "n°"), "N°"), "#")
		r = trimLeftASCII(r, " \t")
		if isDigitAt(r, 0) {
			t, labelled = r, true
			break
		}
	}
	paren := false
	if !labelled && strings.HasPrefix(t, "(") {
		t, paren = t[1:], true
	}
	m := marker{}
	i := 0
	for i < len(t) && i < 3 && t[i] >= '0' && t[i] <= '9' {
		m.n = m.n*10 + int(t[i]-'0')
		i++
	}
	switch {
	case i == 0 && !labelled && len(t) >= 2 && isASCIILetter(t[0]) && !isASCIILetter(t[1]):
		m.n, m.letter, i = int(asciiLowerByte(t[0])-'a')+1, true, 1
	case i == 0 || i > 2:
		return marker{}, false
	}
	after, ok := markerEnd(t[i:], labelled, paren, m.letter)
	if !ok || m.n == 0 {
		return marker{}, false
	}
	after = trimLeftASCII(after, " \t")
	m.off = len(s) - len(after)
	m.rest = strings.TrimSpace(after)
	if em != "" {
		m.rest = strings.TrimSpace(strings.TrimSuffix(m.rest, em))
	}
	return m, true
}

// markerEnd checks what follows a marker's number and returns the text
// after it (a suffix of t). A terminator is required unless a label was written; it must
// be followed by a space, the end of the line or, after "." or ")", a
// letter ("1.Oui"), so that "1-2 fois", "4/5" and "3.5" are not markers.
func markerEnd(t string, labelled, paren, letter bool) (string, bool) {
	t = trimClosingEmphasis(t)
	if paren {
		if !strings.HasPrefix(t, ")") {
			return "", false
		}
		t = t[1:]
		return trimClosingEmphasis(t), t == "" || t[0] == ' ' || t[0] == '\t'
	}
	sp := trimLeftASCII(t, " \t")
	spaced := len(sp) < len(t)
	var term string
	switch {
	case strings.HasPrefix(sp, ".") || strings.HasPrefix(sp, ")") || strings.HasPrefix(sp, ":") ||
		strings.HasPrefix(sp, "/") || strings.HasPrefix(sp, "-"):
		term = sp[:1]
	case strings.HasPrefix(sp, "–"), strings.HasPrefix(sp, "—"):
		term = sp[:len("–")]
	}
	if term == "" {
		if !labelled || !spaced && sp != "" {
			return "", false
		}
		return sp, true
	}
	if letter && term != ")" && term != "." && !(spaced && (term == "-" || term == "–" || term == "—")) {
		return "", false
	}
	if spaced && (term == "." || term == ")") && !labelled {
		return "", false // "1 . x" is not how people number
	}
	after := trimClosingEmphasis(sp[len(term):])
	after = strings.TrimPrefix(after, ")") // "1.)"
	after = trimLeftASCII(after, ":")      // "1. :"
	after = trimClosingEmphasis(after)
	if after == "" {
		return "", true
	}
	switch c := after[0]; {
	case c == ' ' || c == '\t':
		return after, true
	case (term == "." || term == ")") && !letter && (isASCIILetter(c) || c >= 0x80):
		return after, true
	}
	return "", false
}

// trimEmphasis removes leading bold or italic marks ("**", "*", "__",
// "_") and returns them, so that the closing ones can be removed too.
func trimEmphasis(s string) (string, string) {
	for _, em := range []string{"**", "__", "*", "_"} {
		if strings.HasPrefix(s, em) {
			return s[len(em):], em
		}
	}
	return s, ""
}

// trimClosingEmphasis removes emphasis marks right after a marker
// ("**1.**", "*1*.").
func trimClosingEmphasis(s string) string {
	return strings.TrimLeft(s, "*_")
}

func isDigitAt(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// answerMarker reads the marker of a line for question numbering up to
// limit. A second marker right after the first ("2. 5. …") is the number
// the sender typed in a list the client numbered itself: it wins.
func answerMarker(line string, limit int) (marker, bool) {
	m, ok := parseMarker(line)
	if !ok || m.n > limit {
		return marker{}, false
	}
	if !m.letter {
		if inner, ok := parseMarker(m.rest); ok && !inner.letter && inner.n <= limit && inner.n >= 1 {
			return inner, true
		}
	}
	return m, true
}
