package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCase is one rendered email of the fixture: a kind in a language,
// with an optional variant (see variants).
type goldenCase struct {
	lang    string
	kind    Kind
	variant string
}

// name is the golden file's base name: the kind, then the variant.
func (c goldenCase) name() string {
	if c.variant == "" {
		return string(c.kind)
	}
	return string(c.kind) + "-" + c.variant
}

// goldenCases lists every kind in both languages, plus the variants.
func goldenCases() []goldenCase {
	var cases []goldenCase
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			cases = append(cases, goldenCase{lang, kind, ""})
			for _, v := range variants[kind] {
				cases = append(cases, goldenCase{lang, kind, v})
			}
		}
	}
	return cases
}

// newSet builds the embedded set once per test.
func newSet(t *testing.T) *Set {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func render(t *testing.T, s *Set, c goldenCase) Rendered {
	t.Helper()
	r, err := s.Render(c.kind, fixture(c.kind, c.lang, c.variant))
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", c.kind, c.lang, err)
	}
	return r
}

// TestGolden compares every email of the fixture with
// testdata/golden/LANG/KIND.txt (subject, blank line, text part) and
// KIND.html. Run `go test ./templates -update` to rewrite them after a
// deliberate change, then read the diff.
func TestGolden(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	for _, c := range goldenCases() {
		t.Run(c.lang+"/"+c.name(), func(t *testing.T) {
			t.Parallel()
			r := render(t, s, c)
			dir := filepath.Join("testdata", "golden", c.lang)
			checkGolden(t, filepath.Join(dir, c.name()+".txt"), r.Subject+"\n\n"+r.Text)
			checkGolden(t, filepath.Join(dir, c.name()+".html"), r.HTML)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendered email (run with -update to accept the change):\n%s", path, firstDiff(string(want), got))
	}
}

// firstDiff shows the first differing line, which is usually enough to
// see what changed.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}
