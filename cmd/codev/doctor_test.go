package main

import (
	"bytes"
	"context"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/imaptest"
	"github.com/codev-org/codev/mail/smtptest"
)

// TestDoctor runs `codev doctor` against in-process SMTP and IMAP servers
// that work, refuse the password, are not listening, or lack IDLE, and
// checks the line each case prints.
func TestDoctor(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		env  map[string]string
		smtp *smtptest.Server
		imap *imaptest.Server
	}

	setup := func(t *testing.T, imapOpts ...imaptest.Option) *testBundle {
		t.Helper()
		smtp := smtptest.NewServer(t, smtptest.WithAuth("codev", "s3cret"))
		imap := imaptest.NewServer(t, imapOpts...)
		env := map[string]string{
			"CODEV_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "codev.db"),
			"CODEV_SMTP_URL":     smtp.URL(),
			"CODEV_IMAP_URL":     imap.URL(),
			"CODEV_FROM":         "codev@example.org",
			"CODEV_BASE_URL":     "https://codev.example.org",
		}
		return &testBundle{env: env, smtp: smtp, imap: imap}
	}

	run := func(t *testing.T, env map[string]string, args ...string) (int, string) {
		t.Helper()
		var out bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &out, Getenv: func(k string) string { return env[k] }}
		code := m.Run(context.Background(), args)
		return code, out.String()
	}

	migrate := func(t *testing.T, env map[string]string) {
		t.Helper()
		code, out := run(t, env, "migrate")
		require.Equal(t, 0, code, out)
	}

	closedPort := func(t *testing.T) string {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		return addr
	}

	line := func(t *testing.T, out, prefix string) string {
		t.Helper()
		for l := range strings.SplitSeq(out, "\n") {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Fatalf("no line starting with %q in:\n%s", prefix, out)
		return ""
	}

	t.Run("AllGood", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		migrate(t, b.env)
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 0, code, out)
		require.Contains(t, line(t, out, "OK    database"), "sqlite, reachable, migrations applied")
		require.Contains(t, line(t, out, "OK    smtp"), b.smtp.Addr+": connected, EHLO, STARTTLS if offered (loopback), AUTH accepted")
		require.Contains(t, line(t, out, "OK    imap"), "logged in, mailbox INBOX")
		require.Contains(t, out, "OK    imap     IDLE supported")
		require.NotContains(t, out, "FAIL")
	})

	t.Run("NotMigrated", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 1, code, out)
		require.Contains(t, line(t, out, "FAIL  database"), "Fix: run `codev migrate`")
	})

	t.Run("WrongSMTPPassword", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		migrate(t, b.env)
		b.env["CODEV_SMTP_URL"] = "smtp://codev:wrong@" + b.smtp.Addr
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 1, code, out)
		l := line(t, out, "FAIL  smtp")
		require.Contains(t, l, "authentication refused by "+b.smtp.Addr+": 535")
		require.Contains(t, l, "Fix: check the user and password in CODEV_SMTP_URL")
		require.NotContains(t, out, "wrong", "the password is never printed")
		require.Contains(t, out, "OK    imap")
	})

	t.Run("WrongIMAPPassword", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		migrate(t, b.env)
		u := url.URL{Scheme: "imap", User: url.UserPassword(b.imap.User, "wrong"), Host: b.imap.Addr, Path: "/INBOX"}
		b.env["CODEV_IMAP_URL"] = u.String()
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 1, code, out)
		l := line(t, out, "FAIL  imap")
		require.Contains(t, l, "login failed: wrong user or password")
		require.Contains(t, l, "Fix: check the user and password in CODEV_IMAP_URL")
		require.NotContains(t, out, "wrong@", "the password is never printed")
	})

	t.Run("ClosedPorts", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		migrate(t, b.env)
		smtpAddr, imapAddr := closedPort(t), closedPort(t)
		b.env["CODEV_SMTP_URL"] = "smtp://codev:s3cret@" + smtpAddr
		b.env["CODEV_IMAP_URL"] = "imap://codev:s3cret@" + imapAddr + "/INBOX"
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 1, code, out)
		l := line(t, out, "FAIL  smtp")
		require.Contains(t, l, "cannot connect to "+smtpAddr+": connection refused")
		require.Contains(t, l, "Fix: check the host and port in CODEV_SMTP_URL")
		l = line(t, out, "FAIL  imap")
		require.Contains(t, l, "dial "+imapAddr+": connection refused")
		require.Contains(t, l, "Fix: check the host and port in CODEV_IMAP_URL")
	})

	t.Run("IMAPWithoutIdle", func(t *testing.T) {
		t.Parallel()
		b := setup(t, imaptest.WithoutIdle())
		migrate(t, b.env)
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 0, code, "a server without IDLE works, by polling: %s", out)
		require.Contains(t, out, "OK    imap")
		l := line(t, out, "WARN  imap")
		require.Contains(t, l, "the server does not offer IDLE: codev will poll every 30s")
		require.Contains(t, l, "Fix: ")
	})

	t.Run("BadConfiguration", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		delete(b.env, "CODEV_FROM")
		b.env["CODEV_ADMINS"] = "root@example.org, not-an-address"
		code, out := run(t, b.env, "doctor")
		require.Equal(t, 1, code, out)
		require.Contains(t, out, "FAIL  config   CODEV_FROM is not set")
		require.Contains(t, out, `FAIL  config   CODEV_ADMINS: "not-an-address" is not an email address`)
	})
}
