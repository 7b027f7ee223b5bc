package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/internal/sqlitetest"
	"github.com/codev-org/codev/sqlite"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/workflowtest"
)

// A *workflow.Service is every interface the server declares.
var (
	_ Feeds       = (*workflow.Service)(nil)
	_ Preferences = (*workflow.Service)(nil)
	_ SignIn      = (*workflow.Service)(nil)
	_ Groups      = (*workflow.Service)(nil)
	_ Changes     = (*workflow.Service)(nil)
)

// baseURL is the public URL of the servers under test: https, so cookies
// are Secure and __Host- prefixed.
const baseURL = "https://codev.example.org"

// testStart is the clock of every test app: a month before the first
// session of the groups.
var testStart = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// testApp is a real workflow.Service on a migrated SQLite file in a temp
// directory, served by a Server. Its Mailer keeps the emails (sign-in
// links) instead of sending them; no job runs, so the reconciler's jobs
// wait in the database and tests look at the domain's state instead.
type testApp struct {
	t     *testing.T
	svc   *workflow.Service
	store *sqlite.Store
	clock *workflowtest.Clock
	mail  *outbox
	logs  *syncBuffer
	srv   *Server

	lyon, paris *workflow.State // as applied, before any change
	uid         int             // IMAP UIDs of delivered messages
}

// appOption changes what newApp builds: fakes in Services, readiness
// checks, River UI.
type appOption func(cfg *Config, svc *Services)

// newApp builds a test app with two groups: "Managers Lyon" (French,
// animated by claire@example.org) and "Cadres Paris" (English, animated by
// olivier@example.org); root@example.org is an admin.
func newApp(t *testing.T, opts ...appOption) *testApp {
	t.Helper()
	ctx := t.Context()
	store := sqlitetest.Open(t)
	var key []byte
	require.NoError(t, store.InTx(ctx, func(tx workflow.Tx) (err error) {
		key, err = tx.Secret(ctx)
		return err
	}))
	tpl, err := emailTemplates()
	require.NoError(t, err)

	a := &testApp{t: t, store: store, clock: workflowtest.NewClock(testStart), mail: &outbox{}, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(a.logs, nil))
	a.svc = workflow.NewService(workflow.ServiceConfig{
		Mailbox: workflow.Address{Local: "codev", Domain: "example.org"}, BaseURL: baseURL,
		Logger: log, Clock: a.clock, Parser: parseTestMail, Admins: []string{"root@example.org"},
	}, store, a.mail, tpl, workflow.NewSigner(key), randomIDs{})
	a.lyon = a.apply(lyonSpec())
	a.paris = a.apply(parisSpec())

	cfg := Config{
		Logger: log, BaseURL: baseURL,
		// The documented defaults, on the test clock.
		Limits: Limits{
			SignInIP:    NewLimiter(time.Minute, 10, a.clock.Now),
			SignInEmail: NewLimiter(5*time.Minute, 3, a.clock.Now),
			Feed:        NewLimiter(200*time.Millisecond, 120, a.clock.Now),
		},
	}
	svc := Services{Feeds: a.svc, Preferences: a.svc, SignIn: a.svc, Groups: a.svc, Changes: a.svc}
	for _, o := range opts {
		o(&cfg, &svc)
	}
	a.srv = NewServer(cfg, svc)
	return a
}

// emailTemplates are parsed once: parsing them took most of the tests'
// CPU, and a Set is safe for concurrent use.
var emailTemplates = sync.OnceValues(templates.New)

func (a *testApp) apply(spec *workflow.GroupSpec) *workflow.State {
	a.t.Helper()
	res, err := a.svc.ApplyGroup(a.t.Context(), spec)
	require.NoError(a.t, err)
	return a.state(res.GroupID)
}

// state loads a group's current state.
func (a *testApp) state(groupID int64) *workflow.State {
	a.t.Helper()
	st, err := a.svc.GroupState(a.t.Context(), groupID)
	require.NoError(a.t, err)
	return st
}

// member returns the id of the member of st with this address.
func member(t *testing.T, st *workflow.State, email string) int64 {
	t.Helper()
	for _, m := range st.Members {
		if m.Email == email {
			return m.ID
		}
	}
	t.Fatalf("no member %s in %s", email, st.Group.Name)
	return 0
}

func groupPath(st *workflow.State) string { return "/groups/" + strconv.FormatInt(st.Group.ID, 10) }

