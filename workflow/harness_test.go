package workflow_test

// The Service tests run the domain against a real SQLite store (the sqlite
// package, migrated as in production), a hand-moved clock, a mailer that
// records what it is given and a parser fed by the test: the mail adapters
// are tested in their own packages, the rules here. No River client runs:
// the tests call Reconcile, Send and ProcessInbound as the workers would,
// so every step is synchronous.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/sqlitetest"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/workflowtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// mailbox is the service address of every test.
var mailbox = workflow.Address{Local: "codev", Domain: "codev.test"}

// baseURL is the public URL of every test.
const baseURL = "https://codev.test"

// tplSet is parsed once: templates are immutable once parsed.
var tplSet = sync.OnceValues(templates.New)

// harness is a Service over a real store, with its clock, mailer and
// parser in the test's hands.
type harness struct {
	t      *testing.T
	ctx    context.Context
	store  workflow.Store
	clock  *workflowtest.Clock
	mail   *mailer
	signer *workflow.Signer
	svc    *workflow.Service

	mu     sync.Mutex
	parsed map[string]*workflow.ParsedMail // raw bytes → what the parser says
	n      int                             // inbound messages delivered
}

// harnessOption changes the service's configuration or store.
type harnessOption func(*workflow.ServiceConfig, *workflow.Store)

// withAdmins makes addresses admins of the animators' pages.
func withAdmins(emails ...string) harnessOption {
	return func(c *workflow.ServiceConfig, _ *workflow.Store) { c.Admins = emails }
}

// withoutParser configures no mail parser.
func withoutParser() harnessOption {
	return func(c *workflow.ServiceConfig, _ *workflow.Store) { c.Parser = nil }
}

// withParser replaces the test's parser.
func withParser(p workflow.Parser) harnessOption {
	return func(c *workflow.ServiceConfig, _ *workflow.Store) { c.Parser = p }
}

// withMetrics counts what the service does.
func withMetrics(m workflow.Metrics) harnessOption {
	return func(c *workflow.ServiceConfig, _ *workflow.Store) { c.Metrics = m }
}

// withStore wraps the store, e.g. to count writes.
func withStore(wrap func(workflow.Store) workflow.Store) harnessOption {
	return func(_ *workflow.ServiceConfig, s *workflow.Store) { *s = wrap(*s) }
}

// newHarness returns a Service on a new database, its clock at now.
func newHarness(t *testing.T, now time.Time, opts ...harnessOption) *harness {
	t.Helper()
	tpl, err := tplSet()
	require.NoError(t, err)
	h := &harness{t: t, ctx: t.Context(), clock: workflowtest.NewClock(now), mail: &mailer{},
		parsed: map[string]*workflow.ParsedMail{}}
	var store workflow.Store = sqlitetest.Open(t)
	var secret []byte
	require.NoError(t, store.InTx(h.ctx, func(tx workflow.Tx) error {
		secret, err = tx.Secret(h.ctx)
		return err
	}))
	h.signer = workflow.NewSigner(secret)
	cfg := workflow.ServiceConfig{Mailbox: mailbox, BaseURL: baseURL, Clock: h.clock, Parser: h.parse,
		Logger: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&cfg, &store)
	}
	h.store = store
	h.svc = workflow.NewService(cfg, store, h.mail, tpl, h.signer, &generator{})
	return h
}

// parse is the test's mail parser: it answers what deliver registered.
func (h *harness) parse(raw []byte) *workflow.ParsedMail {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, ok := h.parsed[string(raw)]
	if !ok {
		return &workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "unknown test message"}
	}
	c := *p
	return &c
}

// apply applies spec and returns the group's ID.
func (h *harness) apply(spec *workflow.GroupSpec) int64 {
	h.t.Helper()
	res, err := h.svc.ApplyGroup(h.ctx, spec)
	require.NoError(h.t, err)
	return res.GroupID
}

