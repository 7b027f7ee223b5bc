package inbound

import (
	"cmp"
	"slices"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// Auth is what the trusted Authentication-Results fields (RFC 8601) say of
// the message's From domain: whether the receiving server found a valid
// DKIM signature of that domain and whether the message passed its DMARC
// policy. codev uses it only to hold messages: a result of "pass" grants
// nothing, so a forged field can at worst hold the forger's own message.
type Auth struct {
	// ServID is the authserv-id of the fields that were read; "" when no
	// field was trusted.
	ServID string `json:"authserv_id,omitempty"`
	// DKIM is "pass" when a signature of the From domain (or a parent or
	// sub-domain of it) verified, "fail" when one failed and none
	// verified, another RFC 8601 result ("none", "neutral", "policy",
	// "temperror", "permerror") or "" when none was said.
	DKIM string `json:"dkim,omitempty"`
	// DMARC is the DMARC result for the From domain, "" when none was said.
	DMARC string `json:"dmarc,omitempty"`
}

// Failed names the check the From domain failed, "dmarc" first, then
// "dkim"; "" when neither failed.
func (a Auth) Failed() string {
	switch {
	case a.DMARC == "fail":
		return "dmarc"
	case a.DKIM == "fail":
		return "dkim"
	}
	return ""
}

// maxAuthFields bounds the Authentication-Results fields examined.
const maxAuthFields = 64

// authResults are the results RFC 8601 §2.7 defines for DKIM and DMARC;
// any other word is not reported.
var authResults = []string{"pass", "fail", "none", "neutral", "policy", "temperror", "permerror"}

// readAuth reads the Authentication-Results fields the receiving server
// added (RFC 8601 §5): mail servers add fields at the top, so they are
// the first ones, and a field below another server's was there before the
// message reached ours — possibly written by the sender. With trusted ids
// (CODEV_AUTHSERV_ID), the fields read are those at the top whose
// authserv-id is one of them, up to the first field of another id. With
// none, the topmost field's id is taken as the receiving server's.
func readAuth(h textproto.Header, trusted []string, from string) Auth {
	_, fromDomain, ok := strings.Cut(from, "@")
	if !ok || fromDomain == "" {
		return Auth{}
	}
	var a Auth
	dkimPass, dkimFail, dkimOther := false, false, ""
	for i, v := range h.Values("Authentication-Results") {
		if i == maxAuthFields {
			break
		}
		id, results := parseAuthResults(v)
		if i == 0 && len(trusted) == 0 {
			trusted = []string{id}
		}
		if id == "" || !slices.Contains(trusted, id) {
			break // another server's field: it and those below it are not ours
		}
		a.ServID = cmp.Or(a.ServID, id)
		for _, r := range results {
			switch r.method {
			case "dkim":
				d := r.props["header.d"]
				if d == "" {
					_, d, _ = strings.Cut(r.props["header.i"], "@")
				}
				if d != "" && !relatedDomains(d, fromDomain) {
					continue
				}
				switch r.result {
				case "pass":
					dkimPass = true
				case "fail":
					dkimFail = true
				default:
					dkimOther = cmp.Or(dkimOther, r.result)
				}
			case "dmarc":
				if d := r.props["header.from"]; d != "" && d != fromDomain {
					continue
				}
				if a.DMARC != "fail" {
					a.DMARC = r.result
				}
			}
		}
	}
	switch {
	case dkimPass:
		a.DKIM = "pass"
	case dkimFail:
		a.DKIM = "fail"
	default:
		a.DKIM = dkimOther
	}
	return a
}

// relatedDomains reports whether a signing domain speaks for the From
// domain: the same, or one a sub-domain of the other (DMARC's relaxed
// alignment, without the public suffix list).
func relatedDomains(d, from string) bool {
	return d == from || strings.HasSuffix(from, "."+d) || strings.HasSuffix(d, "."+from)
}

// authResult is one resinfo of an Authentication-Results field:
// "dkim=pass header.d=example.org".
type authResult struct {
	method, result string
	props          map[string]string // "header.d" → "example.org", lowercased
}

// parseAuthResults reads one Authentication-Results value: the
// authserv-id, lowercased, and the results. Comments are dropped; a value
// without an authserv-id gives "".
func parseAuthResults(v string) (string, []authResult) {
	segments := splitUnquoted(stripComments(v), ';')
	head := strings.Fields(segments[0])
	if len(head) == 0 {
		return "", nil
	}
	id := strings.ToLower(head[0])
	var out []authResult
	for _, seg := range segments[1:] {
		words := splitUnquoted(seg, ' ', '\t', '\r', '\n')
		var r authResult
		for _, w := range words {
			k, val, ok := strings.Cut(w, "=")
			if !ok {
				continue
			}
			k, val = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.Trim(strings.TrimSpace(val), `"`))
			if r.method == "" {
				method, _, _ := strings.Cut(k, "/") // "dkim/1=pass": a version
				r.method, r.result = method, val
				if !slices.Contains(authResults, r.result) {
					r.result = ""
				}
				r.props = map[string]string{}
				continue
			}
			r.props[k] = val
		}
		if r.method != "" && r.result != "" {
			out = append(out, r)
		}
	}
	return id, out
}

// stripComments removes RFC 5322 comments (parenthesised, nested, with
// backslash escapes) outside quoted strings.
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
			if depth == 0 {
				b.WriteRune(r)
			}
			continue
		case r == '\\':
			escaped = true
			if depth == 0 {
				b.WriteRune(r)
			}
			continue
		case quoted:
			quoted = r != '"'
		case r == '"' && depth == 0:
			quoted = true
		case r == '(':
			depth++
			continue
		case r == ')' && depth > 0:
			depth--
			b.WriteRune(' ')
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitUnquoted splits s at any of seps outside double quotes, dropping
// empty pieces but always returning at least one.
func splitUnquoted(s string, seps ...rune) []string {
	var out []string
	var b strings.Builder
	quoted := false
	flush := func() {
		if t := strings.TrimSpace(b.String()); t != "" || len(out) == 0 {
			out = append(out, t)
		}
		b.Reset()
	}
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && slices.Contains(seps, r):
			flush()
			continue
		}
		b.WriteRune(r)
	}
	flush()
	return out
}
