package mail

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// Compose writes the MIME tree with go-message rather than go-mail's Msg.
// go-mail can express the CalConnect layout (a ContentType string carrying
// "; method=REQUEST", an attachment with a custom content type), but not
// byte-stable output: WithBoundary gives the nested multipart/alternative the
// same boundary as the enclosing multipart/mixed, whose closing delimiter then
// ends the outer part too (checked against v0.8.1), per-level boundaries
// live in an unexported map, and List-Unsubscribe and List-Unsubscribe-Post
// are written in map order. Golden files and DKIM-stable headers need both
// fixed, so go-mail is kept for the SMTP transport (smtp.go) only.

// Address is a mailbox as written in From, To and Reply-To. It is split into
// name and address so the address can be checked on its own and the name
// encoded (RFC 2047) without the caller handling either.
type Address struct {
	// Name is the display name; optional, may hold any UTF-8 text.
	Name string
	// Email is the bare addr-spec (local@domain), ASCII only: codev does not
	// use SMTPUTF8, so internationalised domains must be given in punycode.
	Email string
}

// Calendar is an already encoded iMIP object (RFC 6047). It travels as bytes
// because the calendar package owns iCalendar encoding and folding; Compose
// only checks the properties a mail client keys on.
type Calendar struct {
	// Method is the iTIP method, "REQUEST" or "CANCEL". It becomes the
	// method= parameter of the text/calendar part and must equal the METHOD
	// property inside Data (INTEROP.md §1.1 rule 7).
	Method string
	// Data is the VCALENDAR object, UTF-8 with CRLF line endings. Its
	// ORGANIZER must be the message's From address (INTEROP.md §1.1 rule 5).
	Data []byte
}

// Message is one outbound email. Every volatile value (Date, MessageID,
// boundaries) comes from the caller so output is reproducible.
type Message struct {
	// From is the group's agent address, also the calendar ORGANIZER of an
	// invitation, so that SPF, DKIM and DMARC align and replies reach us.
	From Address
	// To lists the visible recipients; at least one. Send one message per
	// member (INTEROP.md §1.1 rule 10).
	To []Address
	// ReplyTo is the tokenised address codev+TOKEN@domain; optional (zero
	// value omits the header).
	ReplyTo Address
	// MessageID is the Message-ID without angle brackets, generated and
	// stored by the caller for threading; required.
	MessageID string
	// InReplyTo and References are earlier Message-IDs of the conversation,
	// without angle brackets; optional.
	InReplyTo  []string
	References []string
	// Date is the Date header; required, written in its own location.
	Date time.Time
	// Subject is plain UTF-8 text; it is RFC 2047 encoded when not ASCII.
	Subject string
	// Text is the plain-text body, always sent (INTEROP.md §2); required.
	// Line breaks may be LF or CRLF; they travel as CRLF, the canonical
	// form of text (RFC 2046 §4.1.1), in quoted-printable.
	Text string
	// HTML is the HTML body; optional. Encoded like Text.
	HTML string
	// Lang is the Content-Language tag (e.g. "fr"); optional.
	Lang string
	// Calendar makes the message an iMIP invitation or cancellation; optional.
	Calendar *Calendar
	// ListUnsubscribe is the https one-click unsubscribe URL (RFC 8058);
	// optional. It sets List-Unsubscribe and List-Unsubscribe-Post.
	ListUnsubscribe string
	// BoundaryFunc returns MIME boundaries, outermost first, so tests can
	// produce golden files; nil means random boundaries. Each value must be a
	// valid RFC 2046 boundary and none may be a prefix of another.
	BoundaryFunc func() string
}

