package inbound

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"sync"

	"github.com/emersion/go-message/textproto"
)

// Limits on the MIME tree. Real messages stay far below them; hostile ones
// cannot make the walk unbounded.
const (
	maxDepth     = 40
	maxParts     = 500
	maxPartBytes = 32 << 20
)

// part is a leaf of the MIME tree, transfer-decoded but not yet
// charset-decoded (the charset may lie; see decodeCharset).
type part struct {
	mediaType string
	params    map[string]string
	header    textproto.Header
	body      []byte
	attached  bool // an attachment or a named file
	inMessage bool // inside a message/rfc822 or a report's returned message
}

// mimeTree is what parseMIME returns: the top-level header and content
// type, the leaves, and notes on anything malformed.
type mimeTree struct {
	header    textproto.Header
	mediaType string
	params    map[string]string
	parts     []part
	notes     []string
	capped    bool // partsCapped noted
}

// note records a malformation. Notes become part of the Reason, which is
// logged: they are fixed phrases and numbers, never bytes of the message.
func (m *mimeTree) note(format string, args ...any) {
	if len(m.notes) < 8 {
		m.notes = append(m.notes, fmt.Sprintf(format, args...))
	}
}

// parseMIME reads the header and, unless headerOnly, walks the body.
func parseMIME(raw []byte, headerOnly bool) *mimeTree {
	m := &mimeTree{}
	hdr, body := splitHeader(raw)
	m.header = m.readHeader(hdr)
	m.mediaType, m.params = m.contentType(m.header)
	if !headerOnly {
		m.walk(m.header, body, 0, false)
	}
	return m
}

// splitHeader separates header and body at the first empty line. Leading
// empty lines (left by some mbox tools) are skipped. Input that does not
// start with a header field is all body.
func splitHeader(raw []byte) (hdr, body []byte) {
	raw = bytes.TrimLeft(raw, "\r\n")
	if !startsWithField(raw) {
		return nil, raw
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\n' {
			continue
		}
		rest := raw[i+1:]
		switch {
		case len(rest) > 0 && rest[0] == '\n':
			return raw[:i+1], rest[1:]
		case len(rest) > 1 && rest[0] == '\r' && rest[1] == '\n':
			return raw[:i+1], rest[2:]
		}
	}
	return raw, nil
}

