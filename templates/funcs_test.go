package templates

import "testing"

func TestSubjectTag(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, group, want string }{
		{"Plain", "Managers Lyon", "[Codev Managers Lyon]"},
		{"AlreadyCodev", "Codev RH Nantes", "[Codev RH Nantes]"},
		{"Empty", "  ", "[Codev]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := subjectTag(Group{Name: tc.group}); got != tc.want {
				t.Errorf("subjectTag(%q) = %q, want %q", tc.group, got, tc.want)
			}
		})
	}
}

func TestCheckLink(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, link string
		ok         bool
	}{
		{"HTTPS", "https://codev.example.org/p/x", true},
		{"Webcal", "webcal://codev.example.org/cal/x.ics", true},
		{"Mailto", "mailto:claire@example.org", true},
		{"Relative", "/p/x", false},
		{"Empty", "", false},
		{"Script", "javascript:alert(1)", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := checkLink(tc.link)
			if (err == nil) != tc.ok {
				t.Errorf("checkLink(%q) error = %v, want ok = %v", tc.link, err, tc.ok)
			}
		})
	}
}

func TestTidy(t *testing.T) {
	t.Parallel()
	in := "\n\nTitle  \n\n\n\nBody\t\n-- \nFooter\n\n"
	want := "Title\n\nBody\n-- \nFooter\n"
	if got := tidy(in); got != want {
		t.Errorf("tidy = %q, want %q", got, want)
	}
}

func TestIndent(t *testing.T) {
	t.Parallel()
	if got, want := indent("1. first\n2. second\n"), "  1. first\n  2. second"; got != want {
		t.Errorf("indent = %q, want %q", got, want)
	}
}

func TestKindLabel(t *testing.T) {
	t.Parallel()
	for _, kind := range Kinds() {
		for _, lang := range Languages() {
			if _, ok := kindLabels[kind]; !ok || KindLabel(kind, lang) == "" {
				t.Errorf("KindLabel(%s, %s) = %q: no label", kind, lang, KindLabel(kind, lang))
			}
		}
	}
	if got := KindLabel(Prepare, "fr"); got != "questionnaire de préparation" {
		t.Errorf("KindLabel(Prepare, fr) = %q", got)
	}
	if got := KindLabel("other", "en"); got != "other" {
		t.Errorf("KindLabel(other) = %q", got)
	}
}
