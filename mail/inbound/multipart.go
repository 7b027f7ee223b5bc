package inbound

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/emersion/go-message/textproto"
)

// multipartReader splits a multipart body held in memory into its parts,
// following go-message's textproto.MultipartReader rule for rule (the
// boundary line, LF or CRLF chosen at the first boundary, a boundary
// inside text only when followed by a space, a line end or "-", lines of
// at most 4 KiB between parts, strict part headers), with the same errors.
// It does not copy: a part's body is a sub-slice of the message. Reading
// each part into a new buffer made every level of nesting copy the whole
// message, five times over as the buffer grew.
type multipartReader struct {
	body  []byte
	pos   int
	parts int // parts read

	nl       []byte // "\r\n", or "\n" after an LF first boundary
	nlDash   []byte // nl + "--" + boundary
	dash     []byte // "--" + boundary
	dashDash []byte // "--" + boundary + "--"
}

// lineMax is the buffer of go-message's reader: a line between parts
// longer than that is an error there, and so here.
const lineMax = 4096

func newMultipartReader(body []byte, boundary string) *multipartReader {
	b := []byte("\r\n--" + boundary + "--")
	return &multipartReader{body: body, nl: b[:2], nlDash: b[:len(b)-2], dash: b[2 : len(b)-2], dashDash: b[2:]}
}

// next returns the next part's header and body. err is io.EOF after the
// last part. bodyErr is io.ErrUnexpectedEOF when the message ends inside
// the part.
func (r *multipartReader) next() (h textproto.Header, body []byte, bodyErr, err error) {
	expectNewPart := false
	for {
		line, lerr := r.line()
		if lerr == io.EOF && r.isFinalBoundary(line) {
			return h, nil, nil, io.EOF
		}
		if lerr != nil {
			return h, nil, nil, fmt.Errorf("multipart: NextPart: %v", lerr)
		}
		if r.isBoundaryDelimiterLine(line) {
			r.parts++
			if h, err = r.header(); err != nil {
				return h, nil, nil, err
			}
			body, bodyErr = r.partBody()
			return h, body, bodyErr, nil
		}
		if r.isFinalBoundary(line) {
			return h, nil, nil, io.EOF
		}
		if expectNewPart {
			return h, nil, nil, fmt.Errorf("multipart: expecting a new Part; got line %q", string(line))
		}
		if r.parts == 0 {
			continue // preamble
		}
		if bytes.Equal(line, r.nl) {
			expectNewPart = true
			continue
		}
		return h, nil, nil, fmt.Errorf("multipart: unexpected line in Next(): %q", line)
	}
}

// line returns the next line, "\n" included, as bufio.Reader.ReadSlice
// would with a 4 KiB buffer.
func (r *multipartReader) line() ([]byte, error) {
	rest := r.body[r.pos:]
	if i := bytes.IndexByte(rest[:min(len(rest), lineMax)], '\n'); i >= 0 {
		r.pos += i + 1
		return rest[:i+1], nil
	}
	if len(rest) >= lineMax {
		return rest[:lineMax], bufio.ErrBufferFull
	}
	r.pos = len(r.body)
	return rest, io.EOF
}

// header reads a part's header up to its blank line (or the end), with
// go-message's strict reader.
func (r *multipartReader) header() (textproto.Header, error) {
	start := r.pos
	for r.pos < len(r.body) {
		i := bytes.IndexByte(r.body[r.pos:], '\n')
		if i < 0 {
			r.pos = len(r.body)
			break
		}
		line := r.body[r.pos : r.pos+i+1]
		r.pos += i + 1
		if len(line) == 1 || len(line) == 2 && line[0] == '\r' {
			break
		}
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(r.body[start:r.pos]))
	h, err := textproto.ReadHeader(br)
	br.Reset(nil)
	readers.Put(br)
	return h, err
}

// partBody returns the body of the part starting at r.pos: up to the next
// line-end-and-boundary, or to the end of the message.
func (r *multipartReader) partBody() ([]byte, error) {
	start := r.pos
	rest := r.body[start:]
	from := 0
	// A boundary right after the header: the part is empty.
	switch {
	case bytes.HasPrefix(rest, r.dash):
		if r.matchAfterPrefix(rest, len(r.dash)) {
			return rest[:0], nil
		}
		from = len(r.dash)
	case bytes.HasPrefix(r.dash, rest):
		return rest[:0], io.ErrUnexpectedEOF
	}
	for {
		i := bytes.Index(rest[from:], r.nlDash)
		if i < 0 {
			break
		}
		i += from
		if r.matchAfterPrefix(rest[i:], len(r.nlDash)) {
			r.pos = start + i
			return rest[:i], nil
		}
		from = i + len(r.nlDash)
	}
	// No boundary: the body runs to the end, less a last line that is the
	// start of one.
	end := len(rest)
	if j := bytes.LastIndexByte(rest[from:], r.nlDash[0]); j >= 0 && bytes.HasPrefix(r.nlDash, rest[from+j:]) {
		end = from + j
	}
	r.pos = start + end
	return rest[:end], io.ErrUnexpectedEOF
}

// matchAfterPrefix reports whether the boundary prefix at the start of
// buf, n bytes long, is a boundary: followed by a space, tab, line end or
// "-", or by the end of the message.
func (r *multipartReader) matchAfterPrefix(buf []byte, n int) bool {
	if len(buf) == n {
		return true
	}
	switch buf[n] {
	case ' ', '\t', '\r', '\n', '-':
		return true
	}
	return false
}

// isFinalBoundary matches `^--boundary--[ \t]*(\r\n)?$`.
func (r *multipartReader) isFinalBoundary(line []byte) bool {
	if !bytes.HasPrefix(line, r.dashDash) {
		return false
	}
	rest := skipLWSP(line[len(r.dashDash):])
	return len(rest) == 0 || bytes.Equal(rest, r.nl)
}

// isBoundaryDelimiterLine matches "--boundary", spaces and the line end;
// an LF end on the first one switches the reader to LF line ends.
func (r *multipartReader) isBoundaryDelimiterLine(line []byte) bool {
	if !bytes.HasPrefix(line, r.dash) {
		return false
	}
	rest := skipLWSP(line[len(r.dash):])
	if r.parts == 0 && len(rest) == 1 && rest[0] == '\n' {
		r.nl = r.nl[1:]
		r.nlDash = r.nlDash[1:]
	}
	return bytes.Equal(rest, r.nl)
}

func skipLWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}
