package inbound

import (
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

// TestAdversarialTime parses every generated adversarial input (see
// package adversarial) and fails when one takes longer than
// adversarialBound. Each must also keep Parse's promises: a kind and a
// reason, valid UTF-8.
func TestAdversarialTime(t *testing.T) {
	bound := adversarialBound
	if raceEnabled {
		bound *= raceSlowdown
	}
	for _, in := range adversarial.All(hostileVars) {
		t.Run(in.Name, func(t *testing.T) {
			start := time.Now()
			m := Parse(in.Raw, Options{Questions: 7, RatingQuestion: 7})
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
	for _, in := range adversarial.All(hostileVars) {
		b.Run(in.Name, func(b *testing.B) {
			b.SetBytes(int64(len(in.Raw)))
			b.ReportAllocs()
			for b.Loop() {
				Parse(in.Raw, Options{Questions: 7, RatingQuestion: 7})
			}
		})
	}
}
