package templates

import (
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"slices"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"
)

// Both template engines parse the same files, and a template only parses
// when every function it names exists, so the two function maps have the
// same names. Only "link" differs: in HTML it marks a checked URL as safe.

// commonFuncs are the functions both engines share.
var commonFuncs = map[string]any{
	"tag":               subjectTag,
	"heading":           heading,
	"indent":            indent,
	"lines":             lines,
	"ints":              joinInts,
	"charterAcceptance": CharterAcceptance,
	"swapConfirmation":  SwapConfirmation,
	"firstName":         FirstName,
	"reason":            ReasonText,
}

var (
	textFuncs = texttemplate.FuncMap{"link": checkLink}
	htmlFuncs = htmltemplate.FuncMap{"link": safeLink}
)

func init() {
	for name, fn := range commonFuncs {
		textFuncs[name] = fn
		htmlFuncs[name] = fn
	}
}

// subjectTag is the bracketed group name that starts every subject, so
// that people can filter codev's mail: "[Codev Managers Lyon]". A group
// whose name already says Codev is not tagged twice.
func subjectTag(g Group) string {
	name := strings.TrimSpace(g.Name)
	switch {
	case name == "":
		return "[Codev]"
	case strings.HasPrefix(strings.ToLower(name), "codev"):
		return "[" + name + "]"
	}
	return "[Codev " + name + "]"
}

// heading underlines a plain-text heading with dashes, the setext form
// most plain-text readers recognise, as long as the title in characters.
func heading(title string) string {
	return title + "\n" + strings.Repeat("-", utf8.RuneCountInString(title))
}

// indent shifts every line of a free-text answer by two spaces in the
// plain-text part. This sets answers apart from their question and keeps
// an answer that starts with "1." from looking like one of the email's
// own questions to the reply parser.
func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}

// lines splits a free-text answer into its lines, so that the HTML part
// can keep the author's line breaks with <br>.
func lines(s string) []string {
	return strings.Split(strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")), "\n")
}

// joinInts writes ratings as "5, 4, 3", highest first, so that the order
// in which people answered cannot identify them.
func joinInts(ns []int) string {
	sorted := slices.Sorted(slices.Values(ns))
	slices.Reverse(sorted)
	parts := make([]string, len(sorted))
	for i, n := range sorted {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

// linkSchemes are the URL schemes an email may link to: web pages,
// calendar subscriptions and addresses.
var linkSchemes = map[string]bool{"https": true, "http": true, "webcal": true, "mailto": true}

// checkLink returns s if it is an absolute URL with an allowed scheme, so
// that a relative or garbled link fails the render instead of reaching
// someone's inbox.
func checkLink(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || !linkSchemes[strings.ToLower(u.Scheme)] {
		return "", fmt.Errorf("templates: not an absolute http, https, webcal or mailto link: %q", s)
	}
	return s, nil
}

// safeLink is checkLink for the HTML part. html/template would replace a
// webcal: link by "#ZgotmplZ", so checked links are marked as safe URLs;
// the template still escapes them for the attribute.
func safeLink(s string) (htmltemplate.URL, error) {
	s, err := checkLink(s)
	return htmltemplate.URL(s), err
}