// Compose renders m as RFC 5322 bytes with CRLF line endings, every line at
// most 998 octets. Without a calendar the body is multipart/alternative
// (text/plain, text/html), or a single text/plain part when HTML is empty.
// With a calendar it is the CalConnect layout of INTEROP.md §1.2:
//
//	multipart/mixed
//	  multipart/alternative
//	    text/plain; charset=UTF-8
//	    text/html; charset=UTF-8
//	    text/calendar; method=REQUEST; charset=UTF-8
//	  application/ics; name="invite.ics"
//
// An error wrapping ErrInvalidMessage names the offending field: CR or LF in
// a header value, an invalid address, a calendar whose METHOD or ORGANIZER
// disagrees with the message.
func Compose(m *Message) ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	boundaries, err := m.boundaries()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(m.sizeHint())
	if err := m.writeTo(&buf, boundaries); err != nil {
		return nil, fmt.Errorf("mail: composing message: %w", err)
	}
	if err := checkLineLengths(buf.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (m *Message) writeTo(w io.Writer, boundaries []string) error {
	if m.Calendar == nil && m.HTML == "" {
		mw, err := message.CreateWriter(w, m.header(contentTypeText, "quoted-printable"))
		if err != nil {
			return err
		}
		return writeAndClose(mw, []byte(m.Text))
	}
	top := multipartType("alternative", boundaries[0])
	if m.Calendar != nil {
		top = multipartType("mixed", boundaries[0])
	}
	mw, err := message.CreateWriter(w, m.header(top, ""))
	if err != nil {
		return err
	}
	alt := mw
	if m.Calendar != nil {
		alt, err = mw.CreatePart(newHeader(field{k: "Content-Type", v: multipartType("alternative", boundaries[1])}))
		if err != nil {
			return err
		}
	}
	if err := m.writeAlternatives(alt); err != nil {
		return err
	}
	if m.Calendar != nil {
		if err := alt.Close(); err != nil {
			return err
		}
		if err := writePart(mw, attachmentHeader(), m.Calendar.Data); err != nil {
			return err
		}
	}
	return mw.Close()
}

func (m *Message) writeAlternatives(alt *message.Writer) error {
	if err := writePart(alt, partHeader(contentTypeText, "quoted-printable"), []byte(m.Text)); err != nil {
		return err
	}
	if m.HTML != "" {
		if err := writePart(alt, partHeader(contentTypeHTML, "quoted-printable"), []byte(m.HTML)); err != nil {
			return err
		}
	}
	if m.Calendar == nil {
		return nil
	}
	// base64 rather than quoted-printable: it keeps the CRLF line endings
	// RFC 5545 requires byte for byte, whatever the reader's canonicalisation.
	ct := "text/calendar; method=" + m.Calendar.Method + "; charset=UTF-8"
	return writePart(alt, partHeader(ct, "base64"), m.Calendar.Data)
}

const (
	contentTypeText = "text/plain; charset=UTF-8"
	contentTypeHTML = "text/html; charset=UTF-8"
)

func multipartType(subtype, boundary string) string {
	return "multipart/" + subtype + `; boundary="` + boundary + `"`
}

func partHeader(contentType, encoding string) message.Header {
	return newHeader(
		field{k: "Content-Type", v: contentType},
		field{k: "Content-Transfer-Encoding", v: encoding},
	)
}

func attachmentHeader() message.Header {
	return newHeader(
		field{k: "Content-Type", v: `application/ics; name="invite.ics"`},
		field{k: "Content-Disposition", v: `attachment; filename="invite.ics"`},
		field{k: "Content-Transfer-Encoding", v: "base64"},
	)
}

func writePart(parent *message.Writer, h message.Header, body []byte) error {
	pw, err := parent.CreatePart(h)
	if err != nil {
		return err
	}
	return writeAndClose(pw, body)
}

func writeAndClose(w *message.Writer, body []byte) error {
	if _, err := w.Write(body); err != nil {
		return err
	}
	return w.Close()
}

// field is one header field, folded by newHeader.
type field struct{ k, v string }

// newHeader builds a header that writes fields in the given order, each
// folded by foldField. go-message writes raw fields verbatim (its own
// folding would leave a long RFC 2047 Subject unfolded, and it spells
// "Message-ID" as "Message-Id") and writes the most recently added first.
func newHeader(fields ...field) message.Header {
	var h message.Header
	for i := len(fields) - 1; i >= 0; i-- {
		h.AddRaw(foldField(fields[i].k, fields[i].v))
	}
	return h
}

// foldWidth is the line length RFC 2047 §2 allows for lines holding
// encoded-words, and RFC 5322 §2.1.1 recommends for all.
const foldWidth = 76

// foldField formats "k: v" plus CRLF, folding at spaces so that lines stay
// within foldWidth. Unfolding (removing each CRLF) gives back "k: v"
// exactly. In structured fields a first word too long to follow the field
// name starts on a continuation line; in Subject it stays, because some
// parsers (Python's email) keep the leading space of an unstructured value
// that starts on a continuation line (encodeSubject sizes its first word to
// fit instead). A word longer than a line is left whole; Compose's final
// check rejects it if it breaks the 998-octet limit.
func foldField(k, v string) []byte {
	b := make([]byte, 0, len(k)+len(v)+8)
	b = append(b, k...)
	b = append(b, ':')
	lineLen := len(b)
	for i, w := range strings.Split(v, " ") {
		if len(w) > 0 && lineLen+1+len(w) > foldWidth && (i > 0 || k != "Subject") {
			b = append(b, "\r\n"...)
			lineLen = 0
		}
		b = append(b, ' ')
		b = append(b, w...)
		lineLen += 1 + len(w)
	}
	return append(b, "\r\n"...)
}

func (m *Message) header(contentType, encoding string) message.Header {
	fs := make([]field, 0, 16)
	fs = append(fs,
		field{k: "Date", v: m.Date.Format(time.RFC1123Z)},
		field{k: "From", v: formatAddress(m.From)},
		field{k: "To", v: formatAddressList(m.To)},
	)
	if m.ReplyTo.Email != "" {
		fs = append(fs, field{k: "Reply-To", v: formatAddress(m.ReplyTo)})
	}
	fs = append(fs,
		field{k: "Subject", v: encodeSubject(m.Subject)},
		field{k: "Message-ID", v: "<" + m.MessageID + ">"},
	)
	if len(m.InReplyTo) > 0 {
		fs = append(fs, field{k: "In-Reply-To", v: formatMsgIDs(m.InReplyTo)})
	}
	if len(m.References) > 0 {
		fs = append(fs, field{k: "References", v: formatMsgIDs(m.References)})
	}
	fs = append(fs, field{k: "MIME-Version", v: "1.0"})
	if m.Lang != "" {
		fs = append(fs, field{k: "Content-Language", v: m.Lang})
	}
	fs = append(fs,
		field{k: "Auto-Submitted", v: "auto-generated"},
		field{k: "X-Auto-Response-Suppress", v: "OOF, AutoReply"},
	)
	if m.ListUnsubscribe != "" {
		fs = append(fs,
			field{k: "List-Unsubscribe", v: "<" + m.ListUnsubscribe + ">"},
			field{k: "List-Unsubscribe-Post", v: "List-Unsubscribe=One-Click"},
		)
	}
	fs = append(fs, field{k: "Content-Type", v: contentType})
	if encoding != "" {
		fs = append(fs, field{k: "Content-Transfer-Encoding", v: encoding})
	}
	return newHeader(fs...)
}

// encodeSubject returns s itself when it is printable ASCII, else RFC 2047
// Q encoded-words sized so that foldField, breaking between them, keeps
// every line within foldWidth with the first word right after "Subject: ".
// (mime.QEncoding's words are up to 75 octets, too long for that first line,
// and a value starting on a continuation line keeps a leading space in some
// parsers, Python's email among them.)
func encodeSubject(s string) string {
	if isPrintableASCII(strings.ReplaceAll(s, " ", "!")) && !strings.Contains(s, "=?") {
		return s
	}
	const prefix, suffix = "=?utf-8?q?", "?="
	budget := foldWidth - len("Subject: ") - len(prefix) - len(suffix)
	var out strings.Builder
	word := make([]byte, 0, foldWidth)
	for _, r := range s {
		enc := qEncodeRune(r)
		if len(word)+len(enc) > budget {
			out.WriteString(prefix + string(word) + suffix + " ")
			word = word[:0]
			budget = foldWidth - 1 - len(prefix) - len(suffix)
		}
		word = append(word, enc...)
	}
	out.WriteString(prefix + string(word) + suffix)
	return out.String()
}

// qEncodeRune encodes one character for an encoded-word in unstructured
// text (RFC 2047 §4.2, §5(1)); a character is never split across words.
func qEncodeRune(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r > ' ' && r < utf8.RuneSelf && r != '=' && r != '?' && r != '_':
		return string(r)
	}
	var buf [utf8.UTFMax]byte
	var b strings.Builder
	for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}

