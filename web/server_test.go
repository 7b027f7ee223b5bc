package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func TestServerGuards(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv   *Server
		clock *fakeClock
		jobs  *int
	}

	setup := func(t *testing.T) *testBundle {
		t.Helper()
		clock := &fakeClock{now: time.Date(2027, 1, 1, 8, 0, 0, 0, time.UTC)}
		svc := workflow.NewService(workflow.ServiceConfig{Admins: []string{"root@example.org"}, Clock: clock}, nil, nil, nil, nil, nil)
		jobs := new(int)
		srv := NewServer(Config{
			BaseURL:      "https://codev.example.org",
			Limits:       Limits{Feed: NewLimiter(time.Hour, 2, clock.Now)},
			Metrics:      NewMetrics(),
			MetricsToken: "t0ken",
			AdminJobs: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				*jobs++
				_, _ = w.Write([]byte("river ui"))
			}),
		}, Services{Feeds: svc, Preferences: svc, SignIn: svc, Groups: svc, Changes: svc})
		return &testBundle{srv: srv, clock: clock, jobs: jobs}
	}

	serve := func(b *testBundle, r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		b.srv.Handler().ServeHTTP(w, r)
		return w
	}

	signedIn := func(t *testing.T, b *testBundle, email string, r *http.Request) *http.Request {
		t.Helper()
		w := httptest.NewRecorder()
		b.srv.ui.cookies.setSession(w, newSession(email, b.clock.Now()))
		r.AddCookie(w.Result().Cookies()[0])
		return r
	}

	t.Run("SecurityHeaders", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		w := serve(b, httptest.NewRequest("GET", "/login", nil))
		require.Equal(t, http.StatusOK, w.Code)
		h := w.Header()
		require.Equal(t, "DENY", h.Get("X-Frame-Options"))
		require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
		require.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
		require.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'")
		require.Equal(t, "no-store", h.Get("Cache-Control"))
	})

	t.Run("FeedRateLimit", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		get := func() int { return serve(b, httptest.NewRequest("GET", "/cal/short.ics", nil)).Code }
		require.Equal(t, http.StatusNotFound, get())
		require.Equal(t, http.StatusNotFound, get())
		require.Equal(t, http.StatusTooManyRequests, get(), "third request of the hour from one IP")
		b.clock.Advance(time.Hour)
		require.Equal(t, http.StatusNotFound, get())
	})

	t.Run("BodyLimit", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		body := url.Values{"email": {strings.Repeat("a", 100<<10)}}.Encode()
		r := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		require.Equal(t, http.StatusRequestEntityTooLarge, serve(b, r).Code)
	})

	t.Run("MetricsToken", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.Equal(t, http.StatusUnauthorized, serve(b, httptest.NewRequest("GET", "/metrics", nil)).Code)
		r := httptest.NewRequest("GET", "/metrics", nil)
		r.Header.Set("Authorization", "Bearer t0ken")
		w := serve(b, r)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "go_goroutines")
	})

	t.Run("AdminJobs", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		w := serve(b, httptest.NewRequest("GET", "/admin/jobs/", nil))
		require.Equal(t, http.StatusSeeOther, w.Code, "signed out: to the sign-in page")
		w = serve(b, signedIn(t, b, "claire@example.org", httptest.NewRequest("GET", "/admin/jobs/", nil)))
		require.Equal(t, http.StatusForbidden, w.Code, "not an admin")
		require.Zero(t, *b.jobs)

		w = serve(b, signedIn(t, b, "root@example.org", httptest.NewRequest("GET", "/admin/jobs/", nil)))
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "river ui", w.Body.String())
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "script-src 'self'", "River UI's scripts may run")
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")

		r := signedIn(t, b, "root@example.org", httptest.NewRequest("POST", "/admin/jobs/api/jobs/cancel", nil))
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, serve(b, r).Code, "another site's script")
		r = signedIn(t, b, "root@example.org", httptest.NewRequest("POST", "/admin/jobs/api/jobs/cancel", nil))
		require.Equal(t, http.StatusForbidden, serve(b, r).Code, "neither Fetch Metadata nor Origin")
		r = signedIn(t, b, "root@example.org", httptest.NewRequest("POST", "/admin/jobs/api/jobs/cancel", nil))
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		require.Equal(t, http.StatusOK, serve(b, r).Code)
		require.Equal(t, 2, *b.jobs)
	})
}