// run reconciles and sends until nothing is left to do, as the workers
// would: notices recorded while processing are sent too.
func (h *harness) run() {
	h.t.Helper()
	for range 20 {
		n, err := h.svc.Reconcile(h.ctx)
		require.NoError(h.t, err)
		sent := h.sendPending()
		if n == 0 && sent == 0 {
			return
		}
	}
	h.t.Fatal("the service never settled")
}

// sendPending sends every pending message and returns how many.
func (h *harness) sendPending() int {
	h.t.Helper()
	n := 0
	for _, m := range h.allMessages() {
		if m.Status == workflow.MessagePending {
			require.NoError(h.t, h.svc.Send(h.ctx, m.ID, 0))
			n++
		}
	}
	return n
}

// at moves the clock to t and runs what became due.
func (h *harness) at(t time.Time) {
	h.t.Helper()
	h.clock.Set(t)
	h.run()
}

// walk moves the clock from message to message up to t, as the
// reconciler's wake times would.
func (h *harness) walk(to time.Time) {
	h.t.Helper()
	for range 1000 {
		next, err := h.svc.NextDue(h.ctx)
		require.NoError(h.t, err)
		if next.IsZero() || next.After(to) {
			break
		}
		h.at(next)
	}
	h.at(to)
}

// tx runs fn in a transaction that must commit.
func (h *harness) tx(fn func(tx workflow.Tx) error) {
	h.t.Helper()
	require.NoError(h.t, h.store.InTx(h.ctx, fn))
}

// state loads a group's state.
func (h *harness) state(groupID int64) *workflow.State {
	h.t.Helper()
	st, err := h.svc.GroupState(h.ctx, groupID)
	require.NoError(h.t, err)
	return st
}

// allMessages lists the recorded messages of every group.
func (h *harness) allMessages() []*workflow.Message {
	h.t.Helper()
	var out []*workflow.Message
	h.tx(func(tx workflow.Tx) error {
		groups, err := tx.Groups(h.ctx)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, g := range groups {
			msgs, err := tx.Messages(h.ctx, g.ID)
			if err != nil {
				return err
			}
			out = append(out, msgs...)
		}
		return nil
	})
	return out
}

// message returns the one recorded message of that kind to that member
// about that session (0 for none), failing the test when there is none.
func (h *harness) message(groupID int64, kind workflow.Kind, memberID, sessionID int64) *workflow.Message {
	h.t.Helper()
	st := h.state(groupID)
	var found []*workflow.Message
	for _, m := range st.Messages {
		if m.Kind == kind && m.MemberID == memberID && m.SessionID == sessionID {
			found = append(found, m)
		}
	}
	require.Len(h.t, found, 1, "messages %s to member %d about session %d", kind, memberID, sessionID)
	return found[0]
}

// count returns how many messages of kind st records.
func count(st *workflow.State, kind workflow.Kind, status string) int {
	n := 0
	for _, m := range st.Messages {
		if m.Kind == kind && (status == "" || m.Status == status) {
			n++
		}
	}
	return n
}

// member returns the member of st with that address.
func member(t *testing.T, st *workflow.State, email string) *workflow.Member {
	t.Helper()
	i := slices.IndexFunc(st.Members, func(m *workflow.Member) bool { return m.Email == email })
	require.GreaterOrEqual(t, i, 0, "no member %s", email)
	return st.Members[i]
}

// replyTo is the tokenised address of a recorded message.
func (h *harness) replyTo(m *workflow.Message) string {
	return mailbox.Tagged(h.signer.Sign(workflow.TokenReply, m.ID))
}

// reply delivers and processes a reply from `from` to message m, with the
// parsed content p (Kind defaults to a reply), and returns the stored
// inbound message.
func (h *harness) reply(m *workflow.Message, from string, p workflow.ParsedMail) *workflow.Inbound {
	h.t.Helper()
	if p.Kind == "" {
		p.Kind = workflow.MailReply
	}
	p.From = from
	p.Recipients = append(p.Recipients, h.replyTo(m))
	return h.deliver(p)
}

