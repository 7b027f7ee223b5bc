// Package hostile generates a corpus of malformed and hostile inbound
// emails, for the parser's tests (mail/inbound) and for the end-to-end
// tests of the reply path (cmd/codev). The corpus is committed under
// mail/inbound/testdata/hostile and regenerated with
//
//	go test ./mail/inbound -run TestHostileCorpus -hostile.update
//
// Messages hold placeholders that tests fill at run time with real tokens
// (Fill): the tokens of a running codev are only known then.
//
//	{{TOKEN}}           the reply token of the request the corpus answers (Alice's)
//	{{TOKEN_FLIP}}      that token with one character changed
//	{{TOKEN_TRUNC}}     that token without its last five characters
//	{{TOKEN_EXTEND}}    that token with two more characters
//	{{TOKEN_UPPER}}     that token in capitals (a case-insensitive match)
//	{{TOKEN_SWAP}}      that token with two characters swapped
//	{{TOKEN_FORGED}}    39 base32 characters that no key signed
//	{{MSGID}}           the request's Message-ID, without brackets
//	{{BOB_TOKEN}}       the reply token of a request that went to Bob
//	{{NOTICE_TOKEN}}    the reply token of a notice codev sent to the animator
//	{{UID}}             the calendar UID of the group's first session
//
// The group the corpus is written for is cmd/codev's end-to-end group:
// animator claire@example.org, members alice@, bob@, chloe@… example.org,
// service mailbox codev@example.org.
package hostile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Outcomes a case may end in: the statuses of workflow.Inbound.
const (
	Processed = "processed"
	Held      = "held"
	Ignored   = "ignored"
)

// Case describes one message of the corpus: what it tries and what codev
// must make of it.
type Case struct {
	// File is the message's file name in the corpus directory.
	File string `json:"file"`
	// Category groups cases: mime, nesting, charset, encoding, injection,
	// html, forged, tampered, replay, autoreply, bounce, calendar, size,
	// unicode.
	Category string `json:"category"`
	// Note says what the message tries.
	Note string `json:"note"`
	// Expect lists the inbound statuses the message may end in.
	Expect []string `json:"expect"`
	// Member is the member whose answers the message may become ("alice",
	// "claire"), "" when it must never be applied as answers.
	Member string `json:"member,omitempty"`
	// Marker is a string found in the message's text only, so that a test
	// can find the answers it produced.
	Marker string `json:"marker"`
	// AutoReply means the message is an automatic answer: the parser must
	// classify it so and codev must never answer it.
	AutoReply bool `json:"auto_reply,omitempty"`
	// Duplicate names the earlier case whose Message-ID the message reuses:
	// it is stored once.
	Duplicate string `json:"duplicate,omitempty"`
	// Phase is 2 for messages that answer a notice codev sends while
	// processing phase 1 ({{NOTICE_TOKEN}}); 1 otherwise.
	Phase int `json:"phase"`
}

// Manifest is the name of the corpus' index file.
const Manifest = "manifest.json"

// Corpus returns the cases and the bytes of each message, by file name.
func Corpus() ([]Case, map[string][]byte) {
	g := &gen{files: map[string][]byte{}}
	g.mime()
	g.nesting()
	g.charsets()
	g.encodings()
	g.injection()
	g.html()
	g.forged()
	g.tampered()
	g.replay()
	g.autoReplies()
	g.bounces()
	g.calendar()
	g.sizes()
	g.unicode()
	return g.cases, g.files
}

// Write writes the corpus and its manifest into dir, removing the .eml
// files no longer generated.
func Write(dir string) error {
	cases, files := Corpus()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	for _, p := range old {
		if _, ok := files[filepath.Base(p)]; !ok {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	m, err := ManifestBytes(cases)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, Manifest), m, 0o644)
}

// ManifestBytes encodes the manifest, one case per line.
func ManifestBytes(cases []Case) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, c := range cases {
		line, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		b.Write(line)
		if i < len(cases)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// Load reads the committed corpus: its manifest and every message.
func Load(dir string) ([]Case, map[string][]byte, error) {
	m, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, nil, err
	}
	var cases []Case
	if err := json.Unmarshal(m, &cases); err != nil {
		return nil, nil, fmt.Errorf("error reading %s: %w", Manifest, err)
	}
	files := map[string][]byte{}
	for _, c := range cases {
		b, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			return nil, nil, err
		}
		files[c.File] = b
	}
	return cases, files, nil
}

// Vars are the run-time values of the placeholders.
type Vars struct {
	Token, BobToken, NoticeToken string
	MsgID, UID                   string
}

