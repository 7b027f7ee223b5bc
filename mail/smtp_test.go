package mail

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/mail/smtptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	envelopeFrom = "bounces+r-4xj2pq7w@example.org"
	recipient    = "helene.dupre@example.net"
)

// sleepRecorder stands in for the retry backoff: it records delays and
// returns at once.
type sleepRecorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delays = append(r.delays, d)
	return ctx.Err()
}

func (r *sleepRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.delays)
}

// logBuffer collects the sender's logs so tests can check what they reveal.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testBundle struct {
	server *smtptest.Server
	sender *Sender
	sleeps *sleepRecorder
	logs   *logBuffer
}

// setup starts a server with opts and a Sender for it; cfg fields left zero
// point at the server, trust its certificate and record retry delays.
func setup(t *testing.T, cfg SMTPConfig, opts ...smtptest.Option) *testBundle {
	t.Helper()
	return setupWith(t, smtptest.NewServer(t, opts...), cfg)
}

// setupWith is setup for a server the test started itself.
func setupWith(t *testing.T, server *smtptest.Server, cfg SMTPConfig) *testBundle {
	t.Helper()
	b := &testBundle{server: server, sleeps: &sleepRecorder{}, logs: &logBuffer{}}
	cfg.URL = cmp.Or(cfg.URL, b.server.URL())
	cfg.Timeout = cmp.Or(cfg.Timeout, 10*time.Second)
	if cfg.TLSConfig == nil {
		cfg.TLSConfig = b.server.ClientTLSConfig()
	}
	if cfg.SleepFunc == nil {
		cfg.SleepFunc = b.sleeps.sleep
	}
	logger := slog.New(slog.NewTextHandler(b.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	b.sender, err = NewSender(&cfg, logger)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.sender.Close()) })
	return b
}

// composed returns a composed test message with the given Message-ID.
func composed(t *testing.T, id string) []byte {
	t.Helper()
	m := testMessage()
	m.MessageID = id
	return mustCompose(t, m)
}

func (b *testBundle) send(ctx context.Context, t *testing.T, id string) error {
	t.Helper()
	return b.sender.Send(ctx, envelopeFrom, []string{recipient}, composed(t, id))
}

func requireSendError(t *testing.T, err error, op string, code int) *SendError {
	t.Helper()
	var se *SendError
	require.ErrorAs(t, err, &se)
	require.Equal(t, op, se.Op, "op of %v", err)
	require.Equal(t, code, se.Code, "code of %v", err)
	return se
}

