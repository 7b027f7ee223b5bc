package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/codev-org/codev/workflow"
)

// Metrics is codev's Prometheus instrumentation, served at /metrics. It has
// its own registry (no global state, so tests can build several). It
// implements workflow.Metrics for the Service's counters; the rest is read
// at scrape time through Probes.
type Metrics struct {
	reg       *prometheus.Registry
	sent      *prometheus.CounterVec
	failed    *prometheus.CounterVec
	inbound   *prometheus.CounterVec
	jobRun    *prometheus.HistogramVec
	jobWait   *prometheus.HistogramVec
	heldDesc  *prometheus.Desc
	jobsDesc  *prometheus.Desc
	imapDesc  *prometheus.Desc
	probeDesc *prometheus.Desc

	mu     sync.Mutex
	probes Probes
}

var _ workflow.Metrics = (*Metrics)(nil)

// Probes read gauges at scrape time. Nil fields are not reported.
type Probes struct {
	// Held counts the inbound messages held for review.
	Held func(ctx context.Context) (int, error)
	// Jobs counts River jobs by state (available, running, retryable…):
	// the queue depth.
	Jobs func(ctx context.Context) (map[string]int64, error)
	// IMAPState is the IMAP watcher's state (idle, polling, backoff…).
	IMAPState func() string
}

// NewMetrics returns the metrics, with Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "codev_messages_sent_total",
			Help: "Emails handed to the SMTP server, by kind."}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "codev_messages_failed_total",
			Help: "Failed delivery attempts, by kind; permanent=true for 5xx refusals, false for retried failures."}, []string{"kind", "permanent"}),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "codev_inbound_messages_total",
			Help: "Inbound emails processed, by kind (reply, bounce, calendar_reply…) and outcome (processed, ignored, held)."}, []string{"kind", "status"}),
		jobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "codev_job_run_seconds",
			Help: "Time River jobs took to run, by kind and outcome.", Buckets: prometheus.ExponentialBuckets(0.005, 4, 9)}, []string{"kind", "outcome"}),
		jobWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "codev_job_queue_wait_seconds",
			Help: "Time River jobs waited between being scheduled and starting, by kind.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 9)}, []string{"kind"}),
		heldDesc:  prometheus.NewDesc("codev_held_messages", "Inbound emails held for an animator's review.", nil, nil),
		jobsDesc:  prometheus.NewDesc("codev_river_jobs", "River jobs by state: the queue depth.", []string{"state"}, nil),
		imapDesc:  prometheus.NewDesc("codev_imap_watcher_state", "1 for the IMAP watcher's current state.", []string{"state"}, nil),
		probeDesc: prometheus.NewDesc("codev_metrics_probe_errors", "1 when a gauge could not be read at this scrape.", []string{"probe"}, nil),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.sent, m.failed, m.inbound, m.jobRun, m.jobWait, probeCollector{m})
	return m
}

// SetProbes sets the gauges read at scrape time, once the app is wired.
func (m *Metrics) SetProbes(p Probes) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.probes = p
}

// MessageSent implements workflow.Metrics.
func (m *Metrics) MessageSent(kind workflow.Kind) { m.sent.WithLabelValues(string(kind)).Inc() }

// MessageFailed implements workflow.Metrics.
func (m *Metrics) MessageFailed(kind workflow.Kind, permanent bool) {
	m.failed.WithLabelValues(string(kind), strconv.FormatBool(permanent)).Inc()
}

// InboundProcessed implements workflow.Metrics.
func (m *Metrics) InboundProcessed(kind, status string) {
	m.inbound.WithLabelValues(kind, status).Inc()
}

// ObserveJob records one run of a River job: how long it waited after it
// was scheduled, how long it ran and whether it returned an error.
func (m *Metrics) ObserveJob(kind string, wait, run time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	if wait >= 0 {
		m.jobWait.WithLabelValues(kind).Observe(wait.Seconds())
	}
	m.jobRun.WithLabelValues(kind, outcome).Observe(run.Seconds())
}

// Handler serves the metrics in Prometheus' format. With a non-empty
// token, requests must carry "Authorization: Bearer TOKEN".
func (m *Metrics) Handler(token string, log *slog.Logger) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slogErrorLog{log}})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="codev metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

type slogErrorLog struct{ log *slog.Logger }

func (l slogErrorLog) Println(v ...any) {
	l.log.Error("metrics: Scrape failed", slog.Any("error", v))
}

// probeCollector reads the Probes at scrape time.
type probeCollector struct{ m *Metrics }

func (c probeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.m.heldDesc
	ch <- c.m.jobsDesc
	ch <- c.m.imapDesc
	ch <- c.m.probeDesc
}

func (c probeCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	p := c.m.probes
	c.m.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	failed := func(name string, err error) {
		v := 0.0
		if err != nil {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.m.probeDesc, prometheus.GaugeValue, v, name)
	}
	if p.Held != nil {
		n, err := p.Held(ctx)
		if err == nil {
			ch <- prometheus.MustNewConstMetric(c.m.heldDesc, prometheus.GaugeValue, float64(n))
		}
		failed("held", err)
	}
	if p.Jobs != nil {
		counts, err := p.Jobs(ctx)
		for state, n := range counts {
			ch <- prometheus.MustNewConstMetric(c.m.jobsDesc, prometheus.GaugeValue, float64(n), state)
		}
		failed("jobs", err)
	}
	if p.IMAPState != nil {
		ch <- prometheus.MustNewConstMetric(c.m.imapDesc, prometheus.GaugeValue, 1, p.IMAPState())
	}
}
