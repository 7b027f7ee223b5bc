package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestFormsRefused posts forms that must be refused: without a token, with
// another session's, from another site, signed out.
func TestFormsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	claire := a.browser("192.0.2.1").signIn("claire@example.org")
	page := groupPath(a.lyon)
	action := page + "/sessions/2/cancel"
	confirm := func(csrf string) url.Values { return url.Values{"confirm": {"yes"}, "csrf": {csrf}} }

	forbidden := func(t *testing.T, c *browser, form url.Values, why string) {
		t.Helper()
		w := c.do("POST", action, form)
		require.Equal(t, http.StatusForbidden, w.Code, why)
		require.Contains(t, w.Body.String(), "Le formulaire a expiré ou ne vient pas de codev.", why)
	}
	forbidden(t, claire, url.Values{"confirm": {"yes"}}, "no token")
	forbidden(t, claire, confirm("forged"), "wrong token")

	// A token from another session of the same person does not work.
	other := a.browser("192.0.2.2").signIn("claire@example.org")
	forbidden(t, claire, confirm(other.csrf(page)), "another session's token")

	// Nor one sent from another site, whatever the token.
	for _, h := range [][2]string{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
	} {
		token := claire.csrf(page)
		claire.header.Set(h[0], h[1])
		forbidden(t, claire, confirm(token), h[0]+": "+h[1])
		claire.header.Del(h[0])
	}
	require.Contains(t, a.logs.String(), "web: Refused a form without a valid CSRF token")

	// Signed out, a form token from the sign-in page opens nothing.
	anon := a.browser("192.0.2.3")
	forbidden(t, anon, confirm(anon.csrf("/login")), "signed out")
	// And the sign-in form needs its anonymous cookie.
	w := a.browser("192.0.2.4").do("POST", "/login", url.Values{"email": {"claire@example.org"}, "csrf": {anon.csrf("/login")}})
	require.Equal(t, http.StatusForbidden, w.Code)
	a.srv.Wait()
	require.Len(t, a.mail.links("claire@example.org"), 2, "only the two sign-ins above")

	// Signed out, the pages send to the sign-in page; HEAD is refused.
	require.Equal(t, http.StatusSeeOther, anon.do("GET", page, nil).Code)
	require.Equal(t, http.StatusForbidden, anon.do("HEAD", page, nil).Code)

	require.Equal(t, workflow.SessionScheduled, a.state(a.lyon.Group.ID).SessionNumber(2).Status, "nothing was cancelled")

	// Chromium sends "Origin: null" with form posts under no-referrer; the
	// token decides, and a good one passes.
	claire.header.Set("Origin", "null")
	claire.header.Set("Sec-Fetch-Site", "same-origin")
	w = claire.post(page, action, url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	claire.header.Set("Origin", baseURL)
	w = claire.post(page, page+"/sessions/3/cancel", url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusSeeOther, w.Code, "our own origin")
}

// TestSessionCookies checks the cookie that carries a session over HTTP:
// tampered, expired and foreign cookies sign nobody in; the store's signer
// keeps sessions across restarts.
func TestSessionCookies(t *testing.T) {
	t.Parallel()

	signedOut := func(t *testing.T, c *browser, why string) {
		t.Helper()
		w := c.do("GET", "/groups", nil)
		require.Equal(t, http.StatusSeeOther, w.Code, why)
		require.Equal(t, "/login", w.Header().Get("Location"), why)
	}

	t.Run("Tampered", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		ck := claire.session()
		payload, sig, ok := strings.Cut(ck.Value, ".")
		require.True(t, ok)
		body, err := base64.RawURLEncoding.DecodeString(payload)
		require.NoError(t, err)
		var s session
		require.NoError(t, json.Unmarshal(body, &s))
		require.Equal(t, "claire@example.org", s.Email)

		// Claire makes herself admin: the signature no longer matches.
		s.Email = "root@example.org"
		forged, err := json.Marshal(s)
		require.NoError(t, err)
		mallory := a.browser("192.0.2.2")
		mallory.cookies[ck.Name] = &http.Cookie{Name: ck.Name, Value: base64.RawURLEncoding.EncodeToString(forged) + "." + sig}
		signedOut(t, mallory, "an edited payload")
		mallory.cookies[ck.Name] = &http.Cookie{Name: ck.Name, Value: payload}
		signedOut(t, mallory, "no signature")
		mallory.cookies[ck.Name] = &http.Cookie{Name: ck.Name, Value: payload + ".!!"}
		signedOut(t, mallory, "a signature that is not base64")
		mallory.cookies[ck.Name] = &http.Cookie{Name: "codev_session", Value: ck.Value}
		signedOut(t, mallory, "the cookie without its __Host- prefix")
	})

	t.Run("Expired", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		a.clock.Advance(SessionTTL - time.Second)
		require.Equal(t, http.StatusOK, claire.do("GET", "/groups", nil).Code)
		a.clock.Advance(time.Second)
		signedOut(t, claire, "sessions last 12 hours, on the service's clock")
	})

	t.Run("SurvivesRestart", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		page := groupPath(a.lyon)
		csrf := claire.csrf(page)
		a.srv = NewServer(Config{BaseURL: baseURL}, Services{Feeds: a.svc, Preferences: a.svc, SignIn: a.svc, Groups: a.svc, Changes: a.svc})
		require.Equal(t, http.StatusOK, claire.do("GET", "/groups", nil).Code, "keys derive from the store's secret")
		w := claire.do("POST", page+"/sessions/2/cancel", url.Values{"confirm": {"yes"}, "csrf": {csrf}})
		require.Equal(t, http.StatusSeeOther, w.Code, "and so do form tokens")
	})

	t.Run("AnotherServersCookie", func(t *testing.T) {
		t.Parallel()
		a, b := newApp(t), newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		claire.a = b
		signedOut(t, claire, "another store, another secret")
	})

	t.Run("NoSigner", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(_ *Config, svc *Services) { svc.SignIn = unsigned{svc.SignIn} })
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		require.Equal(t, http.StatusOK, claire.do("GET", "/groups", nil).Code, "random keys work")
		a.srv = NewServer(Config{BaseURL: baseURL}, Services{Feeds: a.svc, Preferences: a.svc, SignIn: unsigned{a.svc}, Groups: a.svc, Changes: a.svc})
		signedOut(t, claire, "random keys do not survive a restart")
	})
}

// unsigned is a SignIn without a token signer.
type unsigned struct{ SignIn }

func (unsigned) Signer() *workflow.Signer { return nil }

func TestNewServerNeedsEveryService(t *testing.T) {
	t.Parallel()
	svc := workflow.NewService(workflow.ServiceConfig{}, nil, nil, nil, nil, nil)
	require.PanicsWithValue(t, "web: NewServer needs every Services field", func() {
		NewServer(Config{}, Services{Feeds: svc, Preferences: svc, SignIn: svc, Groups: svc})
	})
}
