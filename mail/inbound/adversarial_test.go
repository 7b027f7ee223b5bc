package inbound

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/inbound/adversarial"
)

// adversarialBound is the most one adversarial input may take to parse.
// Each is about a megabyte and parses in 2 to 50 ms on one core; a
// quadratic step takes seconds to minutes (the folded calendar part took
// 30 s). The race detector slows code five to ten times in general, but
// this parser much more where it allocates and copies: the HTML inputs
// took 0.2 to 4 s under -race on the shared 2-core VM, so the bound is
// multiplied by raceSlowdown there (raceEnabled comes from the race build
// tag, as in cmd/codev).
const (
	adversarialBound = time.Second
	raceSlowdown     = 20
)

// adversarialInputs are the generated inputs of package adversarial and
// the options they are parsed with: as replies to the preparation request
// whose text codev kept (testdata/replies/requests/prepare.eml), so that
// the alignment with the request runs too, and the reading without it
// whenever the request is not found.
func adversarialInputs(t testing.TB) ([]adversarial.Input, Options) {
	t.Helper()
	raw, err := os.ReadFile("testdata/replies/requests/prepare.eml")
	require.NoError(t, err)
	request := RequestText(raw)
	ins := append(adversarial.All(hostileVars), adversarial.Replies(hostileVars, request)...)
	return ins, Options{Request: request, RatingQuestion: 7}
}

// TestAdversarialTime parses every generated adversarial input (see
// package adversarial) and fails when one takes longer than
// adversarialBound. Each must also keep Parse's promises: a kind and a
// reason, valid UTF-8.
func TestAdversarialTime(t *testing.T) {
	bound := adversarialBound
	if raceEnabled {
		bound *= raceSlowdown
	}
	ins, opts := adversarialInputs(t)
	for _, in := range ins {
		t.Run(in.Name, func(t *testing.T) {
			start := time.Now()
			m := Parse(in.Raw, opts)
			elapsed := time.Since(start)
			t.Logf("%d bytes in %s (%.0f MB/s): %s, %s", len(in.Raw), elapsed, float64(len(in.Raw))/elapsed.Seconds()/1e6, m.Kind, m.Reason)
			checkMessage(t, m)
			require.Less(t, elapsed, bound, "%s: %d bytes took %s", in.Note, len(in.Raw), elapsed)
		})
	}
}

// BenchmarkAdversarial parses each adversarial input; run it on one core
// (-cpu 1) to read the MB/s column against the bar of 10 MB/s.
func BenchmarkAdversarial(b *testing.B) {
	ins, opts := adversarialInputs(b)
	for _, in := range ins {
		b.Run(in.Name, func(b *testing.B) {
			b.SetBytes(int64(len(in.Raw)))
			b.ReportAllocs()
			for b.Loop() {
				Parse(in.Raw, opts)
			}
		})
	}
}