func TestSenderSend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("ReusesOneConnection", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		var sent [][]byte
		for i := range 5 {
			raw := composed(t, fmt.Sprintf("m%d@example.org", i))
			require.NoError(t, b.sender.Send(ctx, envelopeFrom, []string{recipient}, raw))
			sent = append(sent, raw)
		}
		msgs := b.server.WaitFor(5, 5*time.Second)
		require.Equal(t, 1, b.server.Connections(), b.logs.String())
		for i, msg := range msgs {
			require.Equal(t, envelopeFrom, msg.From)
			require.Equal(t, []string{recipient}, msg.To)
			require.Equal(t, sent[i], msg.Data, "message %d arrives byte for byte", i)
			require.Equal(t, 1, msg.Conn)
			require.False(t, msg.TLS)
		}
		require.Zero(t, b.sleeps.count())

		logs := b.logs.String()
		require.Contains(t, logs, "smtp sender: Sent message")
		require.Contains(t, logs, "message_id=m4@example.org")
		require.NotContains(t, logs, recipient)
		require.NotContains(t, logs, "bounces+")
	})

	t.Run("PoolSizeBoundsConnections", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{PoolSize: 2})
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() { errs <- b.send(ctx, t, fmt.Sprintf("p%d@example.org", i)) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, b.server.Messages(), 8)
		require.LessOrEqual(t, b.server.Connections(), 2)
	})

	t.Run("RetriesTemporaryFailure", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.FailNext(smtptest.CmdMail, 1, 451)
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.Len(t, b.server.Messages(), 1)
		require.Equal(t, 1, b.sleeps.count())
		require.Equal(t, 1, b.server.Connections(), "a 451 leaves the connection usable")
		require.Contains(t, b.logs.String(), "smtp sender: Retrying after temporary failure")
		require.Contains(t, b.logs.String(), "code=451")
	})

	t.Run("BackoffDoubles", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.FailNext(smtptest.CmdRcpt, 3, 452)
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.Len(t, b.sleeps.delays, 3)
		for n, d := range b.sleeps.delays {
			base := retryBase << n
			require.GreaterOrEqual(t, d, base/2)
			require.Less(t, d, base*3/2)
		}
	})

	t.Run("PermanentFailure", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.FailNext(smtptest.CmdRcpt, 1, 550)
		err := b.send(ctx, t, "a@example.org")
		se := requireSendError(t, err, "rcpt", 550)
		require.Equal(t, "5.1.1", se.Enhanced)
		require.True(t, se.Permanent)
		require.True(t, IsPermanent(err))
		var tpe *textproto.Error
		require.ErrorAs(t, err, &tpe)
		require.Zero(t, b.sleeps.count())
		require.Empty(t, b.server.Messages())

		require.NoError(t, b.send(ctx, t, "b@example.org"), "RSET clears the failed transaction")
		require.Equal(t, 1, b.server.Connections())
	})

	t.Run("PermanentFailureAfterData", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.FailNext(smtptest.CmdData, 1, 554)
		err := b.send(ctx, t, "a@example.org")
		requireSendError(t, err, "data", 554)
		require.True(t, IsPermanent(err))
	})

	t.Run("RetriesExhausted", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{Retries: 2})
		b.server.FailNext(smtptest.CmdData, 5, 451)
		err := b.send(ctx, t, "a@example.org")
		se := requireSendError(t, err, "data", 451)
		require.Equal(t, "4.0.0", se.Enhanced)
		require.False(t, IsPermanent(err))
		require.Equal(t, 2, b.sleeps.count())
		require.Empty(t, b.server.Messages())
	})

	t.Run("NoRetries", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{Retries: -1})
		b.server.FailNext(smtptest.CmdMail, 1, 451)
		requireSendError(t, b.send(ctx, t, "a@example.org"), "mail", 451)
		require.Zero(t, b.sleeps.count())
	})

	t.Run("ServerClosing421", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.FailNext(smtptest.CmdMail, 1, 421)
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.Equal(t, 2, b.server.Connections(), "421 closes the connection; the retry dials")
		require.Equal(t, 2, b.server.Messages()[0].Conn)
	})

	t.Run("ConnectionDroppedDuringData", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.server.DropNext(smtptest.CmdData, 1)
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.Len(t, b.server.Messages(), 1)
		require.Equal(t, 2, b.server.Connections())
		require.Equal(t, 1, b.sleeps.count())
	})

	t.Run("RedialsBrokenPooledConnection", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		b.server.DropConnections()
		require.NoError(t, b.send(ctx, t, "b@example.org"))
		require.Equal(t, 2, b.server.Connections())
		require.Zero(t, b.sleeps.count(), "a dead idle connection is replaced, not retried")
	})

	t.Run("RejectsBadEnvelope", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		raw := composed(t, "a@example.org")
		tests := []struct {
			name string
			from string
			to   []string
			raw  []byte
		}{
			{"FromInjection", "bounces@example.org>\r\nRCPT TO:<eve@example.com", []string{recipient}, raw},
			{"RecipientInjection", envelopeFrom, []string{recipient + "\r\nDATA"}, raw},
			{"RecipientWithName", envelopeFrom, []string{"Hélène <" + recipient + ">"}, raw},
			{"NoRecipient", envelopeFrom, nil, raw},
			{"EmptyMessage", envelopeFrom, []string{recipient}, nil},
		}
		for _, tt := range tests {
			err := b.sender.Send(ctx, tt.from, tt.to, tt.raw)
			require.ErrorIs(t, err, ErrInvalidMessage, tt.name)
			require.True(t, IsPermanent(err), tt.name)
		}
		require.Zero(t, b.server.Connections())
	})

	t.Run("Closed", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.NoError(t, b.sender.Close())
		require.ErrorIs(t, b.send(ctx, t, "b@example.org"), ErrSenderClosed)
	})
}

