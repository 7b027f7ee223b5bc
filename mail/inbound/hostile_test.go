package inbound

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/hostile"
)

var updateHostile = flag.Bool("hostile.update", false, "regenerate testdata/hostile from internal/hostile")

const hostileDir = "testdata/hostile"

// hostileVars are plausible stand-ins for the tokens of a running codev.
var hostileVars = hostile.Vars{
	Token:       "aaaaaaaaaaaaaaybqmzq3xv7h2kpmdvyfl4ymjgb",
	BobToken:    "aaaaaaaaaaaaaaydx5ozk2mrtgfy6ab2hjk3nlqu",
	NoticeToken: "aaaaaaaaaaaaabatm7vltwxbrw4ks5x3uqmzf2ha",
	MsgID:       "aaaaaaaaaaaaaaybqmzq3xv7h2kpmdvyfl4ymjgb.k3j5h7g9f1@example.org",
	UID:         "session-0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9@example.org",
}

// TestHostileCorpus parses every message of the committed hostile corpus
// (internal/hostile: broken MIME, deep nesting, lying charsets, header
// injection, scripts, forged senders, tampered tokens, auto-responders…)
// and checks that Parse keeps its promises on each: no panic, a kind and a
// reason, valid UTF-8, bounded time, and the classification that keeps
// codev safe (automatic replies recognised, injected lines never becoming
// addresses, scripts never reaching the text, a forger never read as
// Alice). cmd/codev's TestHostileMailEndToEnd sends the same corpus
// through IMAP, the watcher and the service.
func TestHostileCorpus(t *testing.T) {
	if *updateHostile {
		require.NoError(t, hostile.Write(hostileDir))
	}
	cases, files, err := hostile.Load(hostileDir)
	require.NoError(t, err, "run: go test ./mail/inbound -run TestHostileCorpus -hostile.update")
	wantCases, wantFiles := hostile.Corpus()
	require.Equal(t, len(wantCases), len(cases), "the committed corpus is stale: run with -hostile.update")
	for name, b := range wantFiles {
		require.True(t, bytes.Equal(b, files[name]), "%s differs from its generator: run with -hostile.update", name)
	}
	require.GreaterOrEqual(t, len(cases), 200)

	for _, c := range cases {
		raw := hostile.Fill(files[c.File], hostileVars)
		start := time.Now()
		m := Parse(raw, Options{Questions: 7, RatingQuestion: 7})
		elapsed := time.Since(start)
		t.Run(strings.TrimSuffix(c.File, ".eml"), func(t *testing.T) {
			checkMessage(t, m)
			require.Less(t, elapsed, 5*time.Second, "parsing took %s", elapsed)
			require.NotContains(t, m.Reason, "panic")
			checkHostile(t, c, m)
		})
	}
}

func checkHostile(t *testing.T, c hostile.Case, m *Message) {
	t.Helper()
	if c.AutoReply {
		require.Equal(t, KindAutoReply, m.Kind, "an automatic reply must be recognised: %s", m.Reason)
	}
	// Recipients only locate the token (codev never writes to them), so an
	// injected Bcc there is harmless; the sender must stay who wrote From.
	require.NotContains(t, m.From, "victim@evil.example", "an injected line became the sender")
	for _, s := range append([]string{m.From, m.MessageID}, m.Recipients...) {
		require.False(t, strings.ContainsAny(s, "\r\n\x00"), "address or id with a line break or NUL: %q", s)
	}
	if c.Category == "html" {
		for _, bad := range []string{"<script", "alert(", "document.cookie", "javascript:", "evil()", "@import"} {
			require.NotContains(t, m.Text, bad, "active content reached the text")
		}
		require.NotContains(t, m.Text, "hidden text", "hidden text (display:none or a comment) is not the reply")
	}
	if c.Category == "forged" && !strings.Contains(c.File, "cross-member") {
		require.NotEqual(t, "alice@example.org", m.From, "a forger was read as Alice")
	}
	if c.Member == "alice" && m.Kind == KindReply {
		require.Equal(t, "alice@example.org", m.From)
	}
}

// TestHostileBigAttachment parses a 20 MB reply (generated, not committed):
// the text is found and time and memory stay bounded.
func TestHostileBigAttachment(t *testing.T) {
	raw := hostile.Fill(hostile.BigAttachment(20<<20), hostileVars)
	start := time.Now()
	m := Parse(raw, Options{})
	checkMessage(t, m)
	require.Equal(t, KindReply, m.Kind, m.Reason)
	require.Contains(t, m.Text, "MARK-BIG-ATTACHMENT")
	require.Less(t, time.Since(start), 10*time.Second)
	// Over the size cap, only the header is read.
	m = Parse(raw, Options{MaxBytes: 10 << 20})
	checkMessage(t, m)
	require.Equal(t, KindUnknown, m.Kind)
	require.Equal(t, "alice@example.org", m.From)
	require.Contains(t, m.Reason, "exceeds MaxBytes")
}

func TestHostileDirIsGenerated(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(hostileDir, "*.eml"))
	cases, _ := hostile.Corpus()
	require.Len(t, paths, len(cases), "stray or missing files in %s: run with -hostile.update", hostileDir)
}
