package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

// csrfField is the name of the hidden field every form carries.
const csrfField = "csrf"

// csrf protects every form with a synchronizer token: an HMAC of the
// session's nonce when someone is signed in, else of a random value held
// in an anonymous cookie (the sign-in forms). Another site can make a
// browser post a form but cannot read the token it needs. SameSite=Lax
// cookies are a second line: browsers do not send them with cross-site
// POSTs.
type csrf struct {
	key     []byte
	cookies *cookies
}

// token returns the token for the forms of a page, setting the anonymous
// cookie first when the visitor has neither a session nor one.
func (c *csrf) token(w http.ResponseWriter, r *http.Request, sess *session) string {
	seed := c.seed(r, sess)
	if seed == "" {
		v := randomToken(18)
		http.SetCookie(w, c.cookies.cookie("codev_csrf", v, 0))
		seed = "a:" + v
	}
	return c.mac(seed)
}

// valid checks the token a form sent against the request's session or
// anonymous cookie.
func (c *csrf) valid(r *http.Request, sess *session) bool {
	seed := c.seed(r, sess)
	if seed == "" {
		return false
	}
	got := r.PostFormValue(csrfField)
	return got != "" && hmac.Equal([]byte(got), []byte(c.mac(seed)))
}

func (c *csrf) seed(r *http.Request, sess *session) string {
	if sess != nil {
		return "s:" + sess.Nonce
	}
	if ck, err := r.Cookie(c.cookies.name("codev_csrf")); err == nil && len(ck.Value) >= 16 {
		return "a:" + ck.Value
	}
	return ""
}

func (c *csrf) mac(seed string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
