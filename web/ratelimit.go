package web

import (
	"cmp"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limiter is a set of token buckets, one per key (an IP address, an email
// address), kept in memory: each key may spend Burst requests at once and
// gets one back every Every. It is safe for concurrent use. Limits reset
// when the process restarts, which is fine for their purpose: slowing down
// address probing, mail bombing through the sign-in form, and feed
// scraping.
type Limiter struct {
	every time.Duration
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory a flood of distinct keys can take: past it,
// full buckets (keys idle long enough to have refilled) are dropped.
const maxBuckets = 10000

// NewLimiter returns a Limiter. now is its clock; nil means time.Now.
func NewLimiter(every time.Duration, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{every: every, burst: float64(max(burst, 1)), now: now, buckets: map[string]*bucket{}}
}

// Allow spends one token of key's bucket and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+float64(elapsed)/float64(l.every))
		b.last = now
	}
}

func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Limits are the rate limits of the HTTP server. Nil fields take the
// defaults below, on the real clock.
type Limits struct {
	// SignInIP limits sign-in requests per client IP: 10 at once, then one
	// a minute.
	SignInIP *Limiter
	// SignInEmail limits sign-in links per address: 3 at once, then one
	// every 5 minutes, so that the form cannot flood someone's inbox.
	SignInEmail *Limiter
	// Feed limits calendar feed requests per client IP: 120 at once, then
	// 5 a second. Generous, because Google and Microsoft fetch every
	// subscriber's feed from a few addresses.
	Feed *Limiter
}

func (l Limits) withDefaults() Limits {
	l.SignInIP = cmp.Or(l.SignInIP, NewLimiter(time.Minute, 10, nil))
	l.SignInEmail = cmp.Or(l.SignInEmail, NewLimiter(5*time.Minute, 3, nil))
	l.Feed = cmp.Or(l.Feed, NewLimiter(200*time.Millisecond, 120, nil))
	return l
}

// clientIP is the address rate limits count by: the peer's, or with
// trustProxy the last one a reverse proxy appended to X-Forwarded-For
// (the one the proxy saw; earlier entries are the client's claims).
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
