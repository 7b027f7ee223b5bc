package hostile

import "testing"

func TestCorpusShape(t *testing.T) {
	cases, files := Corpus()
	if len(cases) < 200 {
		t.Fatalf("%d cases, want at least 200", len(cases))
	}
	size := 0
	perCat := map[string]int{}
	for _, c := range cases {
		if len(c.Expect) == 0 || c.Marker == "" || c.Note == "" {
			t.Errorf("%s: incomplete case %+v", c.File, c)
		}
		size += len(files[c.File])
		perCat[c.Category]++
	}
	t.Logf("%d cases, %d bytes, %v", len(cases), size, perCat)
	if size > 4<<20 {
		t.Errorf("corpus of %d bytes: keep committed files small", size)
	}
	if b := BigAttachment(20 << 20); len(b) > 20<<20 || len(b) < 20<<20-100 {
		t.Errorf("BigAttachment: %d bytes", len(b))
	}
}
