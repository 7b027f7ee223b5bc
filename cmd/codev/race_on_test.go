//go:build race

package main

// raceEnabled: the tests run with the race detector, and so does the codev
// binary they build (which then reuses the packages the tests compiled).
const raceEnabled = true
