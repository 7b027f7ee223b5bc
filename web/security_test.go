package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock is a hand-moved clock for limiters and cookies.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLimiter(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T, every time.Duration, burst int) (*Limiter, *fakeClock) {
		t.Helper()
		clock := &fakeClock{now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
		return NewLimiter(every, burst, clock.Now), clock
	}

	t.Run("BurstThenRefill", func(t *testing.T) {
		t.Parallel()
		l, clock := setup(t, time.Minute, 3)
		for range 3 {
			require.True(t, l.Allow("a"))
		}
		require.False(t, l.Allow("a"), "burst spent")
		require.True(t, l.Allow("b"), "keys have their own bucket")
		clock.Advance(59 * time.Second)
		require.False(t, l.Allow("a"))
		clock.Advance(time.Second)
		require.True(t, l.Allow("a"), "one token back per minute")
		require.False(t, l.Allow("a"))
		clock.Advance(time.Hour)
		for range 3 {
			require.True(t, l.Allow("a"), "refills up to the burst, no more")
		}
		require.False(t, l.Allow("a"))
	})

	t.Run("DropsIdleBucketsWhenFull", func(t *testing.T) {
		t.Parallel()
		l, clock := setup(t, time.Second, 1)
		for i := range maxBuckets {
			l.Allow(strings.Repeat("x", i%7) + string(rune(i)))
		}
		require.Len(t, l.buckets, maxBuckets)
		clock.Advance(time.Second)
		require.True(t, l.Allow("new"))
		require.Len(t, l.buckets, 1, "refilled buckets were dropped")
	})
}

func TestClientIP(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:5555"
	r.Header.Add("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	require.Equal(t, "10.0.0.1", clientIP(r, false), "forwarded headers are ignored unless trusted")
	require.Equal(t, "203.0.113.7", clientIP(r, true), "the address the proxy saw, not the client's claim")
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC)
	c := &cookies{sessionKey: []byte("0123456789abcdef0123456789abcdef"), secure: true}
	issue := func(t *testing.T) *http.Cookie {
		t.Helper()
		w := httptest.NewRecorder()
		c.setSession(w, newSession("claire@example.org", now))
		cks := w.Result().Cookies()
		require.Len(t, cks, 1)
		return cks[0]
	}
	request := func(ck *http.Cookie) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(ck)
		return r
	}

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		ck := issue(t)
		require.Equal(t, "__Host-codev_session", ck.Name)
		s, ok := c.session(request(ck), now.Add(time.Hour))
		require.True(t, ok)
		require.Equal(t, "claire@example.org", s.Email)
		require.NotEmpty(t, s.Nonce)
	})

	t.Run("Expires", func(t *testing.T) {
		t.Parallel()
		ck := issue(t)
		_, ok := c.session(request(ck), now.Add(SessionTTL))
		require.False(t, ok)
	})

	t.Run("Tampered", func(t *testing.T) {
		t.Parallel()
		ck := issue(t)
		payload, sig, _ := strings.Cut(ck.Value, ".")
		forged := *ck
		forged.Value = strings.Replace(payload, "Y", "Z", 1) + "." + sig
		_, ok := c.session(request(&forged), now)
		require.False(t, ok)
		other := &cookies{sessionKey: []byte("another key, another purpose....")}
		_, ok = other.session(request(ck), now)
		require.False(t, ok, "a key for another purpose does not verify")
	})
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	ck := &cookies{sessionKey: []byte("k")}
	c := &csrf{key: []byte("csrf key"), cookies: ck}
	post := func(token string, cookies ...*http.Cookie) *http.Request {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(url.Values{"csrf": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for _, k := range cookies {
			r.AddCookie(k)
		}
		return r
	}

	sess := &session{Email: "a@example.org", Nonce: "n1"}
	token := c.token(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), sess)
	require.True(t, c.valid(post(token), sess))
	require.False(t, c.valid(post(token), &session{Email: "a@example.org", Nonce: "n2"}), "tied to the session")
	require.False(t, c.valid(post(""), sess))

	// Signed out: tied to the anonymous cookie set with the form.
	w := httptest.NewRecorder()
	token = c.token(w, httptest.NewRequest("GET", "/", nil), nil)
	anon := w.Result().Cookies()
	require.Len(t, anon, 1)
	require.True(t, c.valid(post(token, anon[0]), nil))
	require.False(t, c.valid(post(token), nil), "without the cookie")
	require.False(t, c.valid(post(token, &http.Cookie{Name: "codev_csrf", Value: "attacker-chosen-value"}), nil))
}

func TestAcceptLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, header, want string }{
		{"Empty", "", "fr"},
		{"English", "en-GB,en;q=0.9", "en"},
		{"FrenchFirst", "fr-CH, fr;q=0.9, en;q=0.8", "fr"},
		{"EnglishPreferred", "de;q=1, en;q=0.8, fr;q=0.5", "en"},
		{"Neither", "de, es", "fr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept-Language", tc.header)
			require.Equal(t, tc.want, acceptLanguage(r))
		})
	}
}

func TestPagesParse(t *testing.T) {
	t.Parallel()
	p, err := newPages()
	require.NoError(t, err)
	for _, name := range []string{"login", "login_sent", "confirm", "message", "groups", "group"} {
		require.Contains(t, p.byName, name)
	}
	w := httptest.NewRecorder()
	require.NoError(t, p.render(w, http.StatusOK, "login", &page{Lang: "en", Title: "Sign in", CSRF: "tok"}))
	require.Contains(t, w.Body.String(), `<html lang="en">`)
	require.Contains(t, w.Body.String(), `name="csrf" value="tok"`)
	require.Contains(t, w.Body.String(), "Send me a link")
	for key, m := range messages {
		require.NotEmpty(t, m[0], key)
		require.NotEmpty(t, m[1], key)
	}
}

func TestRedactAddresses(t *testing.T) {
	t.Parallel()
	require.Equal(t, "mail: smtp rcpt: 550 5.1.1 <<address>>: user unknown",
		redactAddresses("mail: smtp rcpt: 550 5.1.1 <claire.martin+x@example.org>: user unknown"))
	require.Equal(t, "no address here", redactAddresses("no address here"))
}
