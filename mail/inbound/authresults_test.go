package inbound

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// authMessage is a reply from alice@example.org whose header starts with
// the given Authentication-Results values, topmost first, as the receiving
// server and the hops before it would have added them.
func authMessage(results ...string) []byte {
	var b strings.Builder
	for _, r := range results {
		b.WriteString("Authentication-Results: " + r + "\r\n")
	}
	b.WriteString("Received: from mail.example.org by mx.codev.example\r\n" +
		"From: Alice <alice@example.org>\r\nTo: codev+token@codev.example\r\nSubject: Re: x\r\n" +
		"Message-ID: <a@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOui\r\n")
	return []byte(b.String())
}

func TestAuthenticationResults(t *testing.T) {
	t.Parallel()
	const ours = "mx.codev.example"
	tests := []struct {
		name    string
		trusted []string
		fields  []string
		want    Auth
		failed  string
	}{
		{"none", nil, nil, Auth{}, ""},
		{"honest pass", []string{ours}, []string{
			"mx.codev.example; dkim=pass header.d=example.org header.s=s1; spf=pass smtp.mailfrom=example.org; dmarc=pass header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "pass"}, ""},
		{"dmarc fail", []string{ours}, []string{
			"mx.codev.example; dkim=none; spf=fail smtp.mailfrom=example.org; dmarc=fail (p=reject dis=none) header.from=example.org",
		}, Auth{ServID: ours, DKIM: "none", DMARC: "fail"}, "dmarc"},
		{"dkim fail for the From domain", []string{ours}, []string{
			"mx.codev.example;\r\n\tdkim=fail reason=\"signature verification failed; body hash\" header.d=example.org",
		}, Auth{ServID: ours, DKIM: "fail"}, "dkim"},
		{"dkim fail of a third party only", []string{ours}, []string{
			"mx.codev.example; dkim=fail header.d=mailer.example; dkim=pass header.d=example.org",
		}, Auth{ServID: ours, DKIM: "pass"}, ""},
		{"a broken and a valid signature of the From domain", []string{ours}, []string{
			"mx.codev.example; dkim=fail header.i=@example.org; dkim=pass header.i=@example.org",
		}, Auth{ServID: ours, DKIM: "pass"}, ""},
		{"dkim of a parent domain", []string{ours}, []string{
			"mx.codev.example; dkim=fail header.d=org",
		}, Auth{ServID: ours, DKIM: "fail"}, "dkim"},
		{"dmarc for another domain", []string{ours}, []string{
			"mx.codev.example; dmarc=fail header.from=other.example",
		}, Auth{ServID: ours}, ""},
		{"version and comments", []string{ours}, []string{
			"mx.codev.example 1 (our server); dkim/1=pass (2048-bit key; unprotected) header.d=example.org; dmarc=fail (p=NONE) header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "fail"}, "dmarc"},
		{"case", []string{"MX.Codev.Example"}, []string{
			"MX.CODEV.EXAMPLE; DMARC=FAIL header.from=Example.ORG",
		}, Auth{ServID: ours, DMARC: "fail"}, "dmarc"},
		{"two fields of our server", []string{ours}, []string{
			"mx.codev.example; dkim=pass header.d=example.org",
			"mx.codev.example; dmarc=fail header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "fail"}, "dmarc"},
		{"two servers of ours", []string{ours, "filter.codev.example"}, []string{
			"filter.codev.example; dmarc=fail header.from=example.org",
			"mx.codev.example; dkim=pass header.d=example.org",
		}, Auth{ServID: "filter.codev.example", DKIM: "pass", DMARC: "fail"}, "dmarc"},
		// The sender wrote a field claiming our server's pass, below our
		// server's fail: the fail stands, a pass never outweighs it.
		{"forged pass below our fail", []string{ours}, []string{
			"mx.codev.example; dmarc=fail header.from=example.org",
			"mx.codev.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "fail"}, "dmarc"},
		// Below another server's field, a field with our id was not added
		// by our server: it is not read.
		{"forged fail below a hop's field", []string{ours}, []string{
			"mx.codev.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
			"relay.example.net; dkim=pass header.d=example.org",
			"mx.codev.example; dmarc=fail header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "pass"}, ""},
		// An earlier hop's verdict (a forwarder that broke the signature)
		// is not ours.
		{"honest: an earlier hop's fail below our pass", []string{ours}, []string{
			"mx.codev.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org",
			"forwarder.example.net; dkim=fail header.d=example.org; dmarc=fail header.from=example.org",
		}, Auth{ServID: ours, DKIM: "pass", DMARC: "pass"}, ""},
		// Our server added nothing: the topmost field is another's.
		{"no field of ours", []string{ours}, []string{
			"relay.example.net; dmarc=fail header.from=example.org",
		}, Auth{}, ""},
		{"a forged field with our id only", []string{ours}, []string{
			"mx.codev.example; dmarc=pass header.from=example.org",
		}, Auth{ServID: ours, DMARC: "pass"}, ""},
		// Without CODEV_AUTHSERV_ID the topmost field's server is ours.
		{"topmost, unconfigured", nil, []string{
			"mx.other.example; dmarc=fail header.from=example.org",
			"relay.example.net; dkim=fail header.d=example.org",
		}, Auth{ServID: "mx.other.example", DMARC: "fail"}, "dmarc"},
		{"topmost, unconfigured, honest", nil, []string{
			"mx.other.example; dkim=pass header.d=example.org",
			"relay.example.net; dmarc=fail header.from=example.org",
		}, Auth{ServID: "mx.other.example", DKIM: "pass"}, ""},
		{"no results", []string{ours}, []string{"mx.codev.example; none"}, Auth{ServID: ours}, ""},
		{"unknown result word", []string{ours}, []string{"mx.codev.example; dmarc=MARKER header.from=example.org"}, Auth{ServID: ours}, ""},
		{"garbage", []string{ours}, []string{`;;;=="(((`}, Auth{}, ""},
		{"empty value", nil, []string{""}, Auth{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := Parse(authMessage(tc.fields...), Options{AuthServIDs: tc.trusted})
			require.Equal(t, KindReply, m.Kind, m.Reason)
			require.Equal(t, tc.want, m.Auth)
			require.Equal(t, tc.failed, m.Auth.Failed())
		})
	}
}

// TestAuthenticationResultsNoFrom: without a From domain there is nothing
// to compare with, and nothing is read.
func TestAuthenticationResultsNoFrom(t *testing.T) {
	t.Parallel()
	raw := "Authentication-Results: mx.codev.example; dmarc=fail\r\nSubject: x\r\n\r\nOui\r\n"
	require.Equal(t, Auth{}, Parse([]byte(raw), Options{}).Auth)
}

func BenchmarkAuthenticationResults(b *testing.B) {
	fields := make([]string, 1000)
	for i := range fields {
		fields[i] = "mx.codev.example; dkim=fail (" + strings.Repeat("((c)", 50) + strings.Repeat(")", 50) + ") header.d=example.org"
	}
	raw := authMessage(fields...)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		Parse(raw, Options{AuthServIDs: []string{"mx.codev.example"}})
	}
}
