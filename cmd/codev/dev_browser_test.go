package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromiumPath is Debian's chromium package; .ci/run installs it. Tests
// never download a browser.
const chromiumPath = "/usr/bin/chromium"

// screenshot is the picture of the dev page the README shows.
var screenshot = filepath.Join("..", "..", "docs", "dev-page.png")

// TestDevPageInBrowser walks the demo as a newcomer would, in headless
// Chromium: Alice reads her invitation and accepts it (an iTIP REPLY through
// SMTP into codev's mailbox), the clock moves to her questionnaire, she
// answers it with the reply form, the clock moves to the animator's digest,
// which shows her answer and her RSVP. The last page is the README's
// screenshot.
func TestDevPageInBrowser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("this test drives headless Chromium at %s, which is missing: apt-get install chromium (CI installs it): %v", chromiumPath, err)
	}
	d := startDev(t, t.TempDir())
	ctx := browser(t)
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), d.out.String())
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, d.out.String())
		return s
	}

	// The overview lists the participants; Alice's inbox holds the welcome
	// and the invitations once they are sent.
	run(chromedp.Navigate(d.url + "/"))
	people := text("#participants")
	for _, name := range []string{"Claire Martin", "Alice Dupont", "François Moreau"} {
		require.Contains(t, people, name)
	}
	waitText(t, ctx, d.url+"/inbox/alice@example.org", "#person", "7 emails")

	// The invitation to session 1: date, time and link, then Accept.
	run(chromedp.Click(`//ul[@id="messages"]//a[@data-kind="invitation"][contains(., "Séance 1/6")]`),
		chromedp.WaitVisible(chromedp.CSS("#invite")))
	when, link := text("#invite-when"), text("#invite-link")
	require.Regexp(t, `^\w+day \d+ \w+ \d{4}, 18:00–20:00 CES?T$`, when)
	require.Equal(t, "https://meet.example.org/codev-managers-lyon", link)
	run(chromedp.Click(chromedp.CSS("#accept")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	invitation := location(t, ctx)
	waitText(t, ctx, invitation, "#status", "RSVP recorded: accepted")

	// Next message: Alice is asked to prepare; she answers with the reply
	// form, quoting the questionnaire as a mail client does.
	run(chromedp.Click(chromedp.CSS("#clock-next")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	run(chromedp.Navigate(d.url+"/inbox/alice@example.org"),
		chromedp.Click(chromedp.CSS(`#messages a[data-kind="prepare"]`)),
		chromedp.WaitVisible(chromedp.CSS("#reply-body")))
	questions := text("#text")
	require.Contains(t, questions, "quel est votre problème, projet ou préoccupation")
	answer := "1. Je n'arrive pas à déléguer à mon équipe.\n7. J'aimerais que le groupe m'aide à lâcher prise."
	run(chromedp.SetValue(chromedp.CSS("#reply-body"), answer), chromedp.Click(chromedp.CSS("#reply-send")),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	waitText(t, ctx, location(t, ctx), "#status", "answered")

	// Move the clock until the animator's digest has gone out.
	digest := `#messages a[data-kind="digest"]`
	for i := 0; ; i++ {
		require.Less(t, i, 10, "no digest after 10 clock moves")
		run(chromedp.Navigate(d.url+"/"), chromedp.Click(chromedp.CSS("#clock-next")), chromedp.WaitVisible(chromedp.CSS("#flash")),
			chromedp.Navigate(d.url+"/inbox/claire@example.org"))
		found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+jsString(digest)+`) !== null`))
		require.NoError(t, err)
		if found {
			break
		}
	}
	run(chromedp.Click(chromedp.CSS(digest)), chromedp.WaitVisible(chromedp.CSS("#open")))
	body := text("#text")
	require.Contains(t, body, "Client·e\u00a0: Alice Dupont")
	require.Contains(t, body, "Je n'arrive pas à déléguer à mon équipe.")
	require.Contains(t, body, "J'aimerais que le groupe m'aide à lâcher prise.")
	require.Contains(t, body, "Alice Dupont\u00a0: sera présent·e")

	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshot, png, 0o644))
}

// browser starts headless Chromium for the test, with a fresh profile and
// the flags that keep it off the network.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 940),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "starting %s", chromiumPath)
	return ctx
}

// location returns the page's current URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	return u
}

// waitText loads url until the element sel contains want: codev reads its
// mailbox and sends in the background.
func waitText(t *testing.T, ctx context.Context, url, sel, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
		var err error
		got, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(sel)+`) || {}).innerText || ""`))
		require.NoError(t, err)
		if strings.Contains(got, want) {
			return
		}
	}
	t.Fatalf("%s: %s shows %q, never %q", url, sel, got, want)
}

// jsString quotes a selector for a script.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
