package inbound

import (
	"encoding/json"
	"os"
	"testing"
)

func TestDumpTmp(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	m := Parse(b, Options{})
	j, _ := json.MarshalIndent(m.Summary(f), "", "  ")
	t.Logf("%s\nBODY:\n%s", j, m.Body)
}