// deliver stores an inbound message the parser will read as p, processes
// it, and returns it as stored.
func (h *harness) deliver(p workflow.ParsedMail) *workflow.Inbound {
	h.t.Helper()
	in := h.store1(p, nil)
	require.NoError(h.t, h.svc.ProcessInbound(h.ctx, in.ID))
	return h.inbound(in.ID)
}

// store1 delivers an inbound message without processing it; edit, when
// not nil, changes it first, as the IMAP watcher would (an oversize
// message's kind and size).
func (h *harness) store1(p workflow.ParsedMail, edit func(in *workflow.Inbound)) *workflow.Inbound {
	h.t.Helper()
	h.mu.Lock()
	h.n++
	key := fmt.Sprintf("raw message %d", h.n)
	h.parsed[key] = &p
	in := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uint32(h.n),
		MessageID: fmt.Sprintf("in-%d@example.org", h.n), Raw: []byte(key), Size: int64(len(key))}
	h.mu.Unlock()
	if edit != nil {
		edit(in)
	}
	added, err := h.svc.Deliver(h.ctx, in)
	require.NoError(h.t, err)
	require.True(h.t, added)
	return in
}

// inbound loads a stored inbound message, raw bytes included.
func (h *harness) inbound(id int64) *workflow.Inbound {
	h.t.Helper()
	var in *workflow.Inbound
	h.tx(func(tx workflow.Tx) error {
		var err error
		in, err = tx.Inbound(h.ctx, id)
		return err
	})
	return in
}

// mailer records the emails it is given; fail, when set, is returned
// instead.
type mailer struct {
	mu   sync.Mutex
	sent []*workflow.Email
	fail error
}

func (m *mailer) Send(_ context.Context, e *workflow.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, e)
	return nil
}

// failWith makes the next sends fail with err (nil: succeed again).
func (m *mailer) failWith(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail = err
}

// take returns the emails sent since the last take.
func (m *mailer) take() []*workflow.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// to returns the emails of kind sent to an address since the last take,
// without taking them.
func (m *mailer) to(email string, kind workflow.Kind) []*workflow.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*workflow.Email
	for _, e := range m.sent {
		if e.To.Email == email && e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// generator makes stable identifiers.
type generator struct {
	mu sync.Mutex
	n  int
}

func (g *generator) UID() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return fmt.Sprintf("session-%d@codev.test", g.n)
}

func (g *generator) Token() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return fmt.Sprintf("feedtoken%023d", g.n)
}

// paris is the zone of the test groups.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// The test group's sessions: Tuesdays at 18:00 in Paris, four weeks apart.
var (
	s1 = time.Date(2027, 1, 12, 18, 0, 0, 0, paris)
	s2 = time.Date(2027, 2, 9, 18, 0, 0, 0, paris)
	s3 = time.Date(2027, 3, 9, 18, 0, 0, 0, paris)
)

// start is when the tests apply their group: six weeks before session 1.
var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// day is session start moved by n days at the same local time, plus a
// minute, so that what is due at that moment is due.
func day(session time.Time, n int) time.Time {
	return workflow.Days(n).At(session, paris).Add(time.Minute)
}

// The test group's people.
const (
	claire = "claire@example.org" // the animator
	alice  = "alice@example.org"  // client of session 1
	bob    = "bob@example.org"    // client of session 2
	chloe  = "chloe@example.org"  // client of session 3
)

// newSpec returns the test group: three members, three sessions, planned
// rotation, in French.
func newSpec() *workflow.GroupSpec {
	return &workflow.GroupSpec{
		Name:     "Managers Lyon",
		Language: workflow.LangFR,
		Timezone: "Europe/Paris",
		Visio:    "https://visio.example.org/lyon",
		Animator: workflow.Person{Name: "Claire Martin", Email: claire},
		Members: []workflow.MemberSpec{
			{Name: "Alice Dupont", Email: alice},
			{Name: "Bob Martin", Email: bob},
			{Name: "Chloé Bernard", Email: chloe},
		},
		Sessions: []time.Time{s1, s2, s3},
	}
}
