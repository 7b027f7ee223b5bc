package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestReadiness serves /healthz and /readyz: health is the process,
// readiness every dependency, named but never explained in public.
func TestReadiness(t *testing.T) {
	t.Parallel()
	var smtpDown atomic.Bool
	var runs atomic.Int32
	a := newApp(t, func(cfg *Config, _ *Services) {
		cfg.Ready = []Check{
			{Name: "database", Run: func(context.Context) error { runs.Add(1); return nil }},
			{Name: "smtp", Run: func(context.Context) error {
				if smtpDown.Load() {
					return errors.New("dial tcp 192.0.2.25:587: connection refused")
				}
				return nil
			}},
		}
	})
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		a.srv.Handler().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}

	w := get("/healthz")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "ok\n", w.Body.String())

	w = get("/readyz")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "database: ok\nsmtp: ok\n", w.Body.String())
	require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	get("/readyz")
	require.Equal(t, int32(1), runs.Load(), "results are reused for a while")

	// A fresh server runs the checks again.
	smtpDown.Store(true)
	a.srv = NewServer(Config{Logger: a.srv.log, Ready: a.srv.cfg.Ready}, Services{Feeds: a.svc, Preferences: a.svc, SignIn: a.svc, Groups: a.svc, Changes: a.svc})
	w = get("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, "database: ok\nsmtp: failing\n", w.Body.String(), "the body names the check, not why")
	require.Contains(t, a.logs.String(), "connection refused", "the log says why")
	require.Equal(t, int32(2), runs.Load())
}

func TestReadinessCache(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	rd := &readiness{checks: []Check{{Name: "imap", Run: func(context.Context) error { runs.Add(1); return nil }}},
		log: slog.New(slog.DiscardHandler)}
	for range 3 {
		w := httptest.NewRecorder()
		rd.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		require.Equal(t, "imap: ok\n", w.Body.String())
	}
	require.Equal(t, int32(1), runs.Load())
	rd.at = rd.at.Add(-readyTTL) // as if ten seconds went by
	rd.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/readyz", nil))
	require.Equal(t, int32(2), runs.Load(), "stale results are run again")
}

// TestMetrics serves /metrics behind its bearer token, with the Service's
// counters, the job histograms and the gauges read at scrape time.
func TestMetrics(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	a := newApp(t, func(cfg *Config, _ *Services) {
		cfg.Metrics, cfg.MetricsToken = m, "s3cret"
	})
	scrape := func(auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		a.srv.Handler().ServeHTTP(w, r)
		return w
	}
	for _, auth := range []string{"", "Bearer wrong", "s3cret", "Basic czNjcmV0"} {
		w := scrape(auth)
		require.Equal(t, http.StatusUnauthorized, w.Code, auth)
		require.Equal(t, `Bearer realm="codev metrics"`, w.Header().Get("WWW-Authenticate"))
	}

	m.MessageSent(workflow.KindInvitation)
	m.MessageSent(workflow.KindInvitation)
	m.MessageFailed(workflow.KindWelcome, true)
	m.InboundProcessed(string(workflow.MailReply), workflow.InboundHeld)
	m.ObserveJob("send", 30*time.Millisecond, 5*time.Millisecond, nil)
	m.ObserveJob("send", -1, time.Millisecond, errors.New("smtp down"))
	m.SetProbes(Probes{
		Held:      func(context.Context) (int, error) { return 3, nil },
		Jobs:      func(context.Context) (map[string]int64, error) { return nil, errors.New("river_job: no such table") },
		IMAPState: func() string { return "idle" },
	})
	w := scrape("Bearer s3cret")
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	for _, want := range []string{
		`codev_messages_sent_total{kind="invitation"} 2`,
		`codev_messages_failed_total{kind="welcome",permanent="true"} 1`,
		`codev_inbound_messages_total{kind="reply",status="held"} 1`,
		`codev_job_run_seconds_count{kind="send",outcome="ok"} 1`,
		`codev_job_run_seconds_count{kind="send",outcome="error"} 1`,
		`codev_job_queue_wait_seconds_count{kind="send"} 1`, // an unknown wait is not observed
		"codev_held_messages 3",
		`codev_imap_watcher_state{state="idle"} 1`,
		`codev_metrics_probe_errors{probe="held"} 0`,
		`codev_metrics_probe_errors{probe="jobs"} 1`,
		"go_goroutines",
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, "codev_river_jobs{")

	m.SetProbes(Probes{Jobs: func(context.Context) (map[string]int64, error) {
		return map[string]int64{"available": 2, "completed": 7}, nil
	}})
	body = scrape("Bearer s3cret").Body.String()
	require.Contains(t, body, `codev_river_jobs{state="completed"} 7`)
	require.NotContains(t, body, "codev_held_messages", "a probe that is not set is not reported")

	// Without a token /metrics is open (behind a private network).
	open := NewServer(Config{Metrics: m}, Services{Feeds: a.svc, Preferences: a.svc, SignIn: a.svc, Groups: a.svc, Changes: a.svc})
	w = httptest.NewRecorder()
	open.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code)
	slogErrorLog{a.srv.log}.Println("scrape", "failed")
	require.Contains(t, a.logs.String(), "metrics: Scrape failed")
}

// TestSecurityHeaders checks that every kind of response carries the
// headers that keep pages out of frames and scripts out of pages.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	claire := a.browser("192.0.2.1").signIn("claire@example.org")
	token := a.svc.Signer().Sign(workflow.TokenPreferences, member(t, a.lyon, "alice@example.org"))
	for _, path := range []string{
		"/login", "/groups", groupPath(a.lyon), groupPath(a.paris), "/nowhere", "/healthz", "/readyz",
		strings.TrimPrefix(a.svc.FeedURL(a.lyon.Group.FeedToken), baseURL), "/cal/short.ics", "/p/" + token,
	} {
		w := claire.do("GET", path, nil)
		h := w.Header()
		require.Equal(t, "DENY", h.Get("X-Frame-Options"), path)
		require.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
		require.Equal(t, "no-referrer", h.Get("Referrer-Policy"), path)
		csp := h.Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'", path)
		require.Contains(t, csp, "frame-ancestors 'none'", path)
		require.Contains(t, csp, "form-action 'self'", path)
		require.NotContains(t, csp, "script-src", "no page runs scripts: %s", path)
	}
}
