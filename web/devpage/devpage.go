// Package devpage is the page of `codev dev`: the demo groups and their
// participants, each participant's inbox as their mail client would show it
// (with Accept and Decline buttons that send a real iTIP REPLY, and a reply
// form that quotes the original), the group's calendar feed, River UI, and a
// clock control that walks a whole cycle in minutes.
//
// Everything a participant does goes through SMTP into codev's mailbox, and
// codev reads it with its production IMAP watcher. The page binds to
// loopback and has no authentication or CSRF protection: it is a
// developer's tool, never mounted by `codev serve`.
package devpage

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/codev-org/codev/workflow"
)

// Mailboxes is the dev mail server.
type Mailboxes interface {
	// Mailbox returns the raw messages received for an address, oldest
	// first.
	Mailbox(addr string) [][]byte
	// Send submits a message through the SMTP server.
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// Clock is the dev clock the service runs on.
type Clock interface {
	Now() time.Time
	// Set moves the clock; it returns an error when it cannot keep the time.
	Set(t time.Time) error
}

// Config configures the page.
type Config struct {
	Service *workflow.Service
	Clock   Clock
	Mail    Mailboxes
	// BaseURL is codev's public URL (CODEV_BASE_URL), for feed links.
	BaseURL string
	// Web serves every path the page does not: codev's own routes.
	Web http.Handler
	// Jobs is River UI, mounted under /admin/jobs/; nil leaves it out.
	Jobs http.Handler
	// Settle bounds how long a clock move waits for the messages it makes
	// due to be sent, so that the page shows them; default 20s.
	Settle time.Duration
	Logger *slog.Logger
}

// JobsPath is where River UI is mounted (its Prefix).
const JobsPath = "/admin/jobs"

//go:embed page.html
var pageFS embed.FS

var page = template.Must(template.New("page.html").Funcs(template.FuncMap{
	"pathEscape": url.PathEscape,
}).ParseFS(pageFS, "page.html"))

// Page serves the dev page.
type Page struct {
	cfg Config
	log *slog.Logger
	mux *http.ServeMux
}

// New returns the page's handler.
func New(cfg Config) *Page {
	cfg.Settle = cmp.Or(cfg.Settle, 20*time.Second)
	p := &Page{cfg: cfg, log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)), mux: http.NewServeMux()}
	p.mux.Handle("GET /{$}", p.page(p.overview))
	p.mux.Handle("GET /inbox/{addr}", p.page(p.inbox))
	p.mux.HandleFunc("POST /inbox/{addr}/{n}/reply", p.reply)
	p.mux.HandleFunc("POST /inbox/{addr}/{n}/rsvp", p.rsvp)
	p.mux.HandleFunc("POST /clock", p.moveClock)
	if cfg.Jobs != nil {
		p.mux.Handle(JobsPath+"/", cfg.Jobs)
		p.mux.Handle(JobsPath, cfg.Jobs)
	}
	if cfg.Web != nil {
		p.mux.Handle("/", cfg.Web)
	}
	return p
}

// ServeHTTP implements http.Handler.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// view is what page.html renders: the header, and the overview or an inbox.
type view struct {
	Now    string
	Next   string // when the next message is due, "" when nothing is planned
	Back   string // the page's own path, where clock moves come back to
	Jobs   bool
	Flash  string
	Groups []*groupView
	Inbox  *inboxView
}

// page renders page.html with what fill puts in the view.
func (p *Page) page(fill func(r *http.Request, v *view, states []*workflow.State) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		states, err := p.cfg.Service.Groups(r.Context())
		if err != nil {
			p.fail(w, r, err)
			return
		}
		v := &view{Back: r.URL.RequestURI(), Jobs: p.cfg.Jobs != nil, Flash: flash(r.URL.Query().Get("done"))}
		loc := time.UTC
		if len(states) > 0 {
			loc = states[0].Group.Location()
		}
		v.Now = formatTime(p.cfg.Clock.Now(), loc)
		if next, err := p.cfg.Service.NextDue(r.Context()); err == nil && !next.IsZero() {
			v.Next = formatTime(next, loc)
		}
		if err := fill(r, v, states); errors.Is(err, errNotFound) {
			http.NotFound(w, r)
			return
		} else if err != nil {
			p.fail(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// Emails are shown in sandboxed srcdoc frames: no script runs, on
		// the page or in them.
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		if err := page.Execute(w, v); err != nil {
			p.log.ErrorContext(r.Context(), "devpage: Rendering failed", slog.String("error", err.Error()))
		}
	})
}

