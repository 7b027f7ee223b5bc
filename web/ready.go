package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Check is one readiness check of /readyz: the database, SMTP, IMAP. Run
// returns nil when the dependency answers.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// readyTTL is how long /readyz reuses its results, so that a load balancer
// probing every second does not open an SMTP connection every second.
const readyTTL = 10 * time.Second

// readiness serves /readyz: 200 when every check passes, else 503. The body
// names the failing checks but not why (the log says why): it is public.
type readiness struct {
	checks []Check
	log    *slog.Logger

	mu      sync.Mutex
	at      time.Time
	results []error
}

func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	results := rd.run(r.Context())
	var b strings.Builder
	status := http.StatusOK
	for i, c := range rd.checks {
		if results[i] != nil {
			status = http.StatusServiceUnavailable
			fmt.Fprintf(&b, "%s: failing\n", c.Name)
		} else {
			fmt.Fprintf(&b, "%s: ok\n", c.Name)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(b.String()))
}

// run returns the cached results, or runs every check concurrently with a
// 5-second limit. Concurrent requests wait for one run.
func (rd *readiness) run(ctx context.Context) []error {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.results != nil && time.Since(rd.at) < readyTTL {
		return rd.results
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	results := make([]error, len(rd.checks))
	var wg sync.WaitGroup
	for i, c := range rd.checks {
		wg.Go(func() { results[i] = c.Run(ctx) })
	}
	wg.Wait()
	for i, err := range results {
		if err != nil {
			rd.log.WarnContext(ctx, "readyz: Check failed", slog.String("check", rd.checks[i].Name), slog.String("error", err.Error()))
		}
	}
	rd.at, rd.results = time.Now(), results
	return results
}