func lyonSpec() *workflow.GroupSpec {
	return &workflow.GroupSpec{
		Name: "Managers Lyon", Language: workflow.LangFR, Timezone: "Europe/Paris", Visio: "https://meet.example.org/lyon",
		Animator: workflow.Person{Name: "Claire Martin", Email: "claire@example.org"},
		Members: []workflow.MemberSpec{
			{Name: "Alice Dupont", Email: "alice@example.org"},
			{Name: "Bob Durand", Email: "bob@example.org"},
			{Name: "Chloé Petit", Email: "chloe@example.org"},
			{Name: "David Moreau", Email: "david@example.org"},
			{Name: "Emma Laurent", Email: "emma@example.org"},
		},
		Sessions: sessions(time.Date(2027, 1, 12, 18, 0, 0, 0, europeParis), 5),
		Duration: 2 * time.Hour,
	}
}

func parisSpec() *workflow.GroupSpec {
	return &workflow.GroupSpec{
		Name: "Cadres Paris", Language: workflow.LangEN, Timezone: "Europe/Paris", Visio: "https://meet.example.org/paris",
		Animator: workflow.Person{Name: "Olivier Blanc", Email: "olivier@example.org"},
		Members: []workflow.MemberSpec{
			{Name: "Paul Henry", Email: "paul@example.org"},
			{Name: "Rose Vidal", Email: "rose@example.org"},
			{Name: "Sami Haddad", Email: "sami@example.org"},
		},
		Sessions: sessions(time.Date(2027, 1, 19, 18, 0, 0, 0, europeParis), 3),
		Duration: 2 * time.Hour,
	}
}

var europeParis = mustLocation("Europe/Paris")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sessions returns n monthly starts from first.
func sessions(first time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, i, 0)
	}
	return out
}

// randomIDs is the Service's Generator: random calendar UIDs and feed
// tokens.
type randomIDs struct{}

func (randomIDs) UID() string   { return "session-" + rand.Text() + "@example.org" }
func (randomIDs) Token() string { return strings.ToLower(rand.Text()) }

// outbox is the Service's Mailer: it keeps the emails, or fails with err.
type outbox struct {
	mu     sync.Mutex
	emails []*workflow.Email
	err    error
}

func (o *outbox) Send(_ context.Context, e *workflow.Email) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	o.emails = append(o.emails, e)
	return nil
}

func (o *outbox) failWith(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.err = err
}

var signInPath = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `(/login/[a-z2-7]{52})`)

// links returns the paths of the sign-in links emailed to to, oldest first.
func (o *outbox) links(to string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, e := range o.emails {
		if e.To.Email == to && e.Kind == workflow.KindSignIn {
			if m := signInPath.FindStringSubmatch(e.Text); m != nil {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// syncBuffer is a log destination shared with the goroutines that send
// sign-in links.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// parseTestMail is the Service's Parser: a reply's From, To, Message-ID and
// text, which is all the held-message flows need (mail/inbound's parser is
// tested on its own).
func parseTestMail(raw []byte) *workflow.ParsedMail {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "not a message"}
	}
	body, _ := io.ReadAll(m.Body)
	p := &workflow.ParsedMail{Kind: workflow.MailReply, MessageID: strings.Trim(m.Header.Get("Message-ID"), "<>"),
		Text: strings.TrimSpace(string(body))}
	if from, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		p.From = strings.ToLower(from.Address)
	}
	if to, err := mail.ParseAddressList(m.Header.Get("To")); err == nil {
		for _, addr := range to {
			p.Recipients = append(p.Recipients, strings.ToLower(addr.Address))
		}
	}
	return p
}

// deliver delivers a reply from from to the address to, with text, and
// processes it as the inbound worker would.
func (a *testApp) deliver(from, to, text string) *workflow.Inbound {
	a.t.Helper()
	ctx := a.t.Context()
	a.uid++
	id := "reply-" + strconv.Itoa(a.uid) + "@mail.example"
	raw := "From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: Bienvenue\r\nMessage-ID: <" + id + ">\r\n\r\n" + text + "\r\n"
	in := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(a.uid), MessageID: id, Raw: []byte(raw), Size: int64(len(raw))}
	added, err := a.svc.Deliver(ctx, in)
	require.NoError(a.t, err)
	require.True(a.t, added)
	require.NoError(a.t, a.svc.ProcessInbound(ctx, in.ID))
	return in
}

