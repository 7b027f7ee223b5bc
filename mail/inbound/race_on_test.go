//go:build race

package inbound

// raceEnabled: the tests run with the race detector, which slows parsing
// five to ten times; time bounds are scaled by raceSlowdown.
const raceEnabled = true