func formatAddress(a Address) string {
	return (&netmail.Address{Name: a.Name, Address: a.Email}).String()
}

func formatAddressList(as []Address) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = formatAddress(a)
	}
	return strings.Join(parts, ", ")
}

func formatMsgIDs(ids []string) string {
	return "<" + strings.Join(ids, "> <") + ">"
}

// boundaries returns one boundary per multipart level, outermost first.
func (m *Message) boundaries() ([]string, error) {
	n := 1
	switch {
	case m.Calendar != nil:
		n = 2
	case m.HTML == "":
		return nil, nil
	}
	bs := make([]string, n)
	for i := range bs {
		if m.BoundaryFunc == nil {
			// "=_" cannot occur in quoted-printable or base64 output, so the
			// boundary can never collide with a body.
			bs[i] = "=_" + rand.Text()
			continue
		}
		bs[i] = m.BoundaryFunc()
		if err := checkBoundary(bs[i]); err != nil {
			return nil, err
		}
	}
	if n == 2 && (strings.HasPrefix(bs[0], bs[1]) || strings.HasPrefix(bs[1], bs[0])) {
		return nil, fmt.Errorf("%w: boundaries %q and %q overlap", ErrInvalidMessage, bs[0], bs[1])
	}
	return bs, nil
}

func (m *Message) sizeHint() int {
	n := 2048 + len(m.Text)*11/10 + len(m.HTML)*11/10
	if m.Calendar != nil {
		n += len(m.Calendar.Data) * 28 / 10
	}
	return n
}
