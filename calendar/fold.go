package calendar

import "io"

// maxLineOctets is the longest content line RFC 5545 §3.1 allows, excluding
// the CRLF. A continuation line counts its leading space, so it carries 74
// octets of content.
const maxLineOctets = 75

// foldSeq starts a continuation line (RFC 5545 §3.1).
var foldSeq = []byte("\r\n ")

// FoldWriter folds the iCalendar content lines written through it at 75
// octets. go-ical writes every property on one line however long it is, and
// its maintainer declined to fold (go-ical #18, PR #5), while Outlook and
// several validators expect folded lines (INTEROP.md §1.6).
//
// Lines are split only between UTF-8 sequences, never inside one: a split
// inside an "é" or an emoji shows as mojibake in some clients (ical.net#693
// folded by UTF-16 units and got this wrong). CR and LF do not count toward
// the limit; an LF ends the line. Folding state carries over between calls to
// Write, so a rune or a line may span several writes.
//
// A FoldWriter is not safe for concurrent use.
type FoldWriter struct {
	w       io.Writer
	col     int // octets on the current physical line, leading space included
	pending int // continuation bytes still expected for the current rune
}

// NewFoldWriter returns a FoldWriter that writes folded lines to w. Every
// encoder in this package wraps its output in one, so callers get folded
// output without doing anything.
func NewFoldWriter(w io.Writer) *FoldWriter {
	return &FoldWriter{w: w}
}

// Write writes p to the underlying writer, inserting CRLF and a space before
// any rune that would take the current line past 75 octets. It returns the
// number of bytes of p consumed, as io.Writer requires; the inserted folding
// octets are not counted.
func (fw *FoldWriter) Write(p []byte) (int, error) {
	start := 0
	for i, b := range p {
		if fw.pending > 0 && b&0xC0 == 0x80 {
			fw.pending--
			fw.col++
			continue
		}
		fw.pending = 0
		switch b {
		case '\n':
			fw.col = 0
			continue
		case '\r':
			continue
		}
		size := seqLen(b)
		if fw.col+size > maxLineOctets {
			if i > start {
				if n, err := fw.w.Write(p[start:i]); err != nil {
					return start + n, err
				}
				start = i
			}
			if _, err := fw.w.Write(foldSeq); err != nil {
				return start, err
			}
			fw.col = 1
		}
		fw.col++
		fw.pending = size - 1
	}
	n, err := fw.w.Write(p[start:])
	return start + n, err
}

// seqLen returns the length of the UTF-8 sequence that lead byte b starts.
// Bytes that cannot start a sequence count as one octet each, so invalid input
// still gets folded rather than producing an overlong line.
func seqLen(b byte) int {
	switch {
	case b >= 0xC2 && b <= 0xDF:
		return 2
	case b >= 0xE0 && b <= 0xEF:
		return 3
	case b >= 0xF0 && b <= 0xF4:
		return 4
	default:
		return 1
	}
}
