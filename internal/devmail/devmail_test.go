package devmail_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/codev-org/codev/internal/devmail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestServer(t *testing.T) {
	t.Parallel()

	type testBundle struct {
		dir string
		srv *devmail.Server
	}
	start := func(t *testing.T, dir string) *devmail.Server {
		t.Helper()
		srv, err := devmail.Start(devmail.Config{Service: "codev@codev.localhost", Dir: dir})
		require.NoError(t, err)
		t.Cleanup(srv.Close)
		return srv
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		dir := t.TempDir()
		return &testBundle{dir: dir, srv: start(t, dir)}
	}
	msg := func(to, subject string) []byte {
		return []byte("From: alice@example.org\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHello.\r\n")
	}
	ctx := context.Background()

	t.Run("MailboxPerRecipient", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.NoError(t, b.srv.Send(ctx, "codev+tok@codev.localhost", []string{"Alice@example.org", "bob@example.org"}, msg("alice@example.org", "One")))
		require.NoError(t, b.srv.Send(ctx, "codev+tok@codev.localhost", []string{"alice@example.org"}, msg("alice@example.org", "Two")))
		alice := b.srv.Mailbox("ALICE@example.org")
		require.Len(t, alice, 2)
		require.Contains(t, string(alice[0]), "Subject: One")
		require.Contains(t, string(alice[1]), "Subject: Two")
		require.Len(t, b.srv.Mailbox("bob@example.org"), 1)
		require.Empty(t, b.srv.Mailbox("carol@example.org"))
	})

	t.Run("ServiceMailboxOverIMAP", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.NoError(t, b.srv.Send(ctx, "alice@example.org", []string{"codev+abc@codev.localhost"}, msg("codev+abc@codev.localhost", "Re: One")))
		require.NoError(t, b.srv.Send(ctx, "bob@example.org", []string{"codev@codev.localhost"}, msg("codev@codev.localhost", "Accepted")))
		require.NoError(t, b.srv.Send(ctx, "bob@example.org", []string{"other@codev.localhost"}, msg("other@codev.localhost", "Not for codev")))
		validity, n := inbox(t, b.srv.IMAPURL())
		require.EqualValues(t, 2, n, "sub-addresses reach the service mailbox, other addresses do not")
		require.Len(t, b.srv.Mailbox("codev@codev.localhost"), 2, "the service mailbox is kept too")

		// A restart keeps the participants' mailboxes and renumbers the
		// service mailbox, which starts empty.
		require.Len(t, b.srv.Mailbox("other@codev.localhost"), 1)
		b.srv.Close()
		again := start(t, b.dir)
		require.Len(t, again.Mailbox("other@codev.localhost"), 1)
		validity2, n2 := inbox(t, again.IMAPURL())
		require.Zero(t, n2)
		require.Greater(t, validity2, validity)
	})
}

// inbox logs in with the URL's credentials and returns the INBOX's
// UIDVALIDITY and message count.
func inbox(t *testing.T, raw string) (uint32, uint32) {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	c, err := imapclient.DialInsecure(u.Host, nil)
	require.NoError(t, err)
	defer c.Close()
	pass, _ := u.User.Password()
	require.NoError(t, c.Login(u.User.Username(), pass).Wait())
	data, err := c.Select("INBOX", nil).Wait()
	require.NoError(t, err)
	st, err := c.Status("INBOX", &imap.StatusOptions{UIDValidity: true}).Wait()
	require.NoError(t, err)
	require.Equal(t, data.UIDValidity, st.UIDValidity, "SELECT and STATUS agree")
	require.NoError(t, c.Logout().Wait())
	return data.UIDValidity, data.NumMessages
}
