package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/pgtest"
	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow/workflowtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// databaseURL returns a fresh, empty database of each kind: tests run
// `codev migrate` themselves.
func databaseURL(t *testing.T, kind string) string {
	t.Helper()
	if kind == "postgres" {
		return pgtest.NewEmptyDatabase(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "codev.db")
}

const e2eGroup = `name: Managers Lyon
language: fr
timezone: Europe/Paris
visio: https://meet.example.org/managers-lyon
animator: {name: Claire Martin, email: claire@example.org}
members:
  - {name: Alice Dupont, email: alice@example.org}
  - {name: Bob Martin, email: bob@example.org, unavailable: [3]}
  - {name: Chloé Bernard, email: chloe@example.org}
  - {name: David Petit, email: david@example.org}
  - {name: Émilie Roux, email: emilie@example.org}
  - {name: François Moreau, email: francois@example.org}
sessions:
  duration: 2h
  dates: [SESSIONS]
`

var e2eDates = []string{"2027-01-12 18:00", "2027-02-09 18:00", "2027-03-09 18:00", "2027-04-13 18:00", "2027-05-11 18:00", "2027-06-08 18:00"}

type e2e struct {
	t     *testing.T
	env   map[string]string
	m     *Main
	out   *bytes.Buffer
	smtp  *smtptest.Server
	file  string
	clock *workflowtest.Clock
}

func newE2E(t *testing.T, kind string) *e2e {
	t.Helper()
	smtp := smtptest.NewServer(t)
	env := map[string]string{
		"CODEV_DATABASE_URL":       databaseURL(t, kind),
		"CODEV_SMTP_URL":           smtp.URL(),
		"CODEV_FROM":               "codev@example.org",
		"CODEV_BASE_URL":           "https://codev.example.org",
		"CODEV_RECONCILE_INTERVAL": "1h",
		"CODEV_ADDR":               "127.0.0.1:0",
	}
	out := &bytes.Buffer{}
	e := &e2e{t: t, env: env, out: out, smtp: smtp, file: filepath.Join(t.TempDir(), "group.yaml"),
		clock: workflowtest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))}
	e.m = &Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(k string) string { return env[k] }, Clock: e.clock,
		IMAPIdleRefresh: 2 * time.Second}
	return e
}

func (e *e2e) run(args ...string) {
	e.t.Helper()
	e.out.Reset()
	code := e.m.Run(context.Background(), args)
	require.Equal(e.t, 0, code, "codev %s: %s", strings.Join(args, " "), e.out.String())
}

func (e *e2e) writeGroup(dates []string) {
	e.t.Helper()
	quoted := make([]string, len(dates))
	for i, d := range dates {
		quoted[i] = `"` + d + `"`
	}
	body := strings.Replace(e2eGroup, "SESSIONS", strings.Join(quoted, ", "), 1)
	require.NoError(e.t, os.WriteFile(e.file, []byte(body), 0o600))
}

