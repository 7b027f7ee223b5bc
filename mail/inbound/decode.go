package inbound

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// Labels decoded as windows-1252. Parts labelled iso-8859-1 (or plain
// ASCII) often hold windows-1252 bytes: curly quotes, the euro sign, «
// œ ». Browsers decode the label as windows-1252 for that reason
// (INTEROP.md §3.4); windows-1252 agrees with iso-8859-1 everywhere except
// 0x80–0x9F, which are control codes nobody sends.
var latin1Labels = []string{"iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1",
	"latin-1", "l1", "cp819", "ibm819", "csisolatin1", "iso-ir-100"}

// init registers the windows-1252 reading of the latin-1 labels in
// go-message's charset table. That table is global to the process and only
// read after init, so this is the one place it can be changed safely; codev
// wants this reading everywhere, including in go-imap, which uses the same
// table. Nothing in this package depends on init order beyond that.
func init() {
	for _, l := range latin1Labels {
		charset.RegisterEncoding(l, charmap.Windows1252)
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding leniently: broken
// base64 or quoted-printable yields what could be decoded, never an error.
func decodeTransfer(cte string, b []byte) ([]byte, string) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return decodeBase64(b)
	case "quoted-printable":
		return decodeQP(b), ""
	case "", "7bit", "8bit", "binary":
		return b, ""
	default:
		return b, "unknown transfer encoding"
	}
}

// decodeBase64 ignores characters outside the alphabet and a missing or
// truncated end, as mail clients do.
func decodeBase64(b []byte) ([]byte, string) {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-':
			clean = append(clean, '+') // URL-safe alphabet
		case c == '_':
			clean = append(clean, '/')
		}
	}
	note := ""
	if r := len(clean) % 4; r == 1 {
		clean, note = clean[:len(clean)-1], "truncated base64"
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		note = "invalid base64"
	}
	return out[:n], note
}

// decodeQP decodes quoted-printable: "=XX" escapes, soft line breaks, and a
// literal "=" when what follows is not hex.
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		rest := b[i+1:]
		switch {
		case len(rest) >= 2 && isHex(rest[0]) && isHex(rest[1]):
			out = append(out, unhex(rest[0])<<4|unhex(rest[1]))
			i += 2
		case len(rest) >= 1 && rest[0] == '\n':
			i++
		case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
			i += 2
		default:
			// "=" then spaces then a line break is a soft break too.
			j := 0
			for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
				j++
			}
			if j < len(rest) && (rest[j] == '\n' || rest[j] == '\r') {
				i += j
				if rest[j] == '\r' && j+1 < len(rest) && rest[j+1] == '\n' {
					i++
				}
				i++
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeCharset converts a text part to UTF-8. It trusts the bytes over
// the label when they disagree: invalid UTF-8 under a UTF-8 or ASCII label
// is read as windows-1252, and valid non-ASCII UTF-8 under a single-byte
// Latin label is read as UTF-8. Anything still invalid becomes U+FFFD.
func decodeCharset(label string, b []byte) (string, string) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch {
	case label == "" || label == "utf-8" || label == "utf8" || label == "us-ascii" || label == "ascii":
		if utf8.Valid(b) {
			return string(b), ""
		}
		return windows1252(b), "invalid " + labelOr(label, "UTF-8") + " read as windows-1252"
	case isLatinLabel(label) && hasNonASCII(b) && utf8.Valid(b):
		return string(b), "UTF-8 bytes under charset " + label
	}
	r, err := charset.Reader(label, bytes.NewReader(b))
	if err != nil {
		if utf8.Valid(b) {
			return string(b), "unknown charset"
		}
		return windows1252(b), "unknown charset read as windows-1252"
	}
	out, err := io.ReadAll(r)
	note := ""
	if err != nil {
		note = "charset decoding error"
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), note
}

func labelOr(l, def string) string {
	if l == "" {
		return def
	}
	return l
}

func isLatinLabel(l string) bool {
	return strings.HasPrefix(l, "iso-8859") || strings.HasPrefix(l, "iso8859") || strings.HasPrefix(l, "windows-125") ||
		strings.HasPrefix(l, "cp125") || strings.HasPrefix(l, "latin") || l == "l1"
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func windows1252(b []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// wordDecoder decodes RFC 2047 encoded words in headers with the same
// charsets as bodies.
var wordDecoder = &mime.WordDecoder{CharsetReader: wordCharsetReader}

// wordCharsetReader converts one encoded word in memory. charset.Reader's
// streaming decoder allocates 8 KiB of buffers per call, and mime calls it
// once per word: a Subject of 40,000 short words cost 300 MB. Labels the
// lookup does not know go to charset.Reader, for its table and errors.
func wordCharsetReader(label string, in io.Reader) (io.Reader, error) {
	enc := charsetEncoding(label)
	if enc == nil {
		return charset.Reader(label, in)
	}
	b, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(out), nil
}

// charsetEncoding finds a charset label as charset.Reader does: the
// latin-1 labels registered above, the IANA names (also with "cs"), then
// the WHATWG ones. It returns nil when none knows the label.
func charsetEncoding(label string) encoding.Encoding {
	if slices.Contains(latin1Labels, label) {
		return charmap.Windows1252
	}
	for _, l := range []string{label, "cs" + label} {
		if e, err := ianaindex.MIME.Encoding(l); err == nil && e != nil {
			return e
		}
	}
	if e, err := htmlindex.Get(label); err == nil {
		return e
	}
	return nil
}

// decodeHeaderText decodes RFC 2047 words; undecodable input is returned
// as valid UTF-8 rather than dropped. iso-8859-1 words are read as
// windows-1252, which mime.WordDecoder would not do by itself.
func decodeHeaderText(s string) string {
	if strings.Contains(s, "=?") {
		if strings.Contains(asciiLower(s), "=?iso-8859-1?") {
			s = replaceFold(s, "=?iso-8859-1?", "=?windows-1252?")
		}
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	if !utf8.ValidString(s) {
		s = windows1252([]byte(s))
	}
	return strings.TrimSpace(s)
}

// replaceFold replaces every ASCII-case-insensitive occurrence of the
// lower-case old.
func replaceFold(s, old, repl string) string {
	low := asciiLower(s)
	var b strings.Builder
	for {
		i := strings.Index(low, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, low = s[i+len(old):], low[i+len(old):]
	}
}

// undoFlowed decodes format=flowed text (RFC 3676): a line ending in a
// space continues on the next line of the same quote depth; one leading
// space is space-stuffing; with DelSp=yes the trailing space is removed
// too. The signature separator "-- " is never joined.
func undoFlowed(s string, delSp bool) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	open, openDepth := false, 0
	for _, l := range lines {
		depth := 0
		for depth < len(l) && l[depth] == '>' {
			depth++
		}
		content := l[depth:]
		content = strings.TrimPrefix(content, " ")
		if open && depth != openDepth {
			b.WriteByte('\n')
			open = false
		}
		if !open {
			if depth > 0 {
				b.WriteString(strings.Repeat(">", depth))
				b.WriteByte(' ')
			}
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delSp {
			content = content[:len(content)-1]
		}
		b.WriteString(content)
		if flowed {
			open, openDepth = true, depth
			continue
		}
		open = false
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}
