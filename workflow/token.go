package workflow

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"strings"
)

// Token purposes: a token signed for one purpose never verifies for another.
const (
	TokenReply       byte = 'r' // names an outgoing message: reply-to address, Message-ID
	TokenPreferences byte = 'p' // names a member: preferences and unsubscribe links
)

// ErrBadToken is returned for a token that does not verify: malformed,
// tampered with, or signed for another purpose.
var ErrBadToken = errors.New("token does not verify")

var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Signer makes and checks the tokens codev puts in reply addresses,
// Message-IDs and links. A token is an id and a 128-bit HMAC-SHA256 tag,
// lowercase base32 because some systems lowercase local parts: 39 characters,
// well under the 64 octets of an address's local part (RFC 5321). It reveals
// an id, never content.
type Signer struct{ key []byte }

// NewSigner returns a Signer for the store's secret.
func NewSigner(key []byte) *Signer { return &Signer{key: key} }

// Sign returns the token of id for a purpose.
func (s *Signer) Sign(purpose byte, id int64) string {
	var buf [8 + 16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(id))
	copy(buf[8:], s.tag(purpose, buf[:8]))
	return tokenEncoding.EncodeToString(buf[:])
}

// Verify returns the id a token names, or ErrBadToken.
func (s *Signer) Verify(purpose byte, token string) (int64, error) {
	token = strings.ToLower(token)
	if len(token) != tokenEncoding.EncodedLen(24) {
		return 0, ErrBadToken
	}
	buf, err := tokenEncoding.DecodeString(token)
	// The last character carries three unused bits: a decoder ignores them,
	// so a token whose last character was changed could decode to the same
	// bytes. Only the canonical encoding verifies.
	if err != nil || len(buf) != 24 || tokenEncoding.EncodeToString(buf) != token {
		return 0, ErrBadToken
	}
	if !hmac.Equal(buf[8:], s.tag(purpose, buf[:8])) {
		return 0, ErrBadToken
	}
	return int64(binary.BigEndian.Uint64(buf[:8])), nil
}

func (s *Signer) tag(purpose byte, id []byte) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte{purpose})
	mac.Write(id)
	return mac.Sum(nil)[:16]
}

// FindToken returns the first string in candidates that carries a token that
// verifies for purpose, looking at the sub-address of an email address
// ("local+TOKEN@domain") and at the first dot-separated label of a Message-ID
// ("TOKEN.random@domain").
func (s *Signer) FindToken(purpose byte, candidates ...string) (int64, bool) {
	for _, c := range candidates {
		c = strings.Trim(strings.ToLower(c), "<> ")
		local, _, _ := strings.Cut(c, "@")
		var tok string
		if _, after, ok := strings.Cut(local, "+"); ok {
			tok = after
		} else {
			tok, _, _ = strings.Cut(local, ".")
		}
		if id, err := s.Verify(purpose, tok); err == nil {
			return id, true
		}
	}
	return 0, false
}

// Key derives a key for one purpose from the store's secret, so that the
// web package's cookies and CSRF tokens never share a key with reply tokens
// or with each other.
func (s *Signer) Key(purpose string) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("codev key derivation\x00" + purpose))
	return mac.Sum(nil)
}
