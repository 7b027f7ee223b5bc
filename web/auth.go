package web

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/codev-org/codev/workflow"
)

// maxBodyBytes bounds request bodies: codev's forms are a few fields.
const maxBodyBytes = 64 << 10

// SignIn is what sign-in and sessions need of the domain.
type SignIn interface {
	// RequestSignIn emails a one-time link to an animator or an admin and
	// does nothing for any other address; EINVALID for a malformed one.
	RequestSignIn(ctx context.Context, email, baseURL, lang string) error
	// ConsumeSignIn uses a link once and returns the address it was sent
	// to; an unknown, used or expired one wraps workflow.ErrNotFound.
	ConsumeSignIn(ctx context.Context, token string) (string, error)
	IsAdmin(email string) bool
	// Now is the clock sessions expire on.
	Now() time.Time
	// Signer is the store's token signer, from which the cookie and CSRF
	// keys derive so that sessions survive a restart; nil means random
	// keys.
	Signer() *workflow.Signer
}

// ui is the animators' side of the server: sign-in, pages and actions.
type ui struct {
	auth       SignIn
	groups     Groups
	changes    Changes
	log        *slog.Logger
	baseURL    string
	origin     string // scheme://host of baseURL, for Origin checks
	cookies    *cookies
	csrf       *csrf
	limits     Limits
	trustProxy bool
	pages      *pages
	adminJobs  http.Handler

	// bg tracks sign-in emails being sent after the response, so that
	// Serve waits for them on shutdown.
	bg sync.WaitGroup
}

func newUI(cfg Config, svc Services, log *slog.Logger) *ui {
	pg, err := newPages()
	if err != nil {
		panic(err) // embedded templates: a broken one is a bug caught by any test
	}
	sessionKey, csrfKey := randomKey(), randomKey()
	if signer := svc.SignIn.Signer(); signer != nil {
		sessionKey, csrfKey = signer.Key("web session cookie"), signer.Key("web csrf token")
	}
	u := &ui{auth: svc.SignIn, groups: svc.Groups, changes: svc.Changes, log: log, baseURL: strings.TrimSuffix(cfg.BaseURL, "/"), limits: cfg.Limits.withDefaults(),
		trustProxy: cfg.TrustProxy, pages: pg, adminJobs: cfg.AdminJobs}
	if p, err := url.Parse(u.baseURL); err == nil && p.Host != "" {
		u.origin = p.Scheme + "://" + p.Host
	}
	u.cookies = &cookies{sessionKey: sessionKey, secure: strings.HasPrefix(u.baseURL, "https://")}
	u.csrf = &csrf{key: csrfKey, cookies: u.cookies}
	return u
}

func randomKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

// routes registers the sign-in, pages and actions.
func (u *ui) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", u.home)
	mux.HandleFunc("GET /login", u.loginForm)
	mux.HandleFunc("POST /login", u.form(u.requestLink))
	mux.HandleFunc("GET /login/{token}", u.confirmForm)
	mux.HandleFunc("POST /login/{token}", u.form(u.signIn))
	mux.HandleFunc("POST /logout", u.form(u.logout))
	u.animatorRoutes(mux)
	if u.adminJobs != nil {
		mux.Handle("/admin/jobs", u.adminOnly(u.adminJobs))
		mux.Handle("/admin/jobs/", u.adminOnly(u.adminJobs))
	}
}

// guard applies what every request needs before routing: a body limit,
// and the per-IP limit on calendar feeds.
func (u *ui) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		if strings.HasPrefix(r.URL.Path, "/cal/") && !u.limits.Feed.Allow(clientIP(r, u.trustProxy)) {
			w.Header().Set("Retry-After", "60")
			http.Error(w, "too many requests", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait waits for sign-in emails still being sent.
func (u *ui) wait() { u.bg.Wait() }

type handler func(w http.ResponseWriter, r *http.Request, sess *session)

// current returns the request's verified session, or nil.
func (u *ui) current(r *http.Request) *session {
	s, ok := u.cookies.session(r, u.auth.Now())
	if !ok {
		return nil
	}
	return &s
}

// authed runs h for a signed-in person; others are sent to the sign-in
// page (GET) or refused (anything else).
func (u *ui) authed(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := u.current(r)
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			u.message(w, r, nil, http.StatusForbidden, acceptLanguage(r), "forbidden.title", t(acceptLanguage(r), "csrf.body"))
			return
		}
		h(w, r, sess)
	}
}

