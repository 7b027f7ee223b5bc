package templates

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// embeddedCopy copies the embedded templates into a MapFS that a test can
// break.
func embeddedCopy(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := fs.ReadFile(embedded, path)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNew(t *testing.T) {
	t.Parallel()
	s := newSet(t)
	if got := len(s.entries); got != len(Kinds())*len(Languages()) {
		t.Errorf("%d templates, want %d", got, len(Kinds())*len(Languages()))
	}
	if _, err := newFromFS(embeddedCopy(t)); err != nil {
		t.Errorf("newFromFS on a copy of the embedded files: %v", err)
	}
}

// TestNewFailsOnBrokenTemplate checks that every kind of template mistake
// stops New, so that it stops the program at start.
func TestNewFailsOnBrokenTemplate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(m fstest.MapFS)
		want   string
	}{
		{"SyntaxError", func(m fstest.MapFS) {
			m["fr/welcome.tmpl"].Data = append(m["fr/welcome.tmpl"].Data, []byte("{{if}")...)
		}, "fr/welcome"},
		{"MissingKind", func(m fstest.MapFS) { delete(m, "en/digest.tmpl") }, "en/digest"},
		{"MissingCommon", func(m fstest.MapFS) { delete(m, "fr/common.tmpl") }, "fr/"},
		{"StrayFile", func(m fstest.MapFS) {
			m["fr/welcom.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "subject"}}x{{end}}`)}
		}, "welcom"},
		{"MissingHTML", func(m fstest.MapFS) {
			m["en/nudge.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "subject"}}s{{end}}{{define "text"}}t{{end}}`)}
		}, "en/nudge"},
		{"MisspeltField", func(m fstest.MapFS) {
			m["en/sign_in.tmpl"].Data = []byte(strings.Replace(string(m["en/sign_in.tmpl"].Data), ".Links.SignIn", ".Links.Signin", 1))
		}, "en/sign_in"},
		{"MisspeltFieldInRange", func(m fstest.MapFS) {
			m["fr/digest.tmpl"].Data = []byte(strings.Replace(string(m["fr/digest.tmpl"].Data), "{{.Length}}", "{{.Lenght}}", 1))
		}, "fr/digest"},
		{"UnknownFunction", func(m fstest.MapFS) {
			m["fr/nudge.tmpl"].Data = append(m["fr/nudge.tmpl"].Data, []byte(`{{define "x"}}{{shout .}}{{end}}`)...)
		}, "fr/nudge"},
		{"UnsafeHTMLContext", func(m fstest.MapFS) {
			m["en/review.tmpl"].Data = []byte(strings.Replace(string(m["en/review.tmpl"].Data), "<h1>", "<h1 {{.Lang}}", 1))
		}, "en/review"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := embeddedCopy(t)
			tc.mutate(m)
			_, err := newFromFS(m)
			if err == nil {
				t.Fatal("newFromFS succeeded on broken templates")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}
