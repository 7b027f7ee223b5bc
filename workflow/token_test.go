package workflow

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSigner(t *testing.T) {
	t.Parallel()
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Sign(TokenReply, 42)
	require.Len(t, tok, 39)
	require.Equal(t, strings.ToLower(tok), tok)

	id, err := s.Verify(TokenReply, strings.ToUpper(tok))
	require.NoError(t, err)
	require.EqualValues(t, 42, id)

	_, err = s.Verify(TokenPreferences, tok)
	require.ErrorIs(t, err, ErrBadToken, "a token must not verify for another purpose")

	tampered := []byte(tok)
	tampered[3] ^= 1
	_, err = s.Verify(TokenReply, string(tampered))
	require.ErrorIs(t, err, ErrBadToken)

	// Changing the last character only touches the unused bits of the
	// final base32 group: it must still be refused.
	last := []byte(tok)
	if last[len(last)-1] == 'a' {
		last[len(last)-1] = 'b'
	} else {
		last[len(last)-1] = 'a'
	}
	_, err = s.Verify(TokenReply, string(last))
	require.ErrorIs(t, err, ErrBadToken)

	_, err = NewSigner([]byte("another key")).Verify(TokenReply, tok)
	require.ErrorIs(t, err, ErrBadToken)

	id, ok := s.FindToken(TokenReply, "bob@example.org", "Codev+"+tok+"@Example.org")
	require.True(t, ok)
	require.EqualValues(t, 42, id)
	id, ok = s.FindToken(TokenReply, "<"+tok+".x1y2@example.org>")
	require.True(t, ok)
	require.EqualValues(t, 42, id)
	_, ok = s.FindToken(TokenReply, "codev+nottoken@example.org")
	require.False(t, ok)
}

func TestSignerKey(t *testing.T) {
	t.Parallel()
	s := NewSigner([]byte("secret"))
	require.Len(t, s.Key("web session cookie"), 32)
	require.Equal(t, s.Key("a"), s.Key("a"))
	require.NotEqual(t, s.Key("web session cookie"), s.Key("web csrf token"))
	require.NotEqual(t, s.Key("a"), NewSigner([]byte("other")).Key("a"))
}