// startsWithField reports whether b opens with "Name:" (or an mbox "From "
// line, which readHeader drops).
func startsWithField(b []byte) bool {
	if bytes.HasPrefix(b, []byte("From ")) {
		return true
	}
	for i, c := range b {
		if c == ':' {
			return i > 0
		}
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return false
}

// readHeader parses header fields, dropping lines that are neither fields
// nor continuations instead of giving up on the rest.
func (m *mimeTree) readHeader(hdr []byte) textproto.Header {
	var clean bytes.Buffer
	dropped := 0
	for _, l := range bytes.SplitAfter(hdr, []byte("\n")) {
		t := bytes.TrimRight(l, "\r\n")
		if len(t) == 0 {
			continue
		}
		if t[0] == ' ' || t[0] == '\t' || validFieldLine(t) {
			clean.Write(t)
			clean.WriteString("\r\n")
			continue
		}
		dropped++
	}
	if dropped > 0 {
		m.note("malformed MIME: %d header line(s) dropped", dropped)
	}
	clean.WriteString("\r\n")
	br := readers.Get().(*bufio.Reader)
	br.Reset(&clean)
	h, err := textproto.ReadHeader(br)
	br.Reset(nil)
	readers.Put(br)
	if err != nil {
		m.note("malformed MIME header")
	}
	return h
}

// readers are the buffered readers of readHeader, reused: a message has a
// header per part, and a new 4 KiB buffer for each was a fifth of what
// parsing allocates.
var readers = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

func validFieldLine(l []byte) bool {
	i := bytes.IndexByte(l, ':')
	if i <= 0 {
		return false
	}
	for _, c := range bytes.TrimRight(l[:i], " \t") {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// contentType parses Content-Type leniently: a bad parameter does not lose
// the media type, and a missing type is text/plain (RFC 2045 §5.2).
func (m *mimeTree) contentType(h textproto.Header) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params
	}
	fields := strings.Split(v, ";")
	mt = strings.ToLower(strings.TrimSpace(fields[0]))
	params = map[string]string{}
	for _, f := range fields[1:] {
		k, val, ok := strings.Cut(f, "=")
		if ok {
			params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"'`)
		}
	}
	if !strings.Contains(mt, "/") {
		m.note("malformed Content-Type")
		mt = "text/plain"
	}
	return mt, params
}

// walk descends the MIME tree and records its leaves.
func (m *mimeTree) walk(h textproto.Header, body []byte, depth int, inMessage bool) {
	if len(m.parts) >= maxParts {
		m.partsCapped()
		return
	}
	if depth > maxDepth {
		m.note("MIME nesting deeper than %d ignored", maxDepth)
		return
	}
	mt, params := m.contentType(h)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if m.walkMultipart(params["boundary"], body, depth, inMessage) {
			return
		}
		if g := guessBoundary(body); g != "" && g != params["boundary"] && m.walkMultipart(g, body, depth, inMessage) {
			m.note("malformed MIME: declared boundary not found, another one used")
			return
		}
		m.note("malformed MIME: no part found for the boundary, body read as text")
		mt, params = "text/plain", map[string]string{}
	case mt == "message/rfc822" || mt == "message/global":
		decoded, _ := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
		hdr, inner := splitHeader(decoded)
		ih := m.readHeader(hdr)
		m.walk(ih, inner, depth+1, true)
		return
	}
	decoded, note := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if note != "" {
		m.note("%s", note)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	// A named part is a file even when shown inline (Apple Mail): its text
	// is not the reply.
	attached := strings.EqualFold(disp, "attachment") || dparams["filename"] != "" || params["name"] != ""
	m.parts = append(m.parts, part{
		mediaType: mt, params: params, header: h, body: decoded,
		attached: attached, inMessage: inMessage,
	})
}

// guessBoundary finds the boundary a multipart body really uses when the
// declared one is absent: a "--token" line followed by a Content- field.
func guessBoundary(body []byte) string {
	lines := bytes.SplitN(body, []byte("\n"), 200)
	for i := 0; i+1 < len(lines); i++ {
		l := bytes.TrimRight(lines[i], "\r \t")
		if len(l) < 3 || !bytes.HasPrefix(l, []byte("--")) || bytes.ContainsAny(l, " \t") {
			continue
		}
		// Only the start of the next line is lowered: the last of the
		// lines SplitN returns is the rest of the body.
		if next := bytes.ToLower(lines[i+1][:min(len(lines[i+1]), len("content-"))]); bytes.HasPrefix(next, []byte("content-")) {
			return string(l[2:])
		}
	}
	return ""
}

// walkMultipart reads the parts of a multipart body; it returns false when
// none could be read (missing or wrong boundary), so the caller can fall
// back to reading the body as text. A missing closing boundary keeps the
// parts read so far.
func (m *mimeTree) walkMultipart(boundary string, body []byte, depth int, inMessage bool) bool {
	if boundary == "" {
		return false
	}
	mr := newMultipartReader(body, boundary)
	n := 0
	for {
		h, b, bodyErr, err := mr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if n > 0 {
				m.note("malformed MIME: a part boundary could not be read")
			}
			break
		}
		if n == maxParts {
			m.partsCapped()
			break
		}
		if len(b) > maxPartBytes {
			b, bodyErr = b[:maxPartBytes], nil
		}
		if bodyErr != nil && len(b) == 0 && n > 0 {
			m.note("malformed MIME part: its body could not be read")
		}
		n++
		m.walk(h, b, depth+1, inMessage)
	}
	return n > 0
}

// partsCapped notes, once, that parts beyond maxParts were not read.
func (m *mimeTree) partsCapped() {
	if !m.capped {
		m.capped = true
		m.note("more than %d MIME parts: the rest ignored", maxParts)
	}
}
