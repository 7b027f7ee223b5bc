package inbound

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// seedFiles adds every file matching the globs (relative to the package)
// to the fuzz corpus; missing corpora are skipped.
func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		paths, _ := filepath.Glob(g)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

func checkMessage(t *testing.T, m *Message) {
	t.Helper()
	if m == nil {
		t.Fatal("Parse returned nil")
	}
	switch m.Kind {
	case KindReply, KindAutoReply, KindBounce, KindCalendarReply, KindUnknown:
	default:
		t.Fatalf("invalid kind %q", m.Kind)
	}
	if m.Reason == "" {
		t.Fatal("empty Reason")
	}
	if strings.HasPrefix(m.Reason, "parser panic") {
		t.Fatalf("panic: %s", m.Reason)
	}
	if m.Answers == nil {
		t.Fatal("nil Answers")
	}
	strs := []string{m.Reason, m.MessageID, m.From, m.Subject, m.Body, m.Text}
	strs = append(strs, m.InReplyTo...)
	strs = append(strs, m.References...)
	strs = append(strs, m.Recipients...)
	strs = append(strs, m.Bounced...)
	for _, a := range m.Answers {
		strs = append(strs, a)
	}
	if m.RSVP != nil {
		strs = append(strs, m.RSVP.UID, m.RSVP.Attendee, m.RSVP.PartStat, m.RSVP.Method)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in output: %q", s)
		}
		if strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("NUL in output (PostgreSQL refuses it in text): %q", s)
		}
	}
	if m.Rating != nil && (*m.Rating < 1 || *m.Rating > 5) {
		t.Fatalf("rating out of range: %d", *m.Rating)
	}
}

func FuzzParse(f *testing.F) {
	seedFiles(f, "testdata/*.eml",
		filepath.Join(corpusDir, "talon/tests/fixtures/standard_replies/*.eml"),
		filepath.Join(corpusDir, "gitlab_eml_sample/emails/*.eml"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkMessage(t, Parse(raw, Options{RatingQuestion: 3}))
		checkMessage(t, Parse(raw, Options{MaxBytes: 200, MaxLines: 5}))
	})
}

func FuzzHTMLToText(f *testing.F) {
	for _, g := range []string{filepath.Join(corpusDir, "talon/tests/fixtures/html_replies/*.html"),
		filepath.Join(corpusDir, "talon/extracted/html/*.html")} {
		paths, _ := filepath.Glob(g)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add(`<div class="gmail_quote"><blockquote>a</blockquote>b</div><div id="divRplyFwdMsg">x</div>`)
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLToText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		if strings.Contains(out, "\n\n\n") {
			t.Fatalf("more than one blank line in a row: %q", out)
		}
		_ = Trim(out)
	})
}

func FuzzTrim(f *testing.F) {
	for _, g := range []string{filepath.Join(corpusDir, "email_reply_trimmer/test/emails/*.txt"),
		filepath.Join(corpusDir, "crisp-email-reply-parser/test/fixtures/*.txt"),
		filepath.Join(corpusDir, "talon/extracted/plain/*.txt")} {
		paths, _ := filepath.Glob(g)
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Trim(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8: %q", out)
		}
		// Trim only removes lines (invalid UTF-8 becomes U+FFFD first).
		if in := validUTF8(s); len(out) > len(in) {
			t.Fatalf("output longer than input: %d > %d", len(out), len(in))
		}
		for k, a := range ExtractAnswers(s) {
			if k < 1 || k > maxQuestion || !utf8.ValidString(a) {
				t.Fatalf("bad answer %d: %q", k, a)
			}
		}
		if r := ParseRating(s); r != nil && (*r < 1 || *r > 5) {
			t.Fatalf("rating out of range: %d", *r)
		}
	})
}

func FuzzCalendarReply(f *testing.F) {
	f.Add("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
	f.Add("BEGIN:VEVENT\nATTENDEE;CN=\"x:y;PARTSTAT=ACCEPTED:MAILTO:a@b\n b\nEND:VEVENT")
	f.Add("BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VALARM\nEND:VEVENT\nEND:VALARM\nEND:END\n")
	// The calendar parts of the test messages, decoded.
	paths, _ := filepath.Glob("testdata/*.eml")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, pt := range parseMIME(b, false).parts {
			if isCalendarPart(&pt) || isICSAttachment(&pt) {
				ics, _ := decodeCharset(pt.params["charset"], pt.body)
				f.Add(ics)
			}
		}
	}
	f.Fuzz(func(t *testing.T, ics string) {
		r, err := ParseRSVP(ics)
		if r == nil {
			t.Fatal("nil RSVP")
		}
		if err == nil && (r.UID == "" || r.Attendee == "") {
			t.Fatalf("no error without UID or attendee: %+v", r)
		}
		if r.Attendee != strings.ToLower(r.Attendee) {
			t.Fatalf("attendee not lower-cased: %q", r.Attendee)
		}
	})
}
