package mail

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Validation happens before any byte is written: a message is either
// composed whole or rejected with an error naming the offending field.

// ErrInvalidMessage is wrapped by every error that rejects a message or an
// envelope before anything is sent, so callers can tell a bug in their input
// (which no retry fixes) from a delivery failure.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Limits from RFC 5321 §4.5.3.1 and RFC 5322 §2.1.1.
const (
	maxLineLen   = 998 // octets per line, CRLF excluded
	maxTokenLen  = 900 // an unfoldable header token (URL, msg-id) must fit on one line
	maxLocalPart = 64
	maxAddrLen   = 254
)

// checkBoundary applies RFC 2046 §5.1.1: 1–70 characters from bchars, not
// ending with a space.
func checkBoundary(b string) error {
	if len(b) == 0 || len(b) > 70 || strings.HasSuffix(b, " ") {
		return fmt.Errorf("%w: boundary %q must be 1-70 characters not ending in a space", ErrInvalidMessage, b)
	}
	for _, r := range b {
		if !strings.ContainsRune("'()+_,-./:=? ", r) && !isAlnum(r) {
			return fmt.Errorf("%w: boundary %q contains %q", ErrInvalidMessage, b, r)
		}
	}
	return nil
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// checkLineLengths is the last guard for RFC 5322 §2.1.1. The encoders keep
// body lines at 76 octets and foldField folds headers at spaces, so only an
// unbreakable header word (an ASCII Subject or display name without spaces)
// can exceed the limit.
func checkLineLengths(b []byte) error {
	for n := 1; len(b) > 0; n++ {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		if l := len(bytes.TrimSuffix(b[:i], []byte("\r"))); l > maxLineLen {
			return fmt.Errorf("%w: line %d would have %d octets, more than %d (a header word too long to fold?)",
				ErrInvalidMessage, n, l, maxLineLen)
		}
		b = b[min(i+1, len(b)):]
	}
	return nil
}

func (m *Message) validate() error {
	if err := checkAddress("From", m.From); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return fmt.Errorf("%w: no To address", ErrInvalidMessage)
	}
	for _, a := range m.To {
		if err := checkAddress("To", a); err != nil {
			return err
		}
	}
	if m.ReplyTo != (Address{}) {
		if err := checkAddress("Reply-To", m.ReplyTo); err != nil {
			return err
		}
	}
	if err := m.validateIDs(); err != nil {
		return err
	}
	if m.Date.IsZero() {
		return fmt.Errorf("%w: Date is not set", ErrInvalidMessage)
	}
	if err := m.validateText(); err != nil {
		return err
	}
	if m.ListUnsubscribe != "" {
		if err := checkUnsubscribeURL(m.ListUnsubscribe); err != nil {
			return err
		}
	}
	if m.Calendar != nil {
		return checkCalendar(m.Calendar, m.From.Email)
	}
	return nil
}

func (m *Message) validateIDs() error {
	if err := checkMsgID("Message-ID", m.MessageID); err != nil {
		return err
	}
	for _, id := range m.InReplyTo {
		if err := checkMsgID("In-Reply-To", id); err != nil {
			return err
		}
	}
	for _, id := range m.References {
		if err := checkMsgID("References", id); err != nil {
			return err
		}
	}
	return nil
}

func (m *Message) validateText() error {
	if m.Subject == "" {
		return fmt.Errorf("%w: Subject is empty", ErrInvalidMessage)
	}
	if err := checkHeaderText("Subject", m.Subject); err != nil {
		return err
	}
	if m.Text == "" {
		return fmt.Errorf("%w: Text is empty; a plain-text part is always sent", ErrInvalidMessage)
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		return fmt.Errorf("%w: Text or HTML is not valid UTF-8", ErrInvalidMessage)
	}
	if m.Lang != "" && !isLanguageTag(m.Lang) {
		return fmt.Errorf("%w: Content-Language %q is not a language tag", ErrInvalidMessage, m.Lang)
	}
	return nil
}

// checkHeaderText rejects CR, LF and the other control characters (header
// injection, RFC 5322 §2.2) and invalid UTF-8.
func checkHeaderText(name, v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return fmt.Errorf("%w: %s contains control character %q at byte %d (CR and LF would inject headers)",
				ErrInvalidMessage, name, c, i)
		}
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidMessage, name)
	}
	return nil
}

func checkAddress(name string, a Address) error {
	if err := checkHeaderText(name+" name", a.Name); err != nil {
		return err
	}
	return checkEmail(name, a.Email)
}

