package inbound

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzAlign parses arbitrary replies to codev's preparation request with
// the request known, and aligns arbitrary bodies with it: no panic, valid
// output, answers only to the request's questions.
func FuzzAlign(f *testing.F) {
	seedFiles(f, "testdata/replies/*.eml", "testdata/*.eml")
	raw, err := os.ReadFile(filepath.Join("testdata", "replies", "requests", "prepare.eml"))
	if err != nil {
		f.Fatal(err)
	}
	request := RequestText(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkMessage(t, Parse(b, Options{Request: request}))
		a := Align(string(b), request)
		if a.Questions != 8 {
			t.Fatalf("the request has 8 questions, got %d", a.Questions)
		}
		for q, s := range a.Answers {
			if q < 1 || q > 8 {
				t.Fatalf("answer to question %d", q)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in answer %d", q)
			}
		}
		if !utf8.ValidString(a.Text) {
			t.Fatal("invalid UTF-8 in text")
		}
	})
}
