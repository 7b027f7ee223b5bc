package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"group", "--help"},
		{"group", "apply", "--help"}, {"group", "list", "--help"}, {"preview", "--help"}, {"inspect-mail", "--help"}, {"version", "--help"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, "sqlite")
			require.Equal(t, 0, e.m.Run(context.Background(), args), e.out.String())
			require.Contains(t, e.out.String(), "Usage")
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	require.Equal(t, 2, e.m.Run(context.Background(), []string{"frobnicate"}))
	require.Contains(t, e.out.String(), `unknown command "frobnicate"`)
}

func TestServeRefusesUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, kind)
			require.Equal(t, 1, e.m.Run(context.Background(), []string{"serve"}))
			require.Contains(t, e.out.String(), "run `codev migrate` first")
		})
	}
}

func TestServeRequiresConfiguration(t *testing.T) {
	t.Parallel()
	m := &Main{Stdout: io.Discard, Stderr: &strings.Builder{}, Getenv: func(string) string { return "" }}
	require.Equal(t, 1, m.Run(context.Background(), []string{"serve"}))
	out := m.Stderr.(*strings.Builder).String()
	require.Contains(t, out, "CODEV_FROM is not set")
	require.Contains(t, out, "CODEV_BASE_URL is not set")
	require.Contains(t, out, "CODEV_SMTP_URL is not set")
}

func TestGroupApplyRejectsBadFileAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	bad := strings.Replace(strings.Replace(e2eGroup, "SESSIONS", `"2027-01-12 18:00"`, 1), "bob@example.org", "bob@", 1)
	require.NoError(t, os.WriteFile(e.file, []byte(bad), 0o600))
	e.out.Reset()
	require.Equal(t, 1, e.m.Run(context.Background(), []string{"group", "apply", "-f", e.file}))
	require.Contains(t, e.out.String(), `members[1].email: "bob@" is not an email address`)
	e.run("group", "list")
	require.NotContains(t, e.out.String(), "Managers Lyon", "nothing of a bad file is stored")
}

func TestGroupList(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	e.run("group", "list")
	require.Contains(t, e.out.String(), "Managers Lyon")
	require.Contains(t, e.out.String(), "1: 2027-01-12 18:00 CET")
	require.Contains(t, e.out.String(), "claire@example.org")
}

func TestFeedServed(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	cfg, err := e.m.config()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	a, err := e.m.start(ctx, cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { cancel(); a.close() })
	srv := httptest.NewServer(a.web.Handler())
	t.Cleanup(srv.Close)

	// The welcome email carries the member's feed link.
	msgs := parseAll(t, e.smtp.WaitFor(48, 60*time.Second))
	var link string
	for _, m := range msgs {
		if m.cal == nil && m.to == "alice@example.org" {
			i := strings.Index(m.text, "https://codev.example.org/cal/")
			require.GreaterOrEqual(t, i, 0)
			link = strings.Fields(m.text[i:])[0]
		}
	}
	require.NotEmpty(t, link)
	path := strings.TrimPrefix(link, "https://codev.example.org")

	res, err := http.Get(srv.URL + path)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/calendar; charset=utf-8", res.Header.Get("Content-Type"))
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	ics := string(body)
	require.Equal(t, 6, strings.Count(ics, "BEGIN:VEVENT"))
	require.Contains(t, ics, "REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	require.NotContains(t, ics, "ORGANIZER")
	require.NotContains(t, ics, "ATTENDEE")
	require.NotContains(t, ics, "METHOD")
	for uid := range map[string]bool{uidOf(msgs, "2027-01-12"): true, uidOf(msgs, "2027-06-08"): true} {
		require.Contains(t, strings.ReplaceAll(ics, "\r\n ", ""), "UID:"+uid, "the feed uses the invitations' UIDs")
	}
	require.NoError(t, os.WriteFile(filepath.Join(t.TempDir(), "feed.ics"), body, 0o600))

	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("If-None-Match", etag)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotModified, res.StatusCode)

	for _, p := range []string{"/cal/aaaaaaaaaaaaaaaaaaaaaaaaaa.ics", "/cal/short.ics", "/cal/" + strings.Repeat("a", 200) + ".ics"} {
		res, err = http.Get(srv.URL + p)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusNotFound, res.StatusCode, p)
	}
}
