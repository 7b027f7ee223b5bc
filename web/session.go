package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// SessionTTL is how long a signed-in session lasts. There is no refresh:
// after 12 hours the animator asks for a new link.
const SessionTTL = 12 * time.Hour

// session is a signed-in person, as the session cookie carries it. The
// cookie is signed, not encrypted: it holds nothing the person does not
// know (their address, an expiry, a random nonce). Nothing is stored on the
// server, so removing someone's access is done where it matters: every
// request checks the address against the current groups and CODEV_ADMINS.
type session struct {
	Email   string    `json:"e"`
	Expires time.Time `json:"x"`
	// Nonce ties CSRF tokens to this session: a token taken from another
	// session (another person's, or an older one of the same person) fails.
	Nonce string `json:"n"`
}

// cookies signs and checks codev's cookies with keys derived from the
// store's secret, one per purpose.
type cookies struct {
	sessionKey []byte
	secure     bool // BaseURL is https: cookies are Secure and __Host- prefixed
}

// name prefixes a cookie name with __Host- over https, which browsers only
// accept for Secure cookies with Path=/ and no Domain, so a sibling
// subdomain cannot plant or overwrite it.
func (c *cookies) name(base string) string {
	if c.secure {
		return "__Host-" + base
	}
	return base
}

func (c *cookies) cookie(base, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: c.name(base), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	}
}

// newSession returns a session for email starting at now.
func newSession(email string, now time.Time) session {
	return session{Email: email, Expires: now.Add(SessionTTL).UTC().Truncate(time.Second), Nonce: randomToken(16)}
}

// setSession writes the session cookie. Max-Age rather than Expires: the
// browser counts it on its own clock, which may differ from the service's
// (tests and dev mode move the service's clock); the expiry inside the
// signed value is what the server checks.
func (c *cookies) setSession(w http.ResponseWriter, s session) {
	body, _ := json.Marshal(s)
	payload := base64.RawURLEncoding.EncodeToString(body)
	value := payload + "." + base64.RawURLEncoding.EncodeToString(c.mac(payload))
	http.SetCookie(w, c.cookie("codev_session", value, int(SessionTTL/time.Second)))
}

func (c *cookies) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, c.cookie("codev_session", "", -1))
}

// session returns the request's session when its cookie verifies and has
// not expired at now.
func (c *cookies) session(r *http.Request, now time.Time) (session, bool) {
	ck, err := r.Cookie(c.name("codev_session"))
	if err != nil {
		return session{}, false
	}
	payload, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return session{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(payload)) {
		return session{}, false
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, false
	}
	var s session
	if err := json.Unmarshal(body, &s); err != nil || s.Email == "" || s.Nonce == "" || !now.Before(s.Expires) {
		return session{}, false
	}
	return s, true
}

func (c *cookies) mac(payload string) []byte {
	m := hmac.New(sha256.New, c.sessionKey)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
