package imapwatch

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestConfigParse(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name string
		cfg  Config
		want settings // compared on the fields set here
		err  string
	}{
		{
			name: "ImapsDefaults",
			cfg:  Config{URL: "imaps://codev%40example.org:p%3Ass%2Fw@mail.example.org"},
			want: settings{addr: "mail.example.org:993", host: "mail.example.org", implicit: true,
				user: "codev@example.org", pass: "p:ss/w", mailbox: "INBOX", processed: "Processed",
				maxSize: 25 << 20, pollEvery: 30 * time.Second, refresh: 25 * time.Minute,
				minWait: time.Second, maxWait: 2 * time.Minute, lockRetry: 5 * time.Second, timeout: 30 * time.Second},
		},
		{
			name: "ImapWithMailboxOnLoopback",
			cfg:  Config{URL: "imap://u:p@127.0.0.1:1143/Lists/codev", Processed: "Lists/done", MaxSize: 1000},
			want: settings{addr: "127.0.0.1:1143", host: "127.0.0.1", loopback: true, user: "u", pass: "p",
				mailbox: "Lists/codev", processed: "Lists/done", maxSize: 1000, pollEvery: 30 * time.Second,
				refresh: 25 * time.Minute, minWait: time.Second, maxWait: 2 * time.Minute, lockRetry: 5 * time.Second, timeout: 30 * time.Second},
		},
		{
			name: "LocalhostIsLoopback",
			cfg:  Config{URL: "imap://u:p@localhost/", MinBackoff: time.Millisecond, MaxBackoff: time.Second},
			want: settings{addr: "localhost:143", host: "localhost", loopback: true, user: "u", pass: "p",
				mailbox: "INBOX", processed: "Processed", maxSize: 25 << 20, pollEvery: 30 * time.Second,
				refresh: 25 * time.Minute, minWait: time.Millisecond, maxWait: time.Second, lockRetry: 5 * time.Second, timeout: 30 * time.Second},
		},
		{name: "OtherScheme", cfg: Config{URL: "https://u:p@h/"}, err: `imapwatch: IMAP URL scheme "https" is not imap or imaps`},
		{name: "NoUser", cfg: Config{URL: "imap://mail.example.org"}, err: "imapwatch: IMAP URL has no user"},
		{name: "NoHost", cfg: Config{URL: "imap://u:p@/INBOX"}, err: "imapwatch: IMAP URL must be scheme://user:pass@host[:port][/mailbox]"},
		{name: "Query", cfg: Config{URL: "imap://u:p@h/INBOX?tls=no"}, err: "imapwatch: IMAP URL must be scheme://user:pass@host[:port][/mailbox]"},
		{name: "BadPortHidesPassword", cfg: Config{URL: "imap://u:hunter2@h:imap/"}, err: `imapwatch: invalid IMAP URL: invalid port ":imap" after host`},
		{name: "ProcessedIsTheMailbox", cfg: Config{URL: "imap://u:p@h/INBOX", Processed: "inbox"}, err: `imapwatch: Processed folder "inbox" must differ from the watched mailbox`},
		{name: "NegativeMaxSize", cfg: Config{URL: "imap://u:p@h", MaxSize: -1}, err: "imapwatch: MaxSize must not be negative"},
		{name: "NegativeDuration", cfg: Config{URL: "imap://u:p@h", PollInterval: -time.Second}, err: "imapwatch: durations must not be negative"},
		{name: "BackoffBounds", cfg: Config{URL: "imap://u:p@h", MinBackoff: time.Minute, MaxBackoff: time.Second}, err: "imapwatch: MinBackoff 1m0s is above MaxBackoff 1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.cfg.parse()
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "TLS 1.2", tls.VersionName(got.tls.MinVersion))
			require.Equal(t, tc.want.host, got.tls.ServerName)
			require.NotNil(t, got.log)
			got.tls, got.log = nil, nil
			require.Equal(t, tc.want, *got)
		})
	}
}
