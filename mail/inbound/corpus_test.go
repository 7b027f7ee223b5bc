package inbound

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The reply corpora (INTEROP.md §4.2) live next to the project; each
// directory's MANIFEST.md says how inputs map to expected outputs.
const corpusDir = "../../../shared/corpora/replies"

var showMisses = flag.Bool("corpus.misses", false, "log every corpus miss with its diff")

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func corpusPath(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{corpusDir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	return p
}

// names returns the sorted base names (without ext) of dir/*ext.
func names(t testing.TB, dir, ext string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ext) && !strings.Contains(strings.TrimSuffix(e.Name(), ext), ".") {
			out = append(out, strings.TrimSuffix(e.Name(), ext))
		}
	}
	sort.Strings(out)
	return out
}

// normLines is the whitespace normalisation behind "exact" in INTEROP.md
// §4.3: CRLF as LF, every line trimmed, blank lines dropped.
func normLines(s string) []string {
	var out []string
	for _, l := range splitLines(s) {
		if l = strings.TrimSpace(normLine(l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func normText(s string) string { return strings.Join(normLines(s), "\n") }

// keepsAll reports whether every non-blank expected line is in got.
func keepsAll(got, want string) bool {
	have := map[string]bool{}
	for _, l := range normLines(got) {
		have[l] = true
	}
	for _, l := range normLines(want) {
		if !have[l] {
			return false
		}
	}
	return true
}

// score accumulates one corpus' results.
type score struct {
	name                         string
	total, exact, keepAll, leaks int
	misses                       []string
}

func (s *score) add(t *testing.T, name, got, want string, leak bool) {
	t.Helper()
	s.total++
	ex := normText(got) == normText(want)
	if ex {
		s.exact++
	}
	if ex || keepsAll(got, want) {
		s.keepAll++
	}
	if leak {
		s.leaks++
	}
	if !ex || leak {
		s.misses = append(s.misses, name)
		if *showMisses {
			t.Logf("MISS %s/%s (leak=%v)\n--- got:\n%s\n--- want:\n%s", s.name, name, leak, got, want)
		}
	}
}

func (s *score) log(t *testing.T) {
	t.Helper()
	t.Logf("%s: %d cases, exact %d, keep-all %d, leaks %d; misses: %v",
		s.name, s.total, s.exact, s.keepAll, s.leaks, s.misses)
}

// TestCorpusEmailReplyTrimmer scores Trim on discourse/email_reply_trimmer's
// 64 hand-labelled cases. The upstream rule is strip + exact equality; a
// leak is a non-blank line of test/elided/NAME.txt that appears in our
// output while not being part of the expected reply.
func TestCorpusEmailReplyTrimmer(t *testing.T) {
	t.Parallel()
	dir := corpusPath(t, "email_reply_trimmer", "test")
	s := &score{name: "email_reply_trimmer"}
	strictExact := 0
	for _, n := range names(t, filepath.Join(dir, "emails"), ".txt") {
		in := readFile(t, filepath.Join(dir, "emails", n+".txt"))
		want := readFile(t, filepath.Join(dir, "trimmed", n+".txt"))
		elided := readFile(t, filepath.Join(dir, "elided", n+".txt"))
		got := Trim(in)
		if strings.TrimSpace(got) == strings.TrimSpace(strings.ReplaceAll(want, "\r\n", "\n")) {
			strictExact++
		}
		s.add(t, n, got, want, leaks(got, want, elided))
	}
	s.log(t)
	t.Logf("email_reply_trimmer strict (strip + byte equality, upstream rule): %d/%d", strictExact, s.total)
	require.Equal(t, 64, s.total)
	require.Equal(t, 64, strictExact, "misses: %v", s.misses)
	require.Zero(t, s.leaks)
}

// leaks reports whether a non-blank elided line is in got but not in want.
func leaks(got, want, elided string) bool {
	have := map[string]bool{}
	for _, l := range normLines(got) {
		have[l] = true
	}
	expected := map[string]bool{}
	for _, l := range normLines(want) {
		expected[l] = true
	}
	for _, l := range normLines(elided) {
		if have[l] && !expected[l] {
			return true
		}
	}
	return false
}

// TestCorpusCrisp scores Trim on crisp-email-reply-parser's 90 fixtures.
// The expected files are crisp's own output, which also strips sign-offs
// and signatures ("Regards", « Cordialement », a name); codev keeps
// sign-offs (INTEROP.md §3.6.7), so keep-all is the measure that matters and
// exact misses are mostly that convention.
func TestCorpusCrisp(t *testing.T) {
	t.Parallel()
	dir := corpusPath(t, "crisp-email-reply-parser")
	s := &score{name: "crisp"}
	var notKept []string
	for _, n := range names(t, filepath.Join(dir, "test", "fixtures"), ".txt") {
		in := readFile(t, filepath.Join(dir, "test", "fixtures", n+".txt"))
		want := readFile(t, filepath.Join(dir, "expected_visible_text", n+".txt"))
		got := Trim(in)
		s.add(t, n, got, want, false)
		if normText(got) != normText(want) && !keepsAll(got, want) {
			notKept = append(notKept, n)
		}
	}
	s.log(t)
	t.Logf("crisp keep-all misses: %v", notKept)
	require.Equal(t, 90, s.total)
	require.GreaterOrEqual(t, s.keepAll, 88, "keep-all misses: %v", notKept)
}

// TestCorpusTalonPlain scores Trim on talon's 45 plain-text pairs.
func TestCorpusTalonPlain(t *testing.T) {
	t.Parallel()
	dir := corpusPath(t, "talon", "extracted", "plain")
	s := &score{name: "talon plain"}
	for _, n := range names(t, dir, ".txt") {
		if n == "text_quotations__test_too_many_lines" {
			// Holds only with talon's MAX_LINES_COUNT patched to 1 (MANIFEST.md).
			continue
		}
		in := readFile(t, filepath.Join(dir, n+".txt"))
		want := readFile(t, filepath.Join(dir, n+".expected.txt"))
		s.add(t, n, Trim(in), want, false)
	}
	s.log(t)
	require.Equal(t, 44, s.total)
	require.Equal(t, 44, s.exact, "misses: %v", s.misses)
}

var _ = json.Marshal
var _ = regexp.MustCompile
