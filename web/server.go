// Package web serves codev over HTTP: calendar feeds, the animators' pages
// (one-time sign-in links, signed session cookies, CSRF tokens, rate
// limits), the members' preference pages, health, readiness, metrics and
// River UI. Only this package maps workflow error codes to HTTP statuses. It
// reaches the domain through the narrow interfaces of Services, never a
// concrete *workflow.Service.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Config configures the HTTP server.
type Config struct {
	Logger *slog.Logger
	// BaseURL is the public URL of the server (CODEV_BASE_URL): sign-in
	// links start with it, never with the request's Host header, and
	// cookies are Secure when it is https.
	BaseURL string
	// Limits are the rate limits of sign-in and feeds; nil fields take
	// the documented defaults.
	Limits Limits
	// TrustProxy makes rate limits count by the address a reverse proxy
	// puts last in X-Forwarded-For instead of the peer's (CODEV_TRUST_PROXY).
	TrustProxy bool
	// Metrics, when set, is served at /metrics; MetricsToken, when set, is
	// the bearer token /metrics requires (CODEV_METRICS_TOKEN).
	Metrics      *Metrics
	MetricsToken string
	// Ready are the checks of /readyz (database, SMTP, IMAP).
	Ready []Check
	// AdminJobs is River UI's handler, served to admins under /admin/jobs;
	// nil serves nothing there.
	AdminJobs http.Handler
}

// Services are the domain's use cases the server calls, through one narrow
// interface per part, each declared beside the handlers that use it: the
// calendar feeds, the preference pages, sign-in, the animators' pages and
// their actions. A *workflow.Service is all five; tests put a fake in one
// field to reach an error path. Every field is required.
type Services struct {
	Feeds       Feeds
	Preferences Preferences
	SignIn      SignIn
	Groups      Groups
	Changes     Changes
}

// Server is codev's HTTP server.
type Server struct {
	cfg     Config
	feeds   Feeds
	prefs   Preferences
	log     *slog.Logger
	handler http.Handler
	ui      *ui
}

// NewServer builds the routes. It panics when a field of svc is nil: that
// is a wiring mistake, better found at start than on the first request.
func NewServer(cfg Config, svc Services) *Server {
	if svc.Feeds == nil || svc.Preferences == nil || svc.SignIn == nil || svc.Groups == nil || svc.Changes == nil {
		panic("web: NewServer needs every Services field")
	}
	s := &Server{cfg: cfg, feeds: svc.Feeds, prefs: svc.Preferences, log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cal/{file}", s.feed)
	s.preferencesRoutes(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /readyz", &readiness{checks: cfg.Ready, log: s.log})
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics.Handler(cfg.MetricsToken, s.log))
	}
	s.ui = newUI(cfg, svc, s.log)
	s.ui.routes(mux)
	s.handler = securityHeaders(s.ui.guard(mux))
	return s
}

// Handler returns the root handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	err := Serve(ctx, ln, s.handler)
	s.Wait()
	return err
}

// Wait waits for the work a request left running after its response: the
// sign-in emails being sent. Callers that serve Handler themselves call it
// after shutting down.
func (s *Server) Wait() { s.ui.wait() }

// Serve serves h on ln until ctx is done, then shuts down gracefully. `codev
// dev` serves its page with it, around the Server's handler.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