func (p *Page) fail(w http.ResponseWriter, r *http.Request, err error) {
	p.log.ErrorContext(r.Context(), "devpage: Request failed", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

func flash(done string) string {
	switch done {
	case "reply":
		return "Reply sent to codev's mailbox. codev reads it within seconds: reload to see the message marked answered."
	case "rsvp":
		return "Calendar answer (iTIP REPLY) sent to the organizer, codev's mailbox. Reload in a moment to see it recorded."
	case "clock":
		return "Clock moved; the messages that became due have been sent."
	case "nothing":
		return "Nothing else is planned: the cycle is over."
	case "slow":
		return "Clock moved; some messages are still being sent: reload in a moment."
	}
	return ""
}

// formatTime writes t in loc, e.g. "Tue 12 Jan 2027 18:00 CET".
func formatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

// moveClock moves the dev clock to the next planned message or by a day or
// a week, asks for a reconcile, and waits until what became due is sent.
func (p *Page) moveClock(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := p.cfg.Clock.Now()
	to := now
	switch r.FormValue("move") {
	case "next":
		next, err := p.cfg.Service.NextDue(ctx)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if next.IsZero() {
			redirect(w, r, r.FormValue("back"), "nothing")
			return
		}
		to = next
	case "day":
		to = now.AddDate(0, 0, 1)
	case "week":
		to = now.AddDate(0, 0, 7)
	default:
		http.Error(w, "move must be next, day or week", http.StatusBadRequest)
		return
	}
	if err := p.cfg.Clock.Set(to); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.cfg.Service.EnqueueReconcile(ctx); err != nil {
		p.fail(w, r, err)
		return
	}
	p.log.InfoContext(ctx, "devpage: Moved the clock", slog.Time("to", to))
	done := "clock"
	if !p.settle(ctx) {
		done = "slow"
	}
	redirect(w, r, r.FormValue("back"), done)
}

// settle waits until every message due at the clock's time is recorded and
// sent (or skipped), up to cfg.Settle. It reports whether it got there.
func (p *Page) settle(ctx context.Context) bool {
	deadline := time.Now().Add(p.cfg.Settle)
	asked := time.Now()
	for time.Now().Before(deadline) {
		states, err := p.cfg.Service.Groups(ctx)
		if err == nil {
			due, sending := pending(states, p.cfg.Clock.Now())
			if !due && !sending {
				return true
			}
			// A reconcile that was running when the clock moved read the
			// old time, and the enqueue was skipped as a duplicate of it:
			// ask again rather than wait for the periodic one.
			if due && time.Since(asked) > time.Second {
				_ = p.cfg.Service.EnqueueReconcile(ctx)
				asked = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return false
}

// pending reports whether messages are due and not recorded yet, and
// whether recorded ones are still waiting to be sent.
func pending(states []*workflow.State, now time.Time) (due, sending bool) {
	for _, st := range states {
		due = due || len(workflow.Due(st, now)) > 0
		for _, m := range st.Messages {
			sending = sending || m.Status == workflow.MessagePending || m.Status == workflow.MessageSending
		}
	}
	return due, sending
}

// redirect sends the browser back to a page of the dev page after a POST.
func redirect(w http.ResponseWriter, r *http.Request, back, done string) {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") {
		back = "/"
	}
	u, err := url.Parse(back)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("done", done)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// errNotFound is a participant or a message that does not exist.
var errNotFound = errors.New("devpage: not found")

// member finds the participant with an address, and their group.
func member(states []*workflow.State, addr string) (*workflow.Member, *workflow.State) {
	for _, st := range states {
		for _, m := range st.Members {
			if strings.EqualFold(m.Email, addr) {
				return m, st
			}
		}
	}
	return nil, nil
}

// message returns the n-th message (from 1) of a mailbox, parsed.
func (p *Page) message(addr, n string) (*email, int, error) {
	i, err := strconv.Atoi(n)
	box := p.cfg.Mail.Mailbox(addr)
	if err != nil || i < 1 || i > len(box) {
		return nil, 0, fmt.Errorf("%s has no message %s: %w", addr, n, errNotFound)
	}
	e, err := parseEmail(box[i-1])
	return e, i, err
}