// checkEmail accepts a bare ASCII addr-spec that net/mail parses back to
// itself, so neither a display name, angle brackets nor a comment can be
// smuggled into a header or an SMTP command.
func checkEmail(name, email string) error {
	if email == "" {
		return fmt.Errorf("%w: %s address is empty", ErrInvalidMessage, name)
	}
	if err := checkHeaderText(name+" address", email); err != nil {
		return err
	}
	for i := 0; i < len(email); i++ {
		if email[i] >= utf8.RuneSelf {
			return fmt.Errorf("%w: %s address %q is not ASCII (SMTPUTF8 is not used)", ErrInvalidMessage, name, email)
		}
	}
	p, err := netmail.ParseAddress(email)
	if err != nil || p.Name != "" || p.Address != email {
		return fmt.Errorf("%w: %s address %q is not a bare addr-spec", ErrInvalidMessage, name, email)
	}
	at := strings.LastIndexByte(email, '@')
	if at > maxLocalPart || len(email) > maxAddrLen {
		return fmt.Errorf("%w: %s address %q is too long (RFC 5321 §4.5.3.1)", ErrInvalidMessage, name, email)
	}
	return nil
}

// checkMsgID accepts id-left@id-right in printable ASCII, without brackets,
// short enough to stay on one header line.
func checkMsgID(name, id string) error {
	if id == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidMessage, name)
	}
	if err := checkHeaderText(name, id); err != nil {
		return err
	}
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") || len(id) > maxTokenLen ||
		strings.ContainsAny(id, "<> \t\"(),;") || !isPrintableASCII(id) {
		return fmt.Errorf("%w: %s %q is not an id-left@id-right message identifier without brackets",
			ErrInvalidMessage, name, id)
	}
	return nil
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// isLanguageTag checks the BCP 47 shape: alphanumeric subtags of 1–8
// characters separated by hyphens, the first alphabetic.
func isLanguageTag(s string) bool {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) == 0 || len(sub) > 8 {
			return false
		}
		for _, r := range sub {
			if !isAlnum(r) || (i == 0 && r <= '9') {
				return false
			}
		}
	}
	return true
}

// checkUnsubscribeURL enforces what RFC 8058 one-click needs: an absolute
// https URL, which RFC 2369 puts between angle brackets, so it may hold no
// brackets, spaces or unencoded commas. Plain http is accepted on loopback
// only, where `codev dev` serves its page.
func checkUnsubscribeURL(raw string) error {
	if err := checkHeaderText("List-Unsubscribe", raw); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	secure := err == nil && (u.Scheme == "https" || (u.Scheme == "http" && isLoopbackHost(u.Hostname())))
	if !secure || u.Host == "" || !isPrintableASCII(raw) ||
		strings.ContainsAny(raw, "<>,") || len(raw) > maxTokenLen {
		return fmt.Errorf("%w: List-Unsubscribe %q must be an absolute https URL without spaces, '<', '>' or ','",
			ErrInvalidMessage, raw)
	}
	return nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// checkCalendar enforces INTEROP.md §1.1 rules 5 and 7 on the encoded
// object: exactly one METHOD, equal to Method (else Outlook rejects the part),
// and an ORGANIZER equal to From (clients send REPLYs to the ORGANIZER).
func checkCalendar(c *Calendar, from string) error {
	if c.Method != "REQUEST" && c.Method != "CANCEL" {
		return fmt.Errorf("%w: calendar method %q is not REQUEST or CANCEL", ErrInvalidMessage, c.Method)
	}
	if !utf8.Valid(c.Data) {
		return fmt.Errorf("%w: calendar data is not valid UTF-8", ErrInvalidMessage)
	}
	var methods, organizers []string
	for _, line := range unfoldICalendar(c.Data) {
		name, value := splitContentLine(line)
		switch strings.ToUpper(name) {
		case "METHOD":
			methods = append(methods, value)
		case "ORGANIZER":
			organizers = append(organizers, value)
		}
	}
	if len(methods) != 1 || methods[0] != c.Method {
		return fmt.Errorf("%w: calendar METHOD %q does not match method=%s (INTEROP.md §1.1 rule 7)",
			ErrInvalidMessage, methods, c.Method)
	}
	if len(organizers) != 1 || !strings.EqualFold(trimMailto(organizers[0]), from) {
		return fmt.Errorf("%w: calendar ORGANIZER %q is not the From address %q (INTEROP.md §1.1 rule 5)",
			ErrInvalidMessage, organizers, from)
	}
	return nil
}

// unfoldICalendar splits data into logical content lines (RFC 5545 §3.1).
func unfoldICalendar(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.NewReplacer("\n ", "", "\n\t", "").Replace(s)
	return strings.Split(s, "\n")
}

// splitContentLine returns a content line's name and value: the value starts
// after the first colon outside a quoted parameter (CN="Groupe : 42").
func splitContentLine(line string) (name, value string) {
	quoted := false
	nameEnd := -1
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ';':
			if nameEnd < 0 {
				nameEnd = i
			}
		case ':':
			if quoted {
				continue
			}
			if nameEnd < 0 {
				nameEnd = i
			}
			return line[:nameEnd], line[i+1:]
		}
	}
	return line, ""
}

func trimMailto(v string) string {
	if len(v) >= len("mailto:") && strings.EqualFold(v[:len("mailto:")], "mailto:") {
		return v[len("mailto:"):]
	}
	return v
}
