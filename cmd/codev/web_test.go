package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// otherGroup is a second group with its own animator, for access checks.
const otherGroup = `name: Cadres Paris
language: en
timezone: Europe/Paris
visio: https://meet.example.org/cadres-paris
animator: {name: Olivier Blanc, email: olivier@example.org}
members:
  - {name: Paul Henry, email: paul@example.org}
  - {name: Rose Vidal, email: rose@example.org}
  - {name: Sami Haddad, email: sami@example.org}
  - {name: Théo Garnier, email: theo@example.org}
  - {name: Ursula Klein, email: ursula@example.org}
sessions:
  duration: 2h
  dates: ["2027-01-19 18:00", "2027-02-16 18:00", "2027-03-16 18:00", "2027-04-20 18:00", "2027-05-18 18:00"]
`

// webClient drives the HTTP handler of a running app like a browser
// without JavaScript: it keeps cookies and reads the CSRF token of forms.
type webClient struct {
	t       *testing.T
	h       http.Handler
	ip      string
	cookies map[string]*http.Cookie
}

func newWebClient(t *testing.T, a *app, ip string) *webClient {
	return &webClient{t: t, h: a.web.Handler(), ip: ip, cookies: map[string]*http.Cookie{}}
}

func (c *webClient) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	path, _, _ = strings.Cut(path, "#") // browsers keep fragments to themselves
	r := httptest.NewRequest(method, "https://codev.example.org"+path, body)
	r.RemoteAddr = c.ip + ":40000"
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms on the page at path.
func (c *webClient) csrf(path string) string {
	c.t.Helper()
	w := c.do("GET", path, nil)
	require.Equal(c.t, http.StatusOK, w.Code, w.Body.String())
	m := csrfInput.FindStringSubmatch(w.Body.String())
	require.NotNil(c.t, m, "no CSRF token on %s", path)
	return m[1]
}

// post submits a form of the page at page to action, with its token.
func (c *webClient) post(page, action string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf(page))
	return c.do("POST", action, form)
}

var signInLink = regexp.MustCompile(`https?://[^/\s]+/login/([a-z2-7]{52})`)

// signInLinks returns the sign-in links the SMTP server received for to,
// oldest first.
func signInLinks(t *testing.T, srv *smtptest.Server, to string) []string {
	t.Helper()
	var out []string
	for _, m := range srv.Messages() {
		if len(m.To) != 1 || m.To[0] != to {
			continue
		}
		if link := signInLink.FindString(textOf(t, m.Data)); link != "" {
			out = append(out, link)
		}
	}
	return out
}

// textOf returns the decoded text/plain part of a message.
func textOf(t *testing.T, raw []byte) string {
	t.Helper()
	ent, err := message.Read(bytes.NewReader(raw))
	require.NoError(t, err)
	var text string
	require.NoError(t, ent.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if ct, _, _ := part.Header.ContentType(); ct == "text/plain" {
			b, _ := io.ReadAll(part.Body)
			text = string(b)
		}
		return nil
	}))
	return text
}

// requestLink asks for a sign-in link for email and returns it once it
// arrived.
func (c *webClient) requestLink(srv *smtptest.Server, email string) string {
	c.t.Helper()
	before := len(signInLinks(c.t, srv, email))
	w := c.post("/login", "/login", url.Values{"email": {email}})
	require.Equal(c.t, http.StatusOK, w.Code, w.Body.String())
	require.Contains(c.t, w.Body.String(), "Si cette adresse est connue, un lien de connexion vient")
	var links []string
	require.Eventually(c.t, func() bool {
		links = signInLinks(c.t, srv, email)
		return len(links) > before
	}, 30*time.Second, 20*time.Millisecond, "no sign-in email for %s", email)
	return links[len(links)-1]
}

