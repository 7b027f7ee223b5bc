package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/smtptest"
)

// TestAnimatorRescheduleInBrowser signs the animator in, in headless
// Chromium, through the link emailed to the in-process SMTP server, moves
// session 2 with the page's form, and checks that every participant was
// sent the updated invitation (SEQUENCE 1, the new time).
func TestAnimatorRescheduleInBrowser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("this test drives headless Chromium at %s, which is missing: apt-get install chromium (CI installs it): %v", chromiumPath, err)
	}
	e := newE2E(t, "sqlite")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	e.env["CODEV_BASE_URL"] = base // the emailed link must reach this server
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.web.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	before := e.smtp.WaitFor(6+6*7, 60*time.Second)
	require.Len(t, before, 48, "welcomes and invitations")
	session2 := uidOf(parseAll(t, before), "2027-02-09")
	require.NotEmpty(t, session2)

	b := browser(t)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			page, _ := chromedp.Run(b, chromedp.Evaluate[string]("document.location.href + '\\n' + document.body.innerText"))
			t.Fatalf("browser: %v; the page shows:\n%s", err, page)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err)
		return s
	}

	// Ask for a link, as the animator would on her phone.
	do(chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SetValue(chromedp.CSS("#email"), "claire@example.org"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
	require.Contains(t, text("main"), "If this address is known", "the browser asks for English")

	var links []string
	require.Eventually(t, func() bool {
		links = signInLinks(t, e.smtp, "claire@example.org")
		return len(links) == 1
	}, 30*time.Second, 50*time.Millisecond, "the sign-in email")
	require.True(t, strings.HasPrefix(links[0], base+"/login/"), links[0])

	// Open the emailed link: a confirmation button, then the groups.
	do(chromedp.Navigate(links[0]),
		chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/groups/"]`)))
	require.Equal(t, base+"/groups", location(t, b))
	require.Contains(t, text("main"), "Managers Lyon")

	// The group page, then session 2's form: a new date a week later.
	do(chromedp.Click(chromedp.CSS(`main a[href^="/groups/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#session-2")))
	require.Contains(t, text("#session-2 h3"), "mardi 9 février 2027 à 18\u00a0h\u00a000")
	do(chromedp.Click(chromedp.CSS("#session-2 details.actions summary")),
		chromedp.WaitVisible(chromedp.CSS("#start-2")),
		chromedp.SetValue(chromedp.CSS("#start-2"), "2027-02-16T18:30"),
		chromedp.Click(chromedp.CSS("#reschedule-2 button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	require.Contains(t, text(".flash"), "Séance déplacée")
	require.Contains(t, text("#session-2 h3"), "mardi 16 février 2027 à 18\u00a0h\u00a030")

	// Every participant gets the updated invitation: same UID, SEQUENCE 1.
	all := e.smtp.WaitFor(48+1+7, 60*time.Second)
	var updates []received
	for _, m := range all {
		if strings.HasPrefix(m.From, "codev+") { // not the sign-in email
			updates = append(updates, parseAll(t, []smtptest.Received{m})...)
		}
	}
	updates = updates[48:]
	require.Len(t, updates, 7)
	recipients := map[string]bool{}
	for _, g := range updates {
		require.NotNil(t, g.cal)
		require.Equal(t, "REQUEST", g.cal["METHOD"])
		require.Equal(t, session2, g.cal["UID"])
		require.Equal(t, "1", g.cal["SEQUENCE"])
		require.Equal(t, "20270216T173000Z", g.cal["DTSTART"])
		recipients[g.to] = true
	}
	require.Len(t, recipients, 7, "one updated invitation per participant")
}