func TestSenderContext(t *testing.T) {
	t.Parallel()

	t.Run("AlreadyCancelled", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := b.send(ctx, t, "a@example.org")
		require.ErrorIs(t, err, context.Canceled)
		require.False(t, IsPermanent(err))
		require.Zero(t, b.sleeps.count())
	})

	t.Run("CancelledDuringCommand", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{Timeout: time.Minute})
		require.NoError(t, b.send(context.Background(), t, "a@example.org"))
		b.server.StallNext(smtptest.CmdMail, 1)

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		err := b.send(ctx, t, "b@example.org")
		require.ErrorIs(t, err, context.Canceled)
		requireSendError(t, err, "mail", 0)
		require.Less(t, time.Since(start), 5*time.Second, "cancellation, not the timeout, ends the command")
		require.Zero(t, b.sleeps.count())

		require.NoError(t, b.send(context.Background(), t, "c@example.org"))
		require.Equal(t, 2, b.server.Connections(), "the interrupted connection is not reused")
	})

	t.Run("DeadlineDuringCommand", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{Timeout: time.Minute})
		b.server.StallNext(smtptest.CmdRcpt, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		err := b.send(ctx, t, "a@example.org")
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.False(t, IsPermanent(err))
	})

	t.Run("CancelledDuringBackoff", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		sleepFunc := func(ctx context.Context, _ time.Duration) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		b := setup(t, SMTPConfig{SleepFunc: sleepFunc})
		b.server.FailNext(smtptest.CmdMail, 1, 451)
		err := b.send(ctx, t, "a@example.org")
		require.ErrorIs(t, err, context.Canceled)
		requireSendError(t, err, "mail", 451)
		require.False(t, IsPermanent(err))
	})

	t.Run("CommandTimeout", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{Timeout: 300 * time.Millisecond, Retries: -1})
		b.server.StallNext(smtptest.CmdMail, 1)
		err := b.send(context.Background(), t, "a@example.org")
		requireSendError(t, err, "mail", 0)
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		require.True(t, ne.Timeout())
		require.False(t, IsPermanent(err))
	})
}

func TestSenderTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("STARTTLS", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{}, smtptest.WithSTARTTLS())
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.NoError(t, b.send(ctx, t, "b@example.org"))
		msgs := b.server.Messages()
		require.True(t, msgs[0].TLS)
		require.True(t, msgs[1].TLS)
		require.Equal(t, 1, b.server.Connections())
	})

	t.Run("ImplicitTLS", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{}, smtptest.WithImplicitTLS())
		require.Contains(t, b.server.URL(), "smtps://")
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.True(t, b.server.Messages()[0].TLS)
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{TLSConfig: &tls.Config{}}, smtptest.WithSTARTTLS())
		err := b.sender.Check(ctx)
		requireSendError(t, err, "tls", 0)
		var cverr *tls.CertificateVerificationError
		require.ErrorAs(t, err, &cverr)

		err = b.send(ctx, t, "a@example.org")
		require.ErrorAs(t, err, &cverr)
		require.False(t, IsPermanent(err))
		require.Zero(t, b.sleeps.count(), "a certificate error is not retried")
	})

	t.Run("STARTTLSRequiredOffLoopback", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{})
		b.sender.loopback = false // as if the server were not on 127.0.0.1
		err := b.sender.Check(ctx)
		requireSendError(t, err, "tls", 0)
		require.ErrorContains(t, err, "does not offer STARTTLS")
	})
}

func TestSenderAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("PlainOverSTARTTLS", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{}, smtptest.WithSTARTTLS(), smtptest.WithAuth("codev", "s3cret"))
		require.NoError(t, b.sender.Check(ctx))
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		msg := b.server.Messages()[0]
		require.Equal(t, "codev", msg.User)
		require.True(t, msg.TLS)
		require.NotContains(t, b.logs.String(), "s3cret")
	})

	t.Run("PlainOnLoopbackWithoutTLS", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{}, smtptest.WithAuth("codev", "s3cret"))
		require.NoError(t, b.send(ctx, t, "a@example.org"))
		require.Equal(t, "codev", b.server.Messages()[0].User)
	})

	t.Run("WrongPassword", func(t *testing.T) {
		t.Parallel()
		server := smtptest.NewServer(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("codev", "s3cret"))
		b := setupWith(t, server, SMTPConfig{URL: "smtp://codev:wrong@" + server.Addr})
		err := b.sender.Check(ctx)
		se := requireSendError(t, err, "auth", 535)
		require.Equal(t, "5.7.8", se.Enhanced)
		require.False(t, IsPermanent(err), "bad credentials are not the message's fault")

		err = b.send(ctx, t, "a@example.org")
		requireSendError(t, err, "auth", 535)
		require.Zero(t, b.sleeps.count())
		require.NotContains(t, err.Error(), "wrong")
	})

	t.Run("MissingCredentials", func(t *testing.T) {
		t.Parallel()
		server := smtptest.NewServer(t, smtptest.WithAuth("codev", "s3cret"))
		b := setupWith(t, server, SMTPConfig{URL: "smtp://" + server.Addr})
		err := b.send(ctx, t, "a@example.org")
		requireSendError(t, err, "mail", 502)
		require.False(t, IsPermanent(err), "a 5xx to MAIL FROM is a configuration problem")
	})
}

func TestSenderCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		b := setup(t, SMTPConfig{}, smtptest.WithSTARTTLS())
		require.NoError(t, b.sender.Check(ctx))
		require.Equal(t, 1, b.server.Connections())
	})

	t.Run("DialFailure", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		s, err := NewSender(&SMTPConfig{URL: "smtp://" + addr, Timeout: time.Second}, nil)
		require.NoError(t, err)
		err = s.Check(ctx)
		requireSendError(t, err, "dial", 0)
		require.NoError(t, s.Close())
	})
}