// useLink opens a sign-in link and confirms it.
func (c *webClient) useLink(link string) *httptest.ResponseRecorder {
	c.t.Helper()
	path := strings.TrimPrefix(link, "https://codev.example.org")
	w := c.do("GET", path, nil)
	require.Equal(c.t, http.StatusOK, w.Code)
	require.Contains(c.t, w.Body.String(), `<form method="post" action="`+path+`">`, "GET only shows a confirmation form")
	return c.post(path, path, nil)
}

func (c *webClient) signIn(srv *smtptest.Server, email string) {
	c.t.Helper()
	w := c.useLink(c.requestLink(srv, email))
	require.Equal(c.t, http.StatusSeeOther, w.Code, w.Body.String())
	require.Equal(c.t, "/groups", w.Header().Get("Location"))
}

// TestAnimatorPages signs animators in through emailed one-time links and
// checks what the pages show and refuse: expired and reused links, CSRF,
// another animator's group, held messages.
func TestAnimatorPages(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.env["CODEV_ADMINS"] = "root@example.org"
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	other := filepath.Join(t.TempDir(), "other.yaml")
	require.NoError(t, os.WriteFile(other, []byte(otherGroup), 0o600))
	e.run("group", "apply", "-f", other)
	a := e.startApp(t)
	// Welcomes and invitations of both groups: 6 + 6×7 and 5 + 5×6.
	require.Len(t, e.smtp.WaitFor(48+35, 60*time.Second), 48+35)
	ctx := context.Background()
	lyon := e.state(t, a).Group.ID
	paris, err := a.svc.GroupByName(ctx, "Cadres Paris")
	require.NoError(t, err)
	lyonPage := "/groups/" + strconv.FormatInt(lyon, 10)
	parisPage := "/groups/" + strconv.FormatInt(paris.Group.ID, 10)

	claire := newWebClient(t, a, "192.0.2.1")

	t.Run("SignIn", func(t *testing.T) {
		claire.t = t
		w := claire.do("GET", lyonPage, nil)
		require.Equal(t, http.StatusSeeOther, w.Code, "signed out: sent to the sign-in page")
		require.Equal(t, "/login", w.Header().Get("Location"))

		link := claire.requestLink(e.smtp, "claire@example.org")
		w = claire.useLink(link)
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		var sess *http.Cookie
		for _, ck := range w.Result().Cookies() {
			if ck.Name == "__Host-codev_session" {
				sess = ck
			}
		}
		require.NotNil(t, sess, "a __Host- session cookie over https")
		require.True(t, sess.Secure)
		require.True(t, sess.HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, sess.SameSite)
		require.Equal(t, "/", sess.Path)
		require.Equal(t, 12*60*60, sess.MaxAge)

		w = claire.do("GET", "/groups", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "Managers Lyon")
		require.NotContains(t, w.Body.String(), "Cadres Paris", "only the groups one animates")

		w = claire.do("GET", lyonPage, nil)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		require.Contains(t, body, `<html lang="fr">`, "the group's language")
		require.Contains(t, body, "Séance 2")
		require.Contains(t, body, "Alice Dupont")
		require.Equal(t, "DENY", w.Header().Get("X-Frame-Options"))
		require.Contains(t, w.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	})

	t.Run("LinkWorksOnce", func(t *testing.T) {
		c := newWebClient(t, a, "192.0.2.2")
		link := c.requestLink(e.smtp, "claire@example.org")
		require.Equal(t, http.StatusSeeOther, c.useLink(link).Code)
		again := newWebClient(t, a, "192.0.2.3")
		w := again.useLink(link)
		require.Equal(t, http.StatusGone, w.Code, "a link works once")
		require.Contains(t, w.Body.String(), "Lien expiré ou déjà utilisé")
		require.NotContains(t, again.cookies, "__Host-codev_session")
	})

	t.Run("UnknownAddressLooksTheSame", func(t *testing.T) {
		c := newWebClient(t, a, "192.0.2.4")
		w := c.post("/login", "/login", url.Values{"email": {"nobody@example.org"}})
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "Si cette adresse est connue")
		w = c.post("/login", "/login", url.Values{"email": {"alice@example.org"}})
		require.Equal(t, http.StatusOK, w.Code, "a member who is not an animator gets the same answer")
		a.web.Wait()
		require.Empty(t, signInLinks(t, e.smtp, "nobody@example.org"))
		require.Empty(t, signInLinks(t, e.smtp, "alice@example.org"))
	})

	t.Run("RateLimitedPerAddress", func(t *testing.T) {
		// Three links per address at once, whatever the IP.
		for i := range 3 {
			c := newWebClient(t, a, "192.0.2."+strconv.Itoa(10+i))
			require.Equal(t, http.StatusOK, c.post("/login", "/login", url.Values{"email": {"david@example.org"}}).Code)
		}
		c := newWebClient(t, a, "192.0.2.20")
		w := c.post("/login", "/login", url.Values{"email": {"david@example.org"}})
		require.Equal(t, http.StatusTooManyRequests, w.Code)
		require.NotEmpty(t, w.Header().Get("Retry-After"))
	})

	t.Run("CSRF", func(t *testing.T) {
		claire.t = t
		action := lyonPage + "/sessions/2/cancel"
		w := claire.do("POST", action, url.Values{"confirm": {"yes"}})
		require.Equal(t, http.StatusForbidden, w.Code, "no token")
		w = claire.do("POST", action, url.Values{"confirm": {"yes"}, "csrf": {"forged"}})
		require.Equal(t, http.StatusForbidden, w.Code, "wrong token")

		// A token from another session of the same person does not work.
		c := newWebClient(t, a, "192.0.2.5")
		c.signIn(e.smtp, "claire@example.org")
		w = claire.do("POST", action, url.Values{"confirm": {"yes"}, "csrf": {c.csrf(lyonPage)}})
		require.Equal(t, http.StatusForbidden, w.Code, "another session's token")

		// Nor one sent from another site.
		form := url.Values{"confirm": {"yes"}, "csrf": {claire.csrf(lyonPage)}}
		r := httptest.NewRequest("POST", "https://codev.example.org"+action, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", "https://evil.example")
		for _, ck := range claire.cookies {
			r.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		a.web.Handler().ServeHTTP(rec, r)
		require.Equal(t, http.StatusForbidden, rec.Code, "cross-origin post")

		// The sign-in form is protected too.
		w = newWebClient(t, a, "192.0.2.6").do("POST", "/login", url.Values{"email": {"claire@example.org"}})
		require.Equal(t, http.StatusForbidden, w.Code)

		st := e.state(t, a)
		require.Equal(t, workflow.SessionScheduled, st.SessionNumber(2).Status, "nothing was cancelled")
	})

	t.Run("AnotherAnimatorsGroup", func(t *testing.T) {
		claire.t = t
		w := claire.do("GET", parisPage, nil)
		require.Equal(t, http.StatusForbidden, w.Code)
		require.NotContains(t, w.Body.String(), "Paul Henry")
		w = claire.post(lyonPage, parisPage+"/sessions/2/cancel", url.Values{"confirm": {"yes"}})
		require.Equal(t, http.StatusForbidden, w.Code, "a valid token does not open another group")
		w = claire.post(lyonPage, parisPage+"/feed", nil)
		require.Equal(t, http.StatusForbidden, w.Code)
		// A member of another group through this group's URL is refused too.
		paul := memberID(paris, "paul@example.org")
		w = claire.post(lyonPage, lyonPage+"/members/"+strconv.FormatInt(paul, 10)+"/pause", url.Values{"paused": {"1"}})
		require.Equal(t, http.StatusBadRequest, w.Code)
		st, err := a.svc.GroupByName(ctx, "Cadres Paris")
		require.NoError(t, err)
		require.False(t, st.Member(paul).Paused)
		require.Equal(t, workflow.SessionScheduled, st.SessionNumber(2).Status)
	})

	t.Run("AdminSeesAll", func(t *testing.T) {
		root := newWebClient(t, a, "192.0.2.7")
		root.signIn(e.smtp, "root@example.org")
		w := root.do("GET", "/groups", nil)
		require.Contains(t, w.Body.String(), "Managers Lyon")
		require.Contains(t, w.Body.String(), "Cadres Paris")
		w = root.do("GET", parisPage, nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), `<html lang="en">`)
		require.Contains(t, w.Body.String(), "Session 1")

		// River UI, for admins only.
		w = root.do("GET", "/admin/jobs/", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, strings.ToLower(w.Body.String()), "<!doctype html>")
		w = root.do("GET", "/admin/jobs/api/jobs?state=completed&limit=5", nil)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Contains(t, w.Body.String(), `"kind":"send"`)
		claire.t = t
		require.Equal(t, http.StatusForbidden, claire.do("GET", "/admin/jobs/", nil).Code)
	})

	t.Run("RotateFeed", func(t *testing.T) {
		claire.t = t
		feed := func(u string) int {
			w := httptest.NewRecorder()
			a.web.Handler().ServeHTTP(w, httptest.NewRequest("GET", strings.TrimPrefix(u, "https://codev.example.org"), nil))
			return w.Code
		}
		old := a.svc.FeedURL(e.state(t, a).Group.FeedToken)
		require.Equal(t, http.StatusOK, feed(old))
		w := claire.post(lyonPage, lyonPage+"/feed", nil)
		require.Equal(t, http.StatusSeeOther, w.Code)
		st := e.state(t, a)
		require.Equal(t, http.StatusNotFound, feed(old), "the old group feed is revoked")
		require.Equal(t, http.StatusOK, feed(a.svc.FeedURL(st.Group.FeedToken)))
		require.Contains(t, claire.do("GET", lyonPage, nil).Body.String(), st.Group.FeedToken, "the page shows the new link")

		bob := st.Member(memberID(st, "bob@example.org"))
		oldBob := a.svc.FeedURL(bob.FeedToken)
		require.Equal(t, http.StatusOK, feed(oldBob))
		w = claire.post(lyonPage, lyonPage+"/members/"+strconv.FormatInt(bob.ID, 10)+"/feed", nil)
		require.Equal(t, http.StatusSeeOther, w.Code)
		require.Equal(t, http.StatusNotFound, feed(oldBob), "a member's feed is revoked")
		require.Equal(t, http.StatusOK, feed(a.svc.FeedURL(e.state(t, a).Member(bob.ID).FeedToken)))
	})

	t.Run("HeldMessage", func(t *testing.T) {
		claire.t = t
		// Alice answers the welcome from her personal address: held.
		st := e.state(t, a)
		replyTo := replyToOf(t, e.smtp, "alice@example.org", "Bienvenue")
		raw := "From: alice.perso@gmail.example\r\nTo: " + replyTo + "\r\nSubject: Re: Bienvenue\r\n" +
			"Message-ID: <perso-1@gmail.example>\r\nDate: Wed, 02 Dec 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nJ'accepte la charte.\r\n\r\nAlice\r\n"
		_, err := a.svc.Deliver(ctx, &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 1, MessageID: "perso-1@gmail.example",
			Raw: []byte(raw), Size: int64(len(raw))})
		require.NoError(t, err)
		var held []*workflow.Inbound
		require.Eventually(t, func() bool {
			held, err = a.svc.Held(ctx, lyon)
			return err == nil && len(held) == 1
		}, 30*time.Second, 20*time.Millisecond)

		w := claire.do("GET", lyonPage, nil)
		body := w.Body.String()
		require.Contains(t, body, "alice.perso@gmail.example")
		require.Contains(t, body, html.EscapeString(workflow.ReasonText(held[0].Reason, workflow.LangFR)), "the reason, in the group's language")
		require.Contains(t, body, "n&#39;est pas la personne à qui la demande avait été envoyée")
		require.NotContains(t, body, "J'accepte la charte", "no content of held messages")

		// Olivier cannot act on it.
		olivier := newWebClient(t, a, "192.0.2.8")
		olivier.signIn(e.smtp, "olivier@example.org")
		heldPath := "/held/" + strconv.FormatInt(held[0].ID, 10)
		w = olivier.post("/groups", lyonPage+heldPath+"/ignore", nil)
		require.Equal(t, http.StatusForbidden, w.Code)
		w = olivier.post("/groups", parisPage+heldPath+"/ignore", nil)
		require.Equal(t, http.StatusNotFound, w.Code, "not a message of his group")

		alice := memberID(st, "alice@example.org")
		w = claire.post(lyonPage, lyonPage+heldPath+"/apply", url.Values{"member": {strconv.FormatInt(alice, 10)}})
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		w = claire.do("GET", w.Header().Get("Location"), nil)
		body = w.Body.String()
		require.Contains(t, body, "Message appliqué au membre.")
		require.Contains(t, body, "J&#39;accepte la charte.", "the animator sees the answer")
		require.Contains(t, body, "Aucun message en attente.")
		in := inboundByID(t, a, held[0].ID)
		require.Equal(t, workflow.InboundProcessed, in.Status)
		require.Nil(t, in.Raw, "raw bytes deleted once applied")
	})

	t.Run("Readiness", func(t *testing.T) {
		w := httptest.NewRecorder()
		a.web.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		require.Equal(t, "database: ok\nsmtp: ok\n", w.Body.String())

		w = httptest.NewRecorder()
		a.web.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		require.Contains(t, body, `codev_messages_sent_total{kind="invitation"}`)
		require.Contains(t, body, `codev_messages_sent_total{kind="sign_in"}`)
		require.Contains(t, body, `codev_inbound_messages_total{kind="reply",status="held"} 1`)
		require.Contains(t, body, `codev_inbound_messages_total{kind="reply",status="processed"} 1`)
		require.Contains(t, body, `codev_river_jobs{state="completed"}`)
		require.Contains(t, body, `codev_job_run_seconds_count{kind="send",outcome="ok"}`)
		require.Contains(t, body, "codev_held_messages 0")
	})

	// Last: it moves the clock.
	t.Run("LinkExpires", func(t *testing.T) {
		c := newWebClient(t, a, "192.0.2.9")
		link := c.requestLink(e.smtp, "olivier@example.org")
		e.clock.Advance(16 * time.Minute)
		w := c.useLink(link)
		require.Equal(t, http.StatusGone, w.Code, "links last 15 minutes")
		require.NotContains(t, c.cookies, "codev_session")
		require.NotContains(t, c.cookies, "__Host-codev_session")

		// Sessions last 12 hours.
		e.clock.Advance(12 * time.Hour)
		claire.t = t
		w = claire.do("GET", lyonPage, nil)
		require.Equal(t, http.StatusSeeOther, w.Code, "the session expired")
	})
}

// replyToOf returns the Reply-To of the first email to to whose subject
// contains subject.
func replyToOf(t *testing.T, srv *smtptest.Server, to, subject string) string {
	t.Helper()
	for _, m := range srv.Messages() {
		ent, err := message.Read(bytes.NewReader(m.Data))
		require.NoError(t, err)
		subj, _ := ent.Header.Text("Subject")
		if m.To[0] == to && strings.Contains(subj, subject) {
			return strings.Trim(ent.Header.Get("Reply-To"), "<>")
		}
	}
	t.Fatalf("no %q sent to %s", subject, to)
	return ""
}

func inboundByID(t *testing.T, a *app, id int64) *workflow.Inbound {
	t.Helper()
	var in *workflow.Inbound
	require.NoError(t, a.db.InTx(context.Background(), func(tx workflow.Tx) error {
		var err error
		in, err = tx.Inbound(context.Background(), id)
		return err
	}))
	return in
}
