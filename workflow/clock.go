package workflow

import "time"

// Clock tells the time. Everything that decides by time takes one, so tests
// and the dev mode can move it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