// Fill replaces the placeholders of raw with v's values and the tampered
// forms of v.Token.
func Fill(raw []byte, v Vars) []byte {
	t := v.Token
	flip := []byte(t)
	if last := len(flip) - 2; last >= 0 {
		flip[last] = otherChar(flip[last])
	}
	swap := []byte(t)
	if len(swap) > 20 {
		i := 10
		for j := i + 1; j < len(swap); j++ {
			if swap[j] != swap[i] {
				swap[i], swap[j] = swap[j], swap[i]
				break
			}
		}
	}
	r := strings.NewReplacer(
		"{{TOKEN}}", t,
		"{{TOKEN_FLIP}}", string(flip),
		"{{TOKEN_TRUNC}}", t[:max(len(t)-5, 0)],
		"{{TOKEN_EXTEND}}", t+"aa",
		"{{TOKEN_UPPER}}", strings.ToUpper(t),
		"{{TOKEN_SWAP}}", string(swap),
		"{{TOKEN_FORGED}}", "aaaaaaaaaaaaaaaqzq3xv7h2kpmdvyfl4ymjgbq",
		"{{MSGID}}", v.MsgID,
		"{{BOB_TOKEN}}", v.BobToken,
		"{{NOTICE_TOKEN}}", v.NoticeToken,
		"{{UID}}", v.UID,
	)
	return []byte(r.Replace(string(raw)))
}

func otherChar(c byte) byte {
	if c == 'a' {
		return 'b'
	}
	return 'a'
}

// BigAttachment returns a reply from Alice carrying an attachment that
// makes the message size bytes long (base64, 76-character lines): too big
// to commit, generated at test time.
func BigAttachment(size int) []byte {
	head := crlf(aliceHeader("big-attachment", "Re: Préparation") +
		"Content-Type: multipart/mixed; boundary=\"big\"\n\n" +
		"--big\nContent-Type: text/plain; charset=utf-8\n\nMa réponse, avec le document joint. MARK-BIG-ATTACHMENT\n" +
		"--big\nContent-Type: application/pdf; name=\"rapport.pdf\"\nContent-Transfer-Encoding: base64\n" +
		"Content-Disposition: attachment; filename=\"rapport.pdf\"\n\n")
	tail := "\r\n--big--\r\n"
	n := size - len(head) - len(tail)
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString(head)
	chunk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.7 binary\x00\xff\xfe"), 4))
	line := chunk[:76] + "\r\n"
	for b.Len()+len(line) <= len(head)+n {
		b.WriteString(line)
	}
	b.WriteString(tail)
	return b.Bytes()
}

// gen accumulates cases.
type gen struct {
	cases []Case
	files map[string][]byte
}

// add records a case; raw may use "\n" line ends, turned into CRLF unless
// the case is about line ends ({{MARK}} is replaced by the case's marker).
func (g *gen) add(c Case, raw string, keepLF bool) {
	if c.Phase == 0 {
		c.Phase = 1
	}
	c.File = fmt.Sprintf("%03d-%s-%s.eml", len(g.cases)+1, c.Category, c.File)
	if c.Marker == "" {
		c.Marker = "MARK-" + strings.ToUpper(strings.TrimSuffix(c.File, ".eml"))
	}
	raw = strings.ReplaceAll(raw, "{{MARK}}", c.Marker)
	raw = strings.ReplaceAll(raw, "{{N}}", fmt.Sprintf("%03d", len(g.cases)+1))
	if !keepLF {
		raw = crlf(raw)
	}
	if _, dup := g.files[c.File]; dup || slices.ContainsFunc(g.cases, func(o Case) bool { return o.File == c.File }) {
		panic("hostile: duplicate file " + c.File)
	}
	g.cases = append(g.cases, c)
	g.files[c.File] = []byte(raw)
}

// crlf turns bare LF into CRLF.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// aliceHeader is the header of a reply from Alice to her request, without
// Content-Type; id makes its Message-ID unique.
func aliceHeader(id, subject string) string {
	return "From: Alice Dupont <alice@example.org>\n" +
		"To: Codev <codev+{{TOKEN}}@example.org>\n" +
		"Subject: " + subject + "\n" +
		"Message-ID: <hostile-" + id + "@client.example>\n" +
		"Date: Wed, 23 Dec 2026 10:00:00 +0100\n" +
		"In-Reply-To: <{{MSGID}}>\n" +
		"MIME-Version: 1.0\n"
}

// header is aliceHeader with a free From and To.
func header(from, to, id, subject string) string {
	return "From: " + from + "\n" +
		"To: " + to + "\n" +
		"Subject: " + subject + "\n" +
		"Message-ID: <hostile-" + id + "@client.example>\n" +
		"Date: Wed, 23 Dec 2026 10:00:00 +0100\n" +
		"MIME-Version: 1.0\n"
}

const plainUTF8 = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"

// legit is a case from Alice with her valid token, that may be applied to
// her or held when nothing readable is left.
func legit(category, file, note string) Case {
	return Case{Category: category, File: file, Note: note, Expect: []string{Processed, Held}, Member: "alice"}
}

// never is a case that must be held (or ignored) and never applied.
func never(category, file, note string, expect ...string) Case {
	if len(expect) == 0 {
		expect = []string{Held}
	}
	return Case{Category: category, File: file, Note: note, Expect: expect}
}
