package hostile

import (
	"bytes"
	"regexp"
	"strings"
)

// Mark writes mark into every header field and every body part of raw,
// so that a test can check that nothing of a message reaches codev's logs,
// reasons, subjects or calendars: whatever codev quotes of it would carry
// the marker. Each field gets it where that field can hold free text
// without losing its meaning as far as possible: addresses and message ids
// a trailing comment ("alice@example.org (MARK)"), Content-Type and
// Content-Disposition a parameter, other fields a trailing word. Each MIME
// part's body ends with a line holding it (a COMMENT property in calendar
// parts). Headers of attached messages are body lines: they are not
// fields here. Malformed input stays as malformed.
func Mark(raw []byte, mark string) []byte {
	m := &marker{mark: mark}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	m.inHeader = len(lines) > 0 && startsField(lines[0])
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		m.line(l)
	}
	m.flushField()
	m.endPart(nil)
	return m.out.Bytes()
}

// marker is the state of one Mark call.
type marker struct {
	mark       string
	out        bytes.Buffer
	boundaries []string
	inHeader   bool
	field      [][]byte // the lines of the header field being read
	partType   string   // media type of the part whose body is being read
	body       [][]byte // that body's lines
}

var (
	reFieldStart = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)
	reBoundary   = regexp.MustCompile(`(?i)boundary\s*=\s*"?([^";\r\n]+)"?`)
)

func startsField(l []byte) bool { return reFieldStart.Match(l) }

func (m *marker) line(l []byte) {
	if m.inHeader {
		switch {
		case len(bytes.TrimRight(l, "\r\n")) == 0:
			m.flushField()
			m.out.Write(l)
			m.inHeader = false
			m.body = nil
		case (l[0] == ' ' || l[0] == '\t') && len(m.field) > 0:
			m.field = append(m.field, l)
		case startsField(l):
			m.flushField()
			m.field = [][]byte{l}
		default:
			m.flushField()
			m.out.Write(l)
		}
		return
	}
	t := string(bytes.TrimRight(l, "\r\n \t"))
	for _, b := range m.boundaries {
		if strings.HasPrefix(t, "--"+b) {
			m.endPart(l)
			m.out.Write(l)
			m.partType = ""
			m.inHeader = !strings.HasPrefix(t, "--"+b+"--")
			return
		}
	}
	m.body = append(m.body, l)
}

// flushField writes the field being read, marked.
func (m *marker) flushField() {
	if len(m.field) == 0 {
		return
	}
	name, value, _ := strings.Cut(string(bytes.Join(m.field, nil)), ":")
	key := strings.ToLower(strings.TrimSpace(name))
	var suffix string
	switch key {
	case "from", "to", "cc", "bcc", "sender", "reply-to", "delivered-to", "x-original-to", "envelope-to",
		"x-envelope-to", "return-path", "message-id", "in-reply-to", "references", "resent-from", "resent-to",
		"disposition-notification-to", "content-transfer-encoding":
		suffix = " (" + m.mark + ")"
	case "content-type", "content-disposition":
		suffix = "; x-mark=" + m.mark
		if key == "content-type" {
			unfolded := strings.NewReplacer("\r", "", "\n", "").Replace(value)
			m.partType = strings.ToLower(strings.TrimSpace(strings.SplitN(unfolded, ";", 2)[0]))
			if b := reBoundary.FindStringSubmatch(unfolded); b != nil {
				m.boundaries = append(m.boundaries, strings.TrimSpace(b[1]))
			}
		}
	default:
		suffix = " " + m.mark
	}
	last := m.field[len(m.field)-1]
	content := bytes.TrimRight(last, "\r\n")
	for _, l := range m.field[:len(m.field)-1] {
		m.out.Write(l)
	}
	m.out.Write(content)
	m.out.WriteString(suffix)
	m.out.Write(last[len(content):])
	m.field = nil
}

// endPart writes the body read since the last header, with the marker,
// before next (the boundary line that ends it, nil at the end).
func (m *marker) endPart(next []byte) {
	eol := "\r\n"
	if next != nil && !bytes.HasSuffix(next, []byte("\r\n")) {
		eol = "\n"
	}
	if strings.HasPrefix(m.partType, "text/calendar") {
		// Before the calendar's last END line, where a property belongs.
		for i := len(m.body) - 1; i >= 0; i-- {
			if bytes.HasPrefix(bytes.ToUpper(m.body[i]), []byte("END:")) {
				m.body = append(m.body[:i], append([][]byte{[]byte("COMMENT:" + m.mark + eol)}, m.body[i:]...)...)
				break
			}
		}
	} else {
		if n := len(m.body); n > 0 && !bytes.HasSuffix(m.body[n-1], []byte("\n")) {
			m.body[n-1] = append(m.body[n-1], eol...)
		}
		m.body = append(m.body, []byte(m.mark+eol))
	}
	for _, l := range m.body {
		m.out.Write(l)
	}
	m.body = nil
}
