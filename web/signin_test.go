package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestSignIn signs animators in through emailed one-time links: the link
// works once and for 15 minutes, every address gets the same answer, and
// the form is rate limited per address and per IP.
func TestSignIn(t *testing.T) {
	t.Parallel()

	t.Run("LinkOpensASession", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		c := a.browser("192.0.2.1")
		w := c.do("GET", groupPath(a.lyon), nil)
		require.Equal(t, http.StatusSeeOther, w.Code, "signed out: sent to the sign-in page")
		require.Equal(t, "/login", w.Header().Get("Location"))
		require.Equal(t, "/login", c.do("GET", "/", nil).Header().Get("Location"))

		w = c.post("/login", "/login", url.Values{"email": {"  Claire@Example.org "}})
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "Si cette adresse est connue, un lien de connexion vient")
		a.srv.Wait()
		links := a.mail.links("claire@example.org")
		require.Len(t, links, 1, "the address is trimmed and lowercased")

		w = c.useLink(links[0])
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		require.Equal(t, "/groups", w.Header().Get("Location"))
		sess := c.session()
		require.NotNil(t, sess, "a __Host- session cookie over https")
		require.True(t, sess.Secure)
		require.True(t, sess.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, sess.SameSite)
		require.Equal(t, "/", sess.Path)
		require.Equal(t, int(SessionTTL/time.Second), sess.MaxAge)
		require.Contains(t, a.logs.String(), "web: Signed in")

		require.Equal(t, "/groups", c.do("GET", "/", nil).Header().Get("Location"))
		require.Equal(t, "/groups", c.do("GET", "/login", nil).Header().Get("Location"), "already signed in")
		w = c.do("GET", "/groups", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "claire@example.org", "the page names who is signed in")

		w = c.post("/groups", "/logout", nil)
		require.Equal(t, http.StatusSeeOther, w.Code)
		require.Equal(t, "/login", w.Header().Get("Location"))
		require.Nil(t, c.session(), "the cookie is cleared")
		require.Equal(t, http.StatusSeeOther, c.do("GET", "/groups", nil).Code)
	})

	t.Run("LinkWorksOnce", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		c := a.browser("192.0.2.2")
		link := c.requestLink("claire@example.org")
		require.Equal(t, http.StatusSeeOther, c.useLink(link).Code)
		again := a.browser("192.0.2.3")
		w := again.useLink(link)
		require.Equal(t, http.StatusGone, w.Code, "a link works once")
		require.Contains(t, w.Body.String(), "Lien expiré ou déjà utilisé")
		require.Nil(t, again.session())

		w = again.useLink("/login/" + strings.Repeat("a", 52))
		require.Equal(t, http.StatusGone, w.Code, "an unknown link looks the same")
		w = again.useLink("/login/short")
		require.Equal(t, http.StatusGone, w.Code, "a malformed one too")
	})

	t.Run("LinkExpires", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		c := a.browser("192.0.2.4")
		link := c.requestLink("olivier@example.org")
		a.clock.Advance(workflow.SignInValidity + time.Second)
		w := c.useLink(link)
		require.Equal(t, http.StatusGone, w.Code, "links last 15 minutes")
		require.Nil(t, c.session())
	})

	t.Run("UnknownAddressLooksTheSame", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		answer := func(email string) string {
			c := a.browser("192.0.2.5")
			w := c.post("/login", "/login", url.Values{"email": {email}})
			require.Equal(t, http.StatusOK, w.Code)
			return w.Body.String()
		}
		known := answer("claire@example.org")
		require.Equal(t, csrfInput.ReplaceAllString(known, ""), csrfInput.ReplaceAllString(answer("nobody@example.org"), ""),
			"an unknown address gets the same page")
		require.Equal(t, csrfInput.ReplaceAllString(known, ""), csrfInput.ReplaceAllString(answer("alice@example.org"), ""),
			"so does a member who is not an animator")
		a.srv.Wait()
		require.Len(t, a.mail.links("claire@example.org"), 1)
		require.Empty(t, a.mail.links("nobody@example.org"))
		require.Empty(t, a.mail.links("alice@example.org"))

		// An admin who animates no group gets a link, in the page's language.
		c := a.browser("192.0.2.6")
		c.header.Set("Accept-Language", "en")
		c.signIn("root@example.org")
		require.Contains(t, c.do("GET", "/groups", nil).Body.String(), `<html lang="en">`)
	})

	t.Run("InvalidAddress", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		c := a.browser("192.0.2.7")
		for _, email := range []string{"", "not-an-address", strings.Repeat("a", 250) + "@example.org"} {
			w := c.post("/login", "/login", url.Values{"email": {email}})
			require.Equal(t, http.StatusBadRequest, w.Code, email)
			require.Contains(t, w.Body.String(), "Cette adresse n&#39;est pas valide.")
		}
		a.srv.Wait()
		require.Empty(t, a.mail.emails)
	})

	t.Run("RateLimitedPerAddress", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		for i := range 3 {
			c := a.browser("192.0.2." + strconv.Itoa(10+i))
			require.Equal(t, http.StatusOK, c.post("/login", "/login", url.Values{"email": {"claire@example.org"}}).Code)
		}
		c := a.browser("192.0.2.20")
		w := c.post("/login", "/login", url.Values{"email": {"claire@example.org"}})
		require.Equal(t, http.StatusTooManyRequests, w.Code, "three links per address at once, whatever the IP")
		require.Equal(t, "300", w.Header().Get("Retry-After"))
		require.Contains(t, w.Body.String(), "Trop de demandes")
		a.srv.Wait()
		require.Len(t, a.mail.links("claire@example.org"), 3)

		a.clock.Advance(5 * time.Minute)
		require.Equal(t, http.StatusOK, c.post("/login", "/login", url.Values{"email": {"claire@example.org"}}).Code,
			"one more every five minutes")
	})

	t.Run("RateLimitedPerIP", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		c := a.browser("192.0.2.30")
		for i := range 10 {
			w := c.post("/login", "/login", url.Values{"email": {"someone" + strconv.Itoa(i) + "@example.org"}})
			require.Equal(t, http.StatusOK, w.Code)
		}
		w := c.post("/login", "/login", url.Values{"email": {"claire@example.org"}})
		require.Equal(t, http.StatusTooManyRequests, w.Code, "ten requests per IP at once")
		require.Equal(t, http.StatusOK, a.browser("192.0.2.31").post("/login", "/login", url.Values{"email": {"claire@example.org"}}).Code,
			"another IP is not limited")
	})

	t.Run("SendFailureIsLoggedWithoutAddress", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		a.mail.failWith(errors.New("smtp rcpt: 550 5.1.1 <claire@example.org>: user unknown"))
		c := a.browser("192.0.2.40")
		w := c.post("/login", "/login", url.Values{"email": {"claire@example.org"}})
		require.Equal(t, http.StatusOK, w.Code, "the answer does not wait for the email")
		a.srv.Wait()
		logs := a.logs.String()
		require.Contains(t, logs, "web: Sign-in link not sent")
		require.Contains(t, logs, "<<address>>: user unknown")
		require.NotContains(t, logs, "claire@example.org")
	})

	t.Run("ConsumeFails", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(_ *Config, svc *Services) {
			svc.SignIn = brokenSignIn{SignIn: svc.SignIn, err: errors.New("database is locked")}
		})
		c := a.browser("192.0.2.41")
		path := "/login/" + strings.Repeat("a", 52)
		w := c.do("GET", path, nil)
		require.Equal(t, http.StatusOK, w.Code)
		w = c.post(path, path, nil)
		require.Equal(t, http.StatusInternalServerError, w.Code)
		require.Contains(t, w.Body.String(), "Une erreur est survenue")
		require.Nil(t, c.session())
		require.Contains(t, a.logs.String(), "database is locked")
	})
}

// brokenSignIn is a SignIn whose links cannot be used: the store fails.
type brokenSignIn struct {
	SignIn
	err error
}

func (b brokenSignIn) ConsumeSignIn(_ context.Context, _ string) (string, error) { return "", b.err }