// form runs h for a POST whose CSRF token verifies, signed in or not, and
// refuses it with 403 otherwise.
func (u *ui) form(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := u.current(r)
		if err := r.ParseForm(); err != nil {
			status := http.StatusBadRequest
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		if !u.sameOrigin(r) || !u.csrf.valid(r, sess) {
			u.log.InfoContext(r.Context(), "web: Refused a form without a valid CSRF token", slog.String("route", r.Pattern))
			lang := acceptLanguage(r)
			u.message(w, r, sess, http.StatusForbidden, lang, "forbidden.title", t(lang, "csrf.body"))
			return
		}
		h(w, r, sess)
	}
}

// action is form for signed-in people only.
func (u *ui) action(h handler) http.HandlerFunc {
	return u.form(func(w http.ResponseWriter, r *http.Request, sess *session) {
		if sess == nil {
			lang := acceptLanguage(r)
			u.message(w, r, nil, http.StatusForbidden, lang, "forbidden.title", t(lang, "csrf.body"))
			return
		}
		h(w, r, sess)
	})
}

// sameOrigin refuses a request that a browser says comes from another site
// (Sec-Fetch-Site) or whose Origin names another site. Under codev's
// Referrer-Policy: no-referrer, Chromium sends "Origin: null" with form
// posts, and old browsers and scripts send neither header: those are left
// to the CSRF token.
func (u *ui) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	o := r.Header.Get("Origin")
	return o == "" || o == "null" || u.origin == "" || strings.EqualFold(o, u.origin)
}

// newPage fills what every page shows.
func (u *ui) newPage(w http.ResponseWriter, r *http.Request, sess *session, lang, title string) *page {
	p := &page{Lang: lang, Title: t(lang, title), CSRF: u.csrf.token(w, r, sess)}
	if sess != nil {
		p.User, p.Admin = sess.Email, u.auth.IsAdmin(sess.Email)
	}
	return p
}