func TestNewSender(t *testing.T) {
	t.Parallel()

	valid := []struct {
		url      string
		addr     string
		implicit bool
		loopback bool
		user     string
	}{
		{"smtp://mail.example.org", "mail.example.org:587", false, false, ""},
		{"smtps://mail.example.org", "mail.example.org:465", true, false, ""},
		{"smtp://codev:p%40ss@mail.example.org:2525/", "mail.example.org:2525", false, false, "codev"},
		{"smtp://127.0.0.1:25", "127.0.0.1:25", false, true, ""},
		{"smtp://localhost", "localhost:587", false, true, ""},
		{"smtp://[::1]:25", "[::1]:25", false, true, ""},
	}
	for _, tt := range valid {
		s, err := NewSender(&SMTPConfig{URL: tt.url}, nil)
		require.NoError(t, err, tt.url)
		require.Equal(t, tt.addr, s.addr, tt.url)
		require.Equal(t, tt.implicit, s.implicit, tt.url)
		require.Equal(t, tt.loopback, s.loopback, tt.url)
		require.Equal(t, tt.user, s.user, tt.url)
		require.Equal(t, "localhost", s.helo)
		require.Equal(t, defaultTimeout, s.timeout)
		require.Equal(t, defaultRetries, s.retries)
		require.Equal(t, defaultPoolSize, cap(s.sem))
		require.Equal(t, uint16(tls.VersionTLS12), s.tlsConfig.MinVersion)
	}

	s, err := NewSender(&SMTPConfig{URL: "smtp://codev:p%40ss@mail.example.org"}, nil)
	require.NoError(t, err)
	require.Equal(t, "p@ss", s.pass)
	require.Equal(t, "mail.example.org", s.tlsConfig.ServerName)

	invalid := []struct {
		name    string
		cfg     SMTPConfig
		wantErr string
	}{
		{"Empty", SMTPConfig{}, "scheme"},
		{"HTTP", SMTPConfig{URL: "https://mail.example.org"}, "scheme"},
		{"NoHost", SMTPConfig{URL: "smtp://"}, "host"},
		{"Path", SMTPConfig{URL: "smtp://mail.example.org/x"}, "nothing after the port"},
		{"Query", SMTPConfig{URL: "smtp://mail.example.org?tls=no"}, "nothing after the port"},
		{"Opaque", SMTPConfig{URL: "smtp:mail.example.org"}, "host"},
		{"Unparsable", SMTPConfig{URL: "smtp://codev:sec%zzret@mail.example.org"}, "invalid SMTP URL"},
		{"Helo", SMTPConfig{URL: "smtp://mail.example.org", Helo: "bad name"}, "EHLO name"},
	}
	for _, tt := range invalid {
		_, err := NewSender(&tt.cfg, nil)
		require.ErrorContains(t, err, tt.wantErr, tt.name)
		require.NotContains(t, err.Error(), "sec%zzret", "%s: the password must not leak", tt.name)
	}

	_, err = NewSender(nil, nil)
	require.Error(t, err)
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Nil", nil, false},
		{"Other", errors.New("boom"), false},
		{"InvalidMessage", fmt.Errorf("%w: x", ErrInvalidMessage), true},
		{"RcptUnknownUser", newSendError("rcpt", &textproto.Error{Code: 550, Msg: "5.1.1 unknown"}), true},
		{"DataRejected", newSendError("data", &textproto.Error{Code: 554, Msg: "5.7.1 spam"}), true},
		{"MailRejected", newSendError("mail", &textproto.Error{Code: 553, Msg: "5.7.1 not owner"}), false},
		{"AuthFailed", newSendError("auth", &textproto.Error{Code: 535, Msg: "5.7.8 bad"}), false},
		{"Greylisted", newSendError("rcpt", &textproto.Error{Code: 451, Msg: "4.7.1 later"}), false},
		{"Wrapped", fmt.Errorf("job: %w", newSendError("rcpt", &textproto.Error{Code: 550, Msg: "x"})), true},
		{"Cancelled", newSendError("mail", context.Canceled), false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, IsPermanent(tt.err), tt.name)
	}
}

func TestEnhancedCode(t *testing.T) {
	t.Parallel()

	tests := map[string]string{
		"5.1.1 <x@example.net>: Recipient address rejected": "5.1.1",
		"4.7.1 Greylisted":  "4.7.1",
		"2.0.0 Ok":          "2.0.0",
		"5.7.123 Long":      "5.7.123",
		"Requested action":  "",
		"6.1.1 Not a class": "",
		"5.1 Too short":     "",
		"5.1.1234 Too long": "",
		"5.a.1 Not numeric": "",
		"":                  "",
	}
	for msg, want := range tests {
		require.Equal(t, want, enhancedCode(msg), msg)
	}
}

func TestMessageIDOf(t *testing.T) {
	t.Parallel()

	require.Equal(t, "r-4xj2pq7w.a1b2c3@example.org", messageIDOf(mustCompose(t, testMessage())))
	require.Empty(t, messageIDOf([]byte("Subject: x\r\n\r\nMessage-ID: <body@example.org>\r\n")))
}