// TestInvitationsEndToEnd applies a group, lets the real wiring (River
// workers, reconciler, go-mail over SMTP on loopback) send the welcome and
// the invitations, then reschedules and cancels a session.
func TestInvitationsEndToEnd(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, kind)
			e.run("migrate")
			e.writeGroup(e2eDates)
			e.run("group", "apply", "-f", e.file)
			require.Contains(t, e.out.String(), `group "Managers Lyon" applied`)

			cfg, err := e.m.config()
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			app, err := e.m.start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			require.NoError(t, err)
			t.Cleanup(func() { cancel(); app.close() })

			participants := []string{"claire@example.org", "alice@example.org", "bob@example.org", "chloe@example.org",
				"david@example.org", "emilie@example.org", "francois@example.org"}
			// 6 welcomes (members) + 6 sessions × 7 participants.
			got := parseAll(t, e.smtp.WaitFor(6+6*7, 60*time.Second))
			require.Len(t, got, 6+6*7)
			uids := map[string]bool{}
			perRecipient := map[string]int{}
			welcomes := 0
			for _, g := range got {
				require.Equal(t, "codev@example.org", g.from)
				if g.cal == nil {
					welcomes++
					require.Contains(t, g.text, "https://codev.example.org/cal/", "the welcome links the member's feed")
					continue
				}
				require.Equal(t, "REQUEST", g.cal["METHOD"])
				require.Equal(t, "0", g.cal["SEQUENCE"])
				require.Equal(t, "mailto:codev@example.org", lastValue(g.cal["ORGANIZER"]))
				require.Equal(t, "mailto:"+g.to, lastValue(g.cal["ATTENDEE"]), "one attendee: the recipient")
				require.Contains(t, g.cal["ATTENDEE"], "RSVP=TRUE")
				require.Contains(t, g.cal["LOCATION"], "https://meet.example.org/managers-lyon")
				uids[g.cal["UID"]] = true
				perRecipient[g.to]++
			}
			require.Equal(t, 6, welcomes)
			require.Len(t, uids, 6, "one UID per session, the same for every recipient")
			for _, p := range participants {
				require.Equal(t, 6, perRecipient[p], "%s gets one invitation per session", p)
			}

			// Applying the same file again changes nothing and sends nothing.
			e.run("group", "apply", "-f", e.file)
			require.Contains(t, e.out.String(), "nothing changed")
			n, err := app.svc.Reconcile(ctx)
			require.NoError(t, err)
			require.Zero(t, n, "a reconcile after an unchanged apply records nothing")

			// Reschedule session 2: an updated REQUEST, SEQUENCE 1, same UID.
			session2 := uidOf(got, "2027-02-09")
			moved := append([]string{}, e2eDates...)
			moved[1] = "2027-02-16 18:30"
			e.writeGroup(moved)
			e.run("group", "apply", "-f", e.file)
			require.Contains(t, e.out.String(), "session 2 rescheduled")
			all := parseAll(t, e.smtp.WaitFor(48+7, 60*time.Second))
			updates := all[48:]
			for _, g := range updates {
				require.NotNil(t, g.cal)
				require.Equal(t, "REQUEST", g.cal["METHOD"])
				require.Equal(t, session2, g.cal["UID"])
				require.Equal(t, "1", g.cal["SEQUENCE"])
				require.Equal(t, "20270216T173000Z", g.cal["DTSTART"])
			}

			// Remove session 6: a CANCEL with a raised SEQUENCE to everyone.
			session6 := uidOf(got, "2027-06-08")
			e.writeGroup(moved[:5])
			e.run("group", "apply", "-f", e.file)
			require.Contains(t, e.out.String(), "session 6 cancelled")
			all = parseAll(t, e.smtp.WaitFor(55+7, 60*time.Second))
			recipients := map[string]bool{}
			for _, g := range all[55:] {
				require.NotNil(t, g.cal)
				require.Equal(t, "CANCEL", g.cal["METHOD"])
				require.Equal(t, "CANCELLED", g.cal["STATUS"])
				require.Equal(t, session6, g.cal["UID"])
				require.Equal(t, "1", g.cal["SEQUENCE"])
				require.Equal(t, `method=CANCEL`, g.method)
				recipients[g.to] = true
			}
			require.Len(t, recipients, 7)
			time.Sleep(500 * time.Millisecond)
			require.Len(t, e.smtp.Messages(), 62, "nothing else was sent")
		})
	}
}

type received struct {
	to, from, subject, text, method string
	cal                             map[string]string
}

func parseAll(t *testing.T, msgs []smtptest.Received) []received {
	t.Helper()
	var out []received
	for _, m := range msgs {
		require.Len(t, m.To, 1, "one recipient per message")
		require.True(t, strings.HasPrefix(m.From, "codev+"), "the envelope sender carries the token: %s", m.From)
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		r := received{to: m.To[0], subject: ent.Header.Get("Subject")}
		from := ent.Header.Get("From")
		require.Contains(t, from, "<codev@example.org>")
		r.from = "codev@example.org"
		require.Equal(t, "auto-generated", ent.Header.Get("Auto-Submitted"))
		require.True(t, strings.HasPrefix(ent.Header.Get("Reply-To"), "<codev+") || strings.HasPrefix(ent.Header.Get("Reply-To"), "codev+"))
		require.NoError(t, ent.Walk(func(_ []int, part *message.Entity, err error) error {
			if err != nil {
				return err
			}
			ct, params, _ := part.Header.ContentType()
			switch ct {
			case "text/plain":
				b, _ := io.ReadAll(part.Body)
				r.text = string(b)
			case "text/calendar":
				b, _ := io.ReadAll(part.Body)
				r.cal = icsProps(string(b))
				r.method = "method=" + params["method"]
			}
			return nil
		}))
		out = append(out, r)
	}
	return out
}

// icsProps unfolds an iCalendar object and maps property names to their
// whole line after the name (parameters included for ATTENDEE and
// ORGANIZER, value only for the others).
func icsProps(s string) map[string]string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	props := map[string]string{}
	for _, line := range strings.Split(s, "\r\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		base, params, _ := strings.Cut(name, ";")
		if base == "ATTENDEE" || base == "ORGANIZER" {
			props[base] = params + ":" + rest
			continue
		}
		if _, seen := props[base]; !seen || base != "BEGIN" {
			props[base] = rest
		}
	}
	return props
}

func lastValue(s string) string {
	i := strings.LastIndex(s, ":mailto:")
	if i < 0 {
		return s
	}
	return s[i+1:]
}

func uidOf(msgs []received, day string) string {
	for _, m := range msgs {
		if m.cal != nil && strings.HasPrefix(m.cal["DTSTART"], strings.ReplaceAll(day, "-", "")) {
			return m.cal["UID"]
		}
	}
	return ""
}