func (u *ui) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if err := u.pages.render(w, status, name, p); err != nil {
		u.log.ErrorContext(r.Context(), "web: Rendering failed", slog.String("page", name), slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// message renders a page with a title and one sentence.
func (u *ui) message(w http.ResponseWriter, r *http.Request, sess *session, status int, lang, title, text string) {
	p := u.newPage(w, r, sess, lang, title)
	p.Data = text
	u.render(w, r, status, "message", p)
}

func (u *ui) home(w http.ResponseWriter, r *http.Request) {
	if u.current(r) != nil {
		http.Redirect(w, r, "/groups", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (u *ui) loginForm(w http.ResponseWriter, r *http.Request) {
	sess := u.current(r)
	if sess != nil {
		http.Redirect(w, r, "/groups", http.StatusSeeOther)
		return
	}
	u.render(w, r, http.StatusOK, "login", u.newPage(w, r, nil, acceptLanguage(r), "login.title"))
}

// requestLink answers the sign-in form. The answer is the same whether the
// address is known or not, and comes before the email is sent (in the
// background), so that neither its text nor its timing tells who is an
// animator.
func (u *ui) requestLink(w http.ResponseWriter, r *http.Request, sess *session) {
	lang := acceptLanguage(r)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	if _, err := workflow.ParseAddress(email); err != nil || len(email) > 254 {
		p := u.newPage(w, r, sess, lang, "login.title")
		p.Error, p.Data = t(lang, "login.invalid"), email
		u.render(w, r, http.StatusBadRequest, "login", p)
		return
	}
	if !u.limits.SignInIP.Allow(clientIP(r, u.trustProxy)) || !u.limits.SignInEmail.Allow(email) {
		w.Header().Set("Retry-After", "300")
		u.message(w, r, sess, http.StatusTooManyRequests, lang, "toomany.title", t(lang, "toomany.body"))
		return
	}
	ctx := context.WithoutCancel(r.Context())
	u.bg.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		if err := u.auth.RequestSignIn(ctx, email, u.baseURL, lang); err != nil {
			u.log.ErrorContext(ctx, "web: Sign-in link not sent", slog.String("error", redactAddresses(err.Error())))
		}
	})
	u.render(w, r, http.StatusOK, "login_sent", u.newPage(w, r, sess, lang, "sent.title"))
}

// confirmForm shows a button rather than signing in on GET: mail scanners
// and link previews follow links, and must not use up the one-time link.
func (u *ui) confirmForm(w http.ResponseWriter, r *http.Request) {
	p := u.newPage(w, r, u.current(r), acceptLanguage(r), "confirm.title")
	p.Data = r.PathValue("token")
	u.render(w, r, http.StatusOK, "confirm", p)
}

func (u *ui) signIn(w http.ResponseWriter, r *http.Request, _ *session) {
	lang := acceptLanguage(r)
	email, err := u.auth.ConsumeSignIn(r.Context(), r.PathValue("token"))
	if errors.Is(err, workflow.ErrNotFound) {
		u.message(w, r, nil, http.StatusGone, lang, "link.title", t(lang, "link.body"))
		return
	} else if err != nil {
		u.fail(w, r, nil, lang, err)
		return
	}
	u.cookies.setSession(w, newSession(email, u.auth.Now()))
	u.log.InfoContext(r.Context(), "web: Signed in")
	http.Redirect(w, r, "/groups", http.StatusSeeOther)
}

func (u *ui) logout(w http.ResponseWriter, r *http.Request, _ *session) {
	u.cookies.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// adminOnly serves h (River UI) to admins. River UI is a script
// application that posts JSON, not forms: its requests are protected by
// the SameSite session cookie and an Origin check on anything but GET, and
// it gets a CSP that lets its own scripts run.
func (u *ui) adminOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := u.current(r)
		lang := acceptLanguage(r)
		switch {
		case sess == nil && r.Method == http.MethodGet:
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		case sess == nil || !u.auth.IsAdmin(sess.Email):
			u.message(w, r, sess, http.StatusForbidden, lang, "forbidden.title", t(lang, "forbidden.body"))
			return
		case r.Method != http.MethodGet && r.Method != http.MethodHead && !u.sameSiteScript(r):
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.ServeHTTP(w, r)
	})
}

// sameSiteScript reports whether a River UI API call comes from codev's own
// pages: the browser says so (Sec-Fetch-Site: same-origin), or, for
// browsers without Fetch Metadata, its Origin is codev's.
func (u *ui) sameSiteScript(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	return u.origin != "" && strings.EqualFold(r.Header.Get("Origin"), u.origin)
}

// addressPattern matches email addresses, which SMTP replies often echo
// ("550 5.1.1 <claire@example.org>: user unknown").
var addressPattern = regexp.MustCompile(`[^\s<>"'@,;:()]+@[^\s<>"',;:()]+`)

// redactAddresses removes email addresses from an error before it is
// logged: logs carry ids, never personal data (DOMAIN.md §3 rule 9).
func redactAddresses(s string) string { return addressPattern.ReplaceAllString(s, "<address>") }

// fail answers a workflow error: the person's own mistake (EINVALID,
// ECONFLICT, ENOTFOUND) with its message, anything else with a generic page
// and a log line.
func (u *ui) fail(w http.ResponseWriter, r *http.Request, sess *session, lang string, err error) {
	switch workflow.ErrorCode(err) {
	case workflow.ENOTFOUND:
		u.message(w, r, sess, http.StatusNotFound, lang, "notfound.title", err.Error())
	case workflow.EINVALID:
		u.message(w, r, sess, http.StatusBadRequest, lang, "invalid.title", err.Error())
	case workflow.ECONFLICT:
		u.message(w, r, sess, http.StatusConflict, lang, "invalid.title", err.Error())
	default:
		u.log.ErrorContext(r.Context(), "web: Request failed", slog.String("route", r.Pattern), slog.String("error", redactAddresses(err.Error())))
		u.message(w, r, sess, http.StatusInternalServerError, lang, "error.title", t(lang, "error.body"))
	}
}
