package inbound

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/emersion/go-message/textproto"
	"github.com/stretchr/testify/require"
)

// TestMultipartReaderMatchesGoMessage checks that multipartReader splits
// bodies as go-message's textproto.MultipartReader does, on hand-written
// edge cases and on 5,000 generated bodies mixing LF and CRLF, fake and
// truncated boundaries, preambles, broken part headers and long lines: the
// same parts, headers, bodies and errors.
func TestMultipartReaderMatchesGoMessage(t *testing.T) {
	t.Parallel()

	cases := []string{
		"", "--b", "--b\n", "--b--", "--b--\r\n", "--b\r\n\r\nx\r\n--b--\r\n", "--b\n\nx\n--b--\n",
		"pre\r\n--b\r\nA: 1\r\n\r\nx\r\n--bx\r\ny\r\n--b\r\n\r\n--b--\r\n", "--b\r\n\r\n--b\r\n\r\n--b--",
		"--b\r\nbad\r\n\r\nx\r\n--b--", "--b\r\n x: y\r\n\r\nx", "--b\r\n\r\nx\r\n--", "--b\r\n\r\nx\r\n--b",
		"--b\r\n\r\nx\r\n--b-x\r\n--b--", "--b\r\n\r\nx\r\nnot a boundary\r\n", "--b\n\nx\r\n--b\n\ny\n--b--",
		"--b\r\n\r\n" + strings.Repeat("z", 9000) + "\r\n--b\r\n\r\ny\r\n--b--", strings.Repeat("p", 5000) + "\r\n--b\r\n\r\nx",
		"--b\r\n\r\nx\r\n--b\r\n" + strings.Repeat("q", 5000), "--b \t\r\n\r\nx\r\n--b-- \r\n",
	}
	r := rand.New(rand.NewSource(10))
	for range 5000 {
		cases = append(cases, randomMultipartBody(r, "b"))
	}
	for i, body := range cases {
		require.Equal(t, goMessageParts(body, "b"), ourParts(body, "b"), "case %d: %q", i, body[:min(len(body), 300)])
	}
}

// goMessageParts lists the parts go-message's reader finds, as
// walkMultipart read them before: header fields, body, errors.
func goMessageParts(body, boundary string) []string {
	var out []string
	mr := textproto.NewMultipartReader(strings.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return append(out, "end: "+err.Error())
		}
		b, err := io.ReadAll(io.LimitReader(p, maxPartBytes))
		out = append(out, describePart(p.Header, b, err))
	}
}

func ourParts(body, boundary string) []string {
	var out []string
	mr := newMultipartReader([]byte(body), boundary)
	for {
		h, b, bodyErr, err := mr.next()
		if err != nil {
			return append(out, "end: "+err.Error())
		}
		out = append(out, describePart(h, b, bodyErr))
	}
}

func describePart(h textproto.Header, b []byte, err error) string {
	var s strings.Builder
	for f := h.Fields(); f.Next(); {
		fmt.Fprintf(&s, "%s=%q ", f.Key(), f.Value())
	}
	fmt.Fprintf(&s, "body=%q err=%v", b, err)
	return s.String()
}

// randomMultipartBody builds a multipart body from pieces, most right and
// some broken.
func randomMultipartBody(r *rand.Rand, b string) string {
	pick := func(xs ...string) string { return xs[r.Intn(len(xs))] }
	nl := pick("\r\n", "\n")
	var s bytes.Buffer
	if r.Intn(4) == 0 {
		s.WriteString(pick("preamble", strings.Repeat("p", 4100), "--"+b+"x", "--"+b+"--x", "") + pick(nl, "\r\n", "\n", ""))
	}
	for range r.Intn(6) {
		s.WriteString(pick("--"+b, "--"+b, "--"+b, "--"+b+" ", "--"+b+"\t", "--"+b+"-", "--"+b+"x", "-"+b) + pick(nl, nl, nl, "\r\n", "\n", ""))
		s.WriteString(pick("Content-Type: text/plain"+nl, "", " bad"+nl, "NoColon"+nl, "X: y"+nl+" z"+nl, "K\x01: v"+nl, "A:"+nl+"B: c"+nl))
		s.WriteString(pick(nl, nl, "", "\r\r\n"))
		s.WriteString(pick("text", "", "--"+b+"x fake", nl+"--"+b+"x", strings.Repeat("z", r.Intn(9000)), "a"+nl+"--", "a\r", "--"+b, "--"+b+"--"))
		s.WriteString(pick(nl, nl, "", "\r\n", "\n", nl+nl, "\r"))
	}
	if r.Intn(3) > 0 {
		s.WriteString("--" + b + pick("--", "-- ", "--x", "") + pick(nl, "", "\r\n"))
	}
	if r.Intn(4) == 0 {
		s.WriteString(pick("epilogue", "--"+b+nl, strings.Repeat("e", 5000)))
	}
	out := s.String()
	if r.Intn(5) == 0 {
		out = out[:r.Intn(len(out)+1)]
	}
	return out
}

// TestMIMEPartsCapNoted checks that parts beyond maxParts are not read and
// that the reason says so.
func TestMIMEPartsCapNoted(t *testing.T) {
	t.Parallel()

	raw := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		strings.Repeat("--b\r\n\r\nx\r\n", maxParts) + "--b\r\nContent-Type: text/plain\r\n\r\nLa réponse.\r\n--b--\r\n"
	m := Parse([]byte(raw), Options{})
	require.Equal(t, KindReply, m.Kind, m.Reason)
	require.Contains(t, m.Reason, "more than 500 MIME parts: the rest ignored")
	require.Equal(t, "x", m.Text, "only the first parts are read")
}
