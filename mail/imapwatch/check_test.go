package imapwatch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		srv *testServer
		cfg Config
	}

	setup := func(t *testing.T, o serverOptions) *testBundle {
		t.Helper()
		srv := newTestServer(t, o)
		scheme := "imap"
		if o.implicitTLS {
			scheme = "imaps"
		}
		return &testBundle{srv: srv, cfg: Config{URL: srv.url(scheme, "INBOX")}}
	}

	requireError := func(t *testing.T, err error, op, msg string) *Error {
		t.Helper()
		require.EqualError(t, err, msg)
		var ierr *Error
		require.ErrorAs(t, err, &ierr)
		require.Equal(t, op, ierr.Op)
		return ierr
	}

	t.Run("WorkingServer", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.srv.deliver(t, "INBOX", testMessage(1, "waiting"))

		r, err := Check(context.Background(), b.cfg)
		require.NoError(t, err)
		require.Equal(t, Report{
			Addr: b.srv.addr, Security: SecurityNone, Mailbox: "INBOX", Messages: 1,
			UIDValidity: b.srv.status(t, "INBOX").UIDValidity, Processed: "Processed", ProcessedCreated: true,
			Idle: true, Move: true, UIDPlus: true,
		}, r)

		r, err = Check(context.Background(), b.cfg)
		require.NoError(t, err)
		require.False(t, r.ProcessedCreated, "exists now")
	})

	t.Run("IMAP4rev1WithoutExtensions", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{caps: imap.CapSet{imap.CapIMAP4rev1: {}}})
		r, err := Check(context.Background(), b.cfg)
		require.NoError(t, err)
		require.True(t, r.Idle, "imapserver always offers IDLE with IMAP4rev1")
		require.False(t, r.Move)
		require.False(t, r.UIDPlus)
	})

	t.Run("WrongPassword", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.cfg.URL = fmt.Sprintf("imap://%s:wrong@%s/INBOX", "codev%40example.org", b.srv.addr)
		_, err := Check(context.Background(), b.cfg)
		requireError(t, err, "login", "imapwatch: login failed: wrong user or password")
		var refused *imap.Error
		require.ErrorAs(t, err, &refused)
	})

	t.Run("ClosedPort", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())

		_, err = Check(context.Background(), Config{URL: "imap://u:p@" + addr})
		requireError(t, err, "dial", "imapwatch: dial "+addr+": connection refused")
	})

	t.Run("ServerNeverGreets", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err == nil {
				accepted <- c // held open and silent
			}
		}()
		t.Cleanup(func() {
			_ = ln.Close()
			select {
			case c := <-accepted:
				_ = c.Close()
			default:
			}
		})
		addr := ln.Addr().String()
		_, err = Check(context.Background(), Config{URL: "imap://u:p@" + addr, Timeout: 200 * time.Millisecond})
		requireError(t, err, "starttls", "imapwatch: no greeting or STARTTLS reply from "+addr+": timed out after 200ms")
	})

	t.Run("MissingMailbox", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		b.cfg.URL = b.srv.url("imap", "Replies")
		_, err := Check(context.Background(), b.cfg)
		requireError(t, err, "mailbox", `imapwatch: mailbox "Replies" does not exist`)
	})

	t.Run("ImplicitTLS", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{implicitTLS: true})
		b.cfg.TLSConfig = testCert(t).client
		r, err := Check(context.Background(), b.cfg)
		require.NoError(t, err)
		require.Equal(t, SecurityTLS, r.Security)
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{implicitTLS: true})
		_, err := Check(context.Background(), b.cfg)
		ierr := requireError(t, err, "tls", err.Error())
		require.Contains(t, ierr.Msg, "TLS handshake with "+b.srv.addr+": ")
		require.Contains(t, ierr.Msg, "certificate")
	})

	t.Run("StartTLSWhenOffered", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{startTLS: true})
		b.cfg.TLSConfig = testCert(t).client
		r, err := Check(context.Background(), b.cfg)
		require.NoError(t, err)
		require.Equal(t, SecurityStartTLS, r.Security)
	})

	t.Run("ProcessedCannotBeCreated", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{noCreate: true})
		r, err := Check(context.Background(), b.cfg)
		require.NoError(t, err, "the watcher falls back to flags")
		require.True(t, r.FlagFallback)
		require.Contains(t, r.ProcessedError, `creating folder "Processed"`)
	})

	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()
		b := setup(t, serverOptions{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Check(ctx, b.cfg)
		require.True(t, errors.Is(err, context.Canceled), "got %v", err)
	})
}
