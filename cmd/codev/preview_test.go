package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPreviewIndex renders the example group's cycle and reads index.txt:
// every message with when it goes out in UTC and in the group's zone, the
// two the same instant, and the moves of the timing rules visible (the
// D−10 reminder of a Tuesday 12 January session falls on Saturday 2
// January; New Year's Day is a holiday: Thursday 31 December).
func TestPreviewIndex(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	out := filepath.Join(t.TempDir(), "preview")
	e.run("preview", "-f", "../../examples/group.yaml", "--out", out)
	require.Contains(t, e.out.String(), "messages written to")
	index, err := os.ReadFile(filepath.Join(out, "index.txt"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(index)), "\n")
	require.Regexp(t, `^#\s+SENT AT \(UTC\)\s+SENT AT \(Europe/Paris\)\s+KIND\s+TO\s+FILE$`, lines[0])
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	row := regexp.MustCompile(`^\d+\s+(\d{4}-\d\d-\d\d \d\d:\d\d)\s+(\w{3} \d{4}-\d\d-\d\d \d\d:\d\d)\s+(\S+)\s+(\S+)\s+\S`)
	var reminder string
	for _, l := range lines[1:] {
		m := row.FindStringSubmatch(l)
		require.NotNil(t, m, "line %q", l)
		utc, err := time.Parse("2006-01-02 15:04", m[1])
		require.NoError(t, err)
		local, err := time.ParseInLocation("Mon 2006-01-02 15:04", m[2], paris)
		require.NoError(t, err)
		require.True(t, utc.Equal(local), "%s: %s UTC is not %s in Paris", l, m[1], m[2])
		if m[3] == "prepare_reminder" && m[4] == "alice@example.org" {
			reminder = m[2]
		}
	}
	require.Equal(t, "Thu 2026-12-31 18:00", reminder)
}
