package mailroom_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/workflow"
)

// TestParserAuthServIDs: the domain learns that the sender's domain failed
// DMARC or DKIM only from the fields the receiving server added, at the
// top of the header.
func TestParserAuthServIDs(t *testing.T) {
	t.Parallel()
	const (
		ourPass   = "mx.codev.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"
		relayFail = "relay.example.net; dkim=fail header.d=example.org"
		ourFail   = "mx.codev.example; dmarc=fail header.from=example.org"
	)
	mail := func(fields ...string) []byte {
		var b strings.Builder
		for _, f := range fields {
			b.WriteString("Authentication-Results: " + f + "\r\n")
		}
		b.WriteString("From: alice@example.org\r\nTo: codev@example.org\r\nSubject: Re\r\n\r\nOui\r\n")
		return []byte(b.String())
	}
	ours := mailroom.Parser([]string{"mx.codev.example"})
	require.Empty(t, ours(mail(ourPass, relayFail, ourFail)).AuthFailed, "a field below another server's is not ours")
	require.Empty(t, mailroom.Parse(mail(ourPass, relayFail)).AuthFailed, "unconfigured: the topmost field's server is ours")
	require.Equal(t, workflow.AuthFailedDMARC, ours(mail(ourFail, relayFail)).AuthFailed)
	require.Equal(t, workflow.AuthFailedDKIM, mailroom.Parse(mail(relayFail, ourPass)).AuthFailed)
	require.Empty(t, ours(mail(relayFail)).AuthFailed, "our server added nothing")
}
