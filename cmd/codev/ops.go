package main

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/codev-org/codev/mail/imapwatch"
	"github.com/codev-org/codev/web"
)

// jobMetrics is a River worker middleware that reports each job's queue
// wait and run time to the Prometheus metrics.
type jobMetrics struct {
	river.MiddlewareDefaults
	metrics *web.Metrics
}

var _ rivertype.WorkerMiddleware = (*jobMetrics)(nil)

// Work implements rivertype.WorkerMiddleware.
func (j *jobMetrics) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	wait := time.Duration(-1)
	if job.AttemptedAt != nil {
		wait = job.AttemptedAt.Sub(job.ScheduledAt)
	}
	err := doInner(ctx)
	j.metrics.ObserveJob(job.Kind, wait, time.Since(start), err)
	return err
}

// readyChecks are /readyz's checks: a transaction on the database, an SMTP
// handshake (EHLO, TLS, AUTH), and the IMAP watcher not backing off after
// errors (waiting for another process's lock is fine).
func (a *app) readyChecks() []web.Check {
	checks := []web.Check{
		{Name: "database", Run: a.svc.Ping},
		{Name: "smtp", Run: a.sender.Check},
	}
	if w := a.watcher; w != nil {
		checks = append(checks, web.Check{Name: "imap", Run: func(context.Context) error {
			if st := w.State(); st == imapwatch.StateBackoff || st == imapwatch.StateStopped {
				return fmt.Errorf("the IMAP watcher is %s: it cannot read the mailbox", st)
			}
			return nil
		}})
	}
	return checks
}

// probes are the gauges /metrics reads at scrape time.
func (a *app) probes() web.Probes {
	p := web.Probes{Held: a.svc.HeldCount, Jobs: a.db.JobCounts}
	if w := a.watcher; w != nil {
		p.IMAPState = func() string { return string(w.State()) }
	}
	return p
}