// holdWelcomeReply records the welcomes, then delivers an answer to
// member's welcome from another address: held for the animator.
func (a *testApp) holdWelcomeReply(st *workflow.State, memberID int64, from, text string) *workflow.Inbound {
	a.t.Helper()
	_, err := a.svc.Reconcile(a.t.Context())
	require.NoError(a.t, err)
	var welcome *workflow.Message
	for _, m := range a.state(st.Group.ID).Messages {
		if m.Kind == workflow.KindWelcome && m.MemberID == memberID {
			welcome = m
		}
	}
	require.NotNil(a.t, welcome, "the welcome is due at once")
	replyTo := "codev+" + a.svc.Signer().Sign(workflow.TokenReply, welcome.ID) + "@example.org"
	return a.deliver(from, replyTo, text)
}

// inbound loads a stored inbound message.
func (a *testApp) inbound(id int64) *workflow.Inbound {
	a.t.Helper()
	var in *workflow.Inbound
	require.NoError(a.t, a.store.InTx(a.t.Context(), func(tx workflow.Tx) error {
		var err error
		in, err = tx.Inbound(a.t.Context(), id)
		return err
	}))
	return in
}

// browser drives the server's handler like a browser without JavaScript:
// it keeps cookies and reads the CSRF token of forms.
type browser struct {
	t       *testing.T
	a       *testApp
	ip      string
	cookies map[string]*http.Cookie
	header  http.Header // sent with every request
}

func (a *testApp) browser(ip string) *browser {
	return &browser{t: a.t, a: a, ip: ip, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

// do sends one request, form-encoded when form is not nil.
func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	path, _, _ = strings.Cut(path, "#") // browsers keep fragments to themselves
	r := httptest.NewRequest(method, baseURL+path, body)
	r.RemoteAddr = b.ip + ":40000"
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		r.Header[k] = v
	}
	for _, ck := range b.cookies {
		r.AddCookie(ck)
	}
	w := httptest.NewRecorder()
	b.a.srv.Handler().ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(b.cookies, ck.Name)
		} else {
			b.cookies[ck.Name] = ck
		}
	}
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the token of the forms on the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	w := b.do("GET", path, nil)
	require.Equal(b.t, http.StatusOK, w.Code, w.Body.String())
	m := csrfInput.FindStringSubmatch(w.Body.String())
	require.NotNil(b.t, m, "no CSRF token on %s", path)
	return m[1]
}

// post submits a form of the page at page to action, with its token.
func (b *browser) post(page, action string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf(page))
	return b.do("POST", action, form)
}

// requestLink asks for a sign-in link for email and returns its path once
// the server has sent it.
func (b *browser) requestLink(email string) string {
	b.t.Helper()
	before := len(b.a.mail.links(email))
	w := b.post("/login", "/login", url.Values{"email": {email}})
	require.Equal(b.t, http.StatusOK, w.Code, w.Body.String())
	b.a.srv.Wait()
	links := b.a.mail.links(email)
	require.Len(b.t, links, before+1, "one sign-in email for %s", email)
	return links[len(links)-1]
}

// useLink opens a sign-in link and confirms it.
func (b *browser) useLink(path string) *httptest.ResponseRecorder {
	b.t.Helper()
	w := b.do("GET", path, nil)
	require.Equal(b.t, http.StatusOK, w.Code)
	require.Contains(b.t, w.Body.String(), `<form method="post" action="`+path+`">`, "GET only shows a confirmation form")
	return b.post(path, path, nil)
}

// signIn signs email in through an emailed link.
func (b *browser) signIn(email string) *browser {
	b.t.Helper()
	w := b.useLink(b.requestLink(email))
	require.Equal(b.t, http.StatusSeeOther, w.Code, w.Body.String())
	require.Equal(b.t, "/groups", w.Header().Get("Location"))
	return b
}

// session returns the session cookie, nil when signed out.
func (b *browser) session() *http.Cookie { return b.cookies["__Host-codev_session"] }

// feed fetches a feed URL of the Service.
func (a *testApp) feed(feedURL string, header ...string) *httptest.ResponseRecorder {
	a.t.Helper()
	r := httptest.NewRequest("GET", strings.TrimPrefix(feedURL, baseURL), nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(w, r)
	return w
}
