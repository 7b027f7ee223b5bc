// Package web serves codev over HTTP: calendar feeds, health, and (later)
// the animators' pages. Only this package maps workflow error codes to HTTP
// statuses.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/codev-org/codev/workflow"
)

// Config configures the HTTP server.
type Config struct {
	Logger *slog.Logger
}

// Server is codev's HTTP server.
type Server struct {
	cfg     Config
	svc     *workflow.Service
	log     *slog.Logger
	handler http.Handler
}

// NewServer builds the routes.
func NewServer(cfg Config, svc *workflow.Service) *Server {
	s := &Server{cfg: cfg, svc: svc, log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cal/{file}", s.feed)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	s.handler = securityHeaders(mux)
	return s
}

// Handler returns the root handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
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
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
