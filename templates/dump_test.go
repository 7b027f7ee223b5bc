package templates

import (
	"fmt"
	"os"
	"testing"
)

func TestDump(t *testing.T) {
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	lang := os.Getenv("DUMP_LANG")
	for _, k := range Kinds() {
		if os.Getenv("DUMP_KIND") != "" && os.Getenv("DUMP_KIND") != string(k) {
			continue
		}
		r, err := s.Render(k, fixture(k, lang, os.Getenv("DUMP_VARIANT")))
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("DUMP_HTML") != "" {
			fmt.Println(r.HTML)
			continue
		}
		fmt.Printf("=== %s\n%s\n\n%s\n", k, r.Subject, r.Text)
	}
}
