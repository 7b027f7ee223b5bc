package imapwatch

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testUser = "codev@example.org" // an address, so the URL must encode it
	testPass = "s3cret:pass"
)

// testServer is an in-process IMAP server on 127.0.0.1 holding one user,
// built from imapserver and imapmemserver as go-imap's own tests do.
type testServer struct {
	addr     string
	user     *imapmemserver.User
	ln       *trackingListener
	noCreate bool
	hang     chan struct{} // when set, SEARCH waits until it is closed
	logins   atomic.Int32
}

type serverOptions struct {
	caps        imap.CapSet   // default IMAP4rev1 + IMAP4rev2
	noCreate    bool          // CREATE fails, as on a server with a fixed folder set
	startTLS    bool          // offer STARTTLS with testCert
	implicitTLS bool          // TLS from the first byte with testCert
	debug       io.Writer     // the raw protocol, both ways
	hang        chan struct{} // SEARCH waits until it is closed, as a wedged server
}

func newTestServer(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	user := imapmemserver.NewUser(testUser, testPass)
	require.NoError(t, user.Create("INBOX", nil))
	ts := &testServer{user: user, noCreate: o.noCreate, hang: o.hang}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &testSession{srv: ts}, nil, nil
		},
		Caps:         o.caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
		DebugWriter:  o.debug,
	}
	if opts.Caps == nil {
		opts.Caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	}
	if o.startTLS {
		opts.TLSConfig = testCert(t).server
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ts.addr = ln.Addr().String()
	if o.implicitTLS {
		ln = tls.NewListener(ln, testCert(t).server)
	}
	ts.ln = &trackingListener{Listener: ln}
	srv := imapserver.New(opts)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ts.ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return ts
}

// url is the watcher's URL for mailbox on this server.
func (ts *testServer) url(scheme, mailbox string) string {
	u := url.URL{Scheme: scheme, User: url.UserPassword(testUser, testPass), Host: ts.addr, Path: "/" + mailbox}
	return u.String()
}

// deliver appends raw to mailbox, as an MTA would.
func (ts *testServer) deliver(t *testing.T, mailbox string, raw []byte) {
	t.Helper()
	_, err := ts.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{})
	require.NoError(t, err)
}

func (ts *testServer) status(t *testing.T, mailbox string) *imap.StatusData {
	t.Helper()
	st, err := ts.user.Status(mailbox, &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDValidity: true})
	require.NoError(t, err)
	return st
}

// count is the number of messages in mailbox, 0 when it does not exist.
func (ts *testServer) count(mailbox string) uint32 {
	st, err := ts.user.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		return 0
	}
	return *st.NumMessages
}

// unseen is the number of messages without \Seen in mailbox.
func (ts *testServer) unseen(mailbox string) uint32 {
	st, err := ts.user.Status(mailbox, &imap.StatusOptions{NumUnseen: true})
	if err != nil {
		return 0
	}
	return *st.NumUnseen
}

// testSession is imapmemserver's session with our own login (to count
// connections) and a CREATE that can be refused.
type testSession struct {
	*imapmemserver.UserSession // nil until login
	srv                        *testServer
}

func (s *testSession) Login(username, password string) error {
	if username != testUser || password != testPass {
		return imapserver.ErrAuthFailed
	}
	s.srv.logins.Add(1)
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

func (s *testSession) Create(name string, options *imap.CreateOptions) error {
	if s.srv.noCreate {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNoPerm, Text: "No new folders here"}
	}
	return s.UserSession.Create(name, options)
}

func (s *testSession) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	if s.srv.hang != nil {
		<-s.srv.hang
	}
	return s.UserSession.Search(kind, criteria, options)
}

func (s *testSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

// trackingListener remembers accepted connections so that a test can drop
// them all, as a server restart or a NAT timeout would, while still
// accepting new ones.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) dropAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		_ = c.Close()
	}
	l.conns = nil
}

// certPair is a self-signed certificate for 127.0.0.1.
type certPair struct {
	server *tls.Config
	client *tls.Config // trusts server's certificate
}

var testCertOnce = sync.OnceValues(func() (*certPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "imapwatch test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &certPair{
		server: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}},
		client: &tls.Config{RootCAs: pool},
	}, nil
})

func testCert(t *testing.T) *certPair {
	t.Helper()
	c, err := testCertOnce()
	require.NoError(t, err)
	return c
}

// testMessage is a reply from a participant, with a Message-ID made of n.
func testMessage(n int, body string) []byte {
	return fmt.Appendf(nil, "From: Alice Martin <alice@example.org>\r\nTo: codev+tok@example.org\r\n"+
		"Subject: Re: your 3P\r\nMessage-ID: <m%d@example.org>\r\n\r\n%s\r\n", n, body)
}

var messageIDRe = regexp.MustCompile(`(?mi)^Message-ID:\s*(<[^>]*>)`)

// fakeSink stores messages by Message-ID, as workflow.Service.Deliver
// deduplicates them, and keeps a cursor per mailbox as Deliver does.
type fakeSink struct {
	// StoreFunc, when set, runs first in every Store; its error fails the
	// call, as a database error would.
	StoreFunc func(msg *Message) error

	mu      sync.Mutex
	byID    map[string]*Message
	stores  int // successful Store calls, duplicates included
	cursors map[string][2]uint32
}

var _ Sink = (*fakeSink)(nil)

func newFakeSink() *fakeSink {
	return &fakeSink{byID: map[string]*Message{}, cursors: map[string][2]uint32{}}
}

func (s *fakeSink) Cursor(ctx context.Context, mailbox string) (uint32, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cursors[mailbox]
	return c[0], c[1], nil
}

func (s *fakeSink) Store(ctx context.Context, msg *Message) error {
	if err := ctx.Err(); err != nil {
		return err // a database call fails on a cancelled context
	}
	if s.StoreFunc != nil {
		if err := s.StoreFunc(msg); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stores++
	id := messageIDOf(msg.Raw)
	if _, ok := s.byID[id]; !ok {
		cp := *msg
		s.byID[id] = &cp
	}
	if c := s.cursors[msg.Mailbox]; c[0] != msg.UIDValidity || msg.UID > c[1] {
		s.cursors[msg.Mailbox] = [2]uint32{msg.UIDValidity, msg.UID}
	}
	return nil
}

func (s *fakeSink) setCursor(mailbox string, validity, uid uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursors[mailbox] = [2]uint32{validity, uid}
}

// counts returns how many distinct messages are stored and how many Store
// calls succeeded.
func (s *fakeSink) counts() (distinct, stores int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID), s.stores
}

func (s *fakeSink) get(n int) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[fmt.Sprintf("<m%d@example.org>", n)]
}

func messageIDOf(raw []byte) string {
	if m := messageIDRe.FindSubmatch(raw); m != nil {
		return string(m[1])
	}
	return ""
}

// fakeLocker is an in-process Locker shared by the watchers of a test.
type fakeLocker struct {
	mu   sync.Mutex
	held map[string]bool
}

var _ Locker = (*fakeLocker)(nil)

func (l *fakeLocker) TryLock(ctx context.Context, name string) (func(), bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]bool{}
	}
	if l.held[name] {
		return nil, false, nil
	}
	l.held[name] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.held, name)
			l.mu.Unlock()
		})
	}, true, nil
}

// lockedBuffer is a bytes.Buffer safe for the watcher's and the server's
// goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func testLogger(buf io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
