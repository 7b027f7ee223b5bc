package inbound

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/hostile"
)

// leakMarker is written into the messages of TestReasonsQuoteNothing.
const leakMarker = "Zq7LeakMarker"

// TestReasonsQuoteNothing parses every message of the hostile corpus with
// the marker in each header field and body part, and every probe (the
// marker where a parser is tempted to quote: media type, charset, boundary,
// automatic-reply header, attendee, status, calendar syntax, delivery
// report…): the Reason, which is logged and may be shown, never carries
// it, in any case.
func TestReasonsQuoteNothing(t *testing.T) {
	t.Parallel()
	cases, files := hostile.Corpus()
	msgs := map[string][]byte{}
	for _, c := range cases {
		msgs[c.File] = hostile.Mark(hostile.Fill(files[c.File], hostileVars), leakMarker)
	}
	for _, p := range hostile.Probes() {
		msgs["probe "+p.Name] = []byte(strings.ReplaceAll(string(hostile.Fill(p.Raw, hostileVars)), "{{MARK}}", leakMarker))
	}
	kinds := map[Kind]int{}
	for name, raw := range msgs {
		m := Parse(raw, Options{})
		kinds[m.Kind]++
		require.NotContains(t, strings.ToLower(m.Reason), strings.ToLower(leakMarker), "%s: %s", name, m.Reason)
	}
	t.Logf("%d messages: %v", len(msgs), kinds)
	for _, k := range []Kind{KindReply, KindAutoReply, KindBounce, KindCalendarReply, KindUnknown} {
		require.Positive(t, kinds[k], "the marked messages still reach every kind (%s)", k)
	}
}
