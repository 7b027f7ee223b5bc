package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/codev-org/codev/groupfile"
	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/postgres"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/workflowtest"
)

// scaleResult is what one scale run measured, printed by the child
// process as JSON.
type scaleResult struct {
	Groups       int           `json:"groups"`
	Apply        time.Duration `json:"apply"`
	FirstPass    time.Duration `json:"first_pass"`
	FirstRecords int           `json:"first_records"`
	Pass         time.Duration `json:"pass"`      // median of steady passes, nothing due
	FullPass     time.Duration `json:"full_pass"` // a process's first pass, which reads every group
	DayPasses    int           `json:"day_passes"`
	DayReconcile time.Duration `json:"day_reconcile"` // all passes of the day
	DayRecords   int           `json:"day_records"`
	DaySend      time.Duration `json:"day_send"` // composing and rendering the day's messages
	PeakRSS      int64         `json:"peak_rss"` // bytes
}

// scaleGroup is group i of a scale run: 6 members, 6 monthly sessions, the
// groups' cycles spread over four weeks as a training organisation's are.
func scaleGroup(i int, base time.Time) string {
	paris, _ := time.LoadLocation("Europe/Paris")
	first := base.In(paris).AddDate(0, 0, 42+i%28)
	first = time.Date(first.Year(), first.Month(), first.Day(), 18, 0, 0, 0, paris)
	var b strings.Builder
	fmt.Fprintf(&b, "name: Groupe %05d\nlanguage: fr\ntimezone: Europe/Paris\nvisio: https://meet.example.org/g%05d\n", i, i)
	fmt.Fprintf(&b, "animator: {name: Animatrice %05d, email: anim%05d@example.org}\nmembers:\n", i, i)
	for m := 1; m <= 6; m++ {
		fmt.Fprintf(&b, "  - {name: Membre %d, email: m%05d-%d@example.org}\n", m, i, m)
	}
	fmt.Fprintf(&b, "sessions: {first: %q, every: month, count: 6, duration: 2h}\n", first.Format("2006-01-02 15:04"))
	return b.String()
}

// discardMailer renders each email (calendar and MIME) and drops it.
type discardMailer struct{}

func (discardMailer) Send(_ context.Context, e *workflow.Email) error {
	_, _, err := postman.Render(e)
	return err
}

type gen struct {
	mu sync.Mutex
	n  int
}

func (g *gen) next() int { g.mu.Lock(); defer g.mu.Unlock(); g.n++; return g.n }
func (g *gen) UID() string {
	return fmt.Sprintf("session-%012d@example.org", g.next())
}
func (g *gen) Token() string { return fmt.Sprintf("feedtoken%031d", g.next()) }

// runScale applies n groups to a migrated PostgreSQL database and times the
// reconciler: the first pass (every welcome and invitation), steady passes
// with nothing due, and one day of hourly passes with the sends they call
// for.
func runScale(ctx context.Context, url string, n int) (*scaleResult, error) {
	log := slog.New(slog.DiscardHandler)
	store, err := postgres.Open(ctx, url, log)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	var key []byte
	if err := store.InTx(ctx, func(tx workflow.Tx) (err error) { key, err = tx.Secret(ctx); return err }); err != nil {
		return nil, err
	}
	tpl, err := templates.New()
	if err != nil {
		return nil, err
	}
	base := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	clock := workflowtest.NewClock(base)
	mb, _ := workflow.ParseAddress("codev@example.org")
	svc := workflow.NewService(workflow.ServiceConfig{Mailbox: mb, BaseURL: "https://codev.example.org", Clock: clock, Logger: log},
		store, discardMailer{}, tpl, workflow.NewSigner(key), &gen{})
	res := &scaleResult{Groups: n}

	start := time.Now()
	if err := applyAll(ctx, svc, n, base); err != nil {
		return nil, err
	}
	res.Apply = time.Since(start)

	start = time.Now()
	if res.FirstRecords, err = svc.Reconcile(ctx); err != nil {
		return nil, err
	}
	res.FirstPass = time.Since(start)
	// As if every welcome and invitation had been sent; what follows from
	// them is recorded by the next passes.
	for k := res.FirstRecords; k > 0; {
		if err := markSent(ctx, store); err != nil {
			return nil, err
		}
		if k, err = svc.Reconcile(ctx); err != nil {
			return nil, err
		}
	}
	var passes []time.Duration
	for range 5 {
		start = time.Now()
		k, err := svc.Reconcile(ctx)
		if err != nil {
			return nil, err
		}
		if k != 0 {
			return nil, fmt.Errorf("a steady pass recorded %d messages", k)
		}
		passes = append(passes, time.Since(start))
	}
	res.Pass = median(passes)
	// A new process's first pass reads every group once.
	fresh := workflow.NewService(workflow.ServiceConfig{Mailbox: mb, BaseURL: "https://codev.example.org", Clock: clock, Logger: log},
		store, discardMailer{}, tpl, workflow.NewSigner(key), &gen{})
	start = time.Now()
	if _, err := fresh.Reconcile(ctx); err != nil {
		return nil, err
	}
	res.FullPass = time.Since(start)

	// One day, three weeks in, when the first clients' questionnaires fall
	// due: a pass every hour, then the messages recorded are composed and
	// rendered as the send jobs would.
	clock.Set(base.AddDate(0, 0, 21))
	if _, err := svc.Reconcile(ctx); err != nil { // catch up to the start of the day
		return nil, err
	}
	if err := markSent(ctx, store); err != nil {
		return nil, err
	}
	var ids []int64
	for h := 1; h <= 24; h++ {
		clock.Set(base.AddDate(0, 0, 21).Add(time.Duration(h) * time.Hour))
		start = time.Now()
		k, err := svc.Reconcile(ctx)
		if err != nil {
			return nil, err
		}
		res.DayReconcile += time.Since(start)
		res.DayRecords += k
		res.DayPasses++
	}
	rows, err := store.Pool().Query(ctx, `SELECT id FROM messages WHERE status = 'pending' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	start = time.Now()
	for _, id := range ids {
		if err := svc.Send(ctx, id, 0); err != nil {
			return nil, err
		}
	}
	res.DaySend = time.Since(start)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	res.PeakRSS = ru.Maxrss * 1024
	return res, nil
}

// markSent records every pending message sent, and drops their jobs.
func markSent(ctx context.Context, store *postgres.Store) error {
	_, err := store.Pool().Exec(ctx, `UPDATE messages SET status = 'sent', sent_at = now() WHERE status = 'pending'; DELETE FROM river_job`)
	return err
}

// applyAll applies n groups, eight at a time.
func applyAll(ctx context.Context, svc *workflow.Service, n int, base time.Time) error {
	work := make(chan int)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				spec, err := groupfile.Parse(strings.NewReader(scaleGroup(i, base)))
				if err == nil {
					_, err = svc.ApplyGroup(ctx, spec)
				}
				if err != nil {
					errs <- fmt.Errorf("group %d: %w", i, err)
					return
				}
			}
		})
	}
	var err error
feed:
	for i := range n {
		select {
		case work <- i:
		case err = <-errs:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	return err
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
