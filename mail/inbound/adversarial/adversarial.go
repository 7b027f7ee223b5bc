// Package adversarial generates inbound emails built to make a mail parser
// slow: long folds, deep nesting, many parts, huge lines, many lines that
// look like attributions, quotes or numbered answers. mail/inbound's
// BenchmarkAdversarial and TestAdversarialTime parse them, and cmd/codev's
// end-to-end tests send some through the IMAP watcher. The inputs are
// generated at test time (most are over 1 MB), never committed.
//
// Every message is written for cmd/codev's end-to-end group, with the
// placeholders of internal/hostile filled from the given Vars: it comes
// from Alice (alice@example.org) and answers her request
// (codev+TOKEN@example.org), unless it is a bounce from a mailer daemon.
package adversarial

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/codev-org/codev/internal/hostile"
)

// Size is the size most inputs are grown to: the classes that are about a
// size rather than a count are measured on at least a megabyte.
const Size = 1 << 20

// Input is one generated message.
type Input struct {
	// Name is short and unique: the sub-benchmark's name.
	Name string
	// Note says what the message attacks.
	Note string
	// Raw is the message, CRLF line ends.
	Raw []byte
}

// answer is the sentence Alice's inputs carry, so that a reply is found.
const answer = "Voici ma réponse : je n'arrive pas à déléguer.\n"

// All returns every input.
func All(v hostile.Vars) []Input {
	var out []Input
	add := func(name, note, raw string) {
		out = append(out, Input{Name: name, Note: note, Raw: hostile.Fill([]byte(crlf(raw)), v)})
	}
	plain := "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
	html := "Content-Type: text/html; charset=utf-8\n\n"
	h := func(name string) string { return aliceHeader(name, "Re: Préparation") }

	// iCalendar and delivery status notifications: the two reported cases,
	// and their neighbours.
	out = append(out, Input{Name: "calendar-folds", Note: "iTIP REPLY whose DESCRIPTION is folded over 300,000 continuation lines (1.2 MB)",
		Raw: FoldedCalendar(v, 300000)})
	out = append(out, Input{Name: "dsn-folds", Note: "delivery status notification whose Diagnostic-Code is folded over 210,000 lines (1 MB)",
		Raw: FoldedDSN(v, 210000)})
	add("calendar-attendee-fold", "ATTENDEE folded over 1 MB, with an unbalanced quote in its CN",
		calendarHeader("calendar-attendee-fold")+calendar("ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Alice"+
			fill("\n a;b:c", Size)+":mailto:alice@example.org\n", ""))
	add("calendar-many-lines", "iTIP REPLY with 1 MB of short properties",
		calendarHeader("calendar-many-lines")+calendar("ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.org\n", fill("X-A;B=1:c\n", Size)))
	add("calendar-nesting", "iTIP REPLY with 60,000 nested BEGIN:VALARM",
		calendarHeader("calendar-nesting")+calendar("ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.org\n",
			strings.Repeat("BEGIN:VALARM\n", 60000)+strings.Repeat("END:VALARM\n", 60000)))
	add("dsn-many-recipients", "delivery status notification with 1 MB of recipient blocks",
		dsnMessage("dsn-many-recipients", fill("Final-Recipient: rfc822; someone@example.net\nAction: failed\nStatus: 5.1.1\n\n", Size)))
	add("bounce-text", "non-standard bounce of 1 MB of text naming addresses",
		"From: MAILER-DAEMON@mx.example.net\nTo: codev+{{TOKEN}}@example.org\nReturn-Path: <>\nSubject: failure notice\n"+
			"Message-ID: <adversarial-bounce-text@mx.example.net>\nMIME-Version: 1.0\n"+plain+
			fill("Delivery to the following recipient failed permanently: x@example.net unknown user 5.1.1\n", Size))

	// Header fields.
	add("header-folds", "a header field folded 300,000 times", h("header-folds")+"X-Folded: a"+strings.Repeat("\n a", 300000)+"\n"+plain+answer)
	add("header-many", "1 MB of header fields", h("header-many")+fill("X-Spam: y\n", Size)+plain+answer)
	add("header-long-to", "a To field of 1 MB of addresses", strings.Replace(h("header-long-to"), "To: Codev <codev+{{TOKEN}}@example.org>",
		"To: "+fill("Someone <x@example.net>, ", Size)+"codev+{{TOKEN}}@example.org", 1)+plain+answer)
	add("header-long-to-broken", "a To field of 1 MB that does not parse as an address list", strings.Replace(h("header-long-to-broken"), "To: Codev <codev+{{TOKEN}}@example.org>",
		"To: "+fill("\"x <x@example.net, ", Size)+"codev+{{TOKEN}}@example.org", 1)+plain+answer)
	add("header-comments", "From and To fields of 1 MB of nested and unclosed comments and quotes", strings.Replace(strings.Replace(h("header-comments"),
		"To: Codev <codev+{{TOKEN}}@example.org>", "To: "+strings.Repeat("(", Size/2)+"codev+{{TOKEN}}@example.org", 1),
		"From: Alice Dupont <alice@example.org>", "From: "+fill("\"a\\\" (b", Size/4)+" <alice@example.org>", 1)+
		"Cc: "+fill("x <y@z> (c (d) \"e", Size/4)+"\n"+plain+answer)
	add("header-references", "a References field of 1 MB of message ids", h("header-references")+"References: "+fill("<id-1234567890@example.net> ", Size)+"\n"+plain+answer)
	add("header-encoded-words", "a Subject of 1 MB of RFC 2047 encoded words",
		aliceHeader("header-encoded-words", fill("=?iso-8859-1?Q?R=E9ponse?= ", Size))+plain+answer)

	add("header-long-fields", "1 MB Date, Message-ID and Content-Type values", strings.Replace(h("header-long-fields"), "Date: Wed, 23 Dec 2026 10:00:00 +0100",
		"Date: Wed, 23 Dec 2026 "+fill("10:00:00 ", Size/4)+"\nMessage-ID: "+fill("id@x ", Size/4), 1)+
		"Content-Type: text/plain; charset=utf-8"+fill("; p=\"v;w\"", Size/4)+"\n"+
		"Content-Disposition: inline"+fill("; x*0*=utf-8''a%20", Size/4)+"\n\n"+answer)
	add("header-rfc2231", "a part name in 60,000 RFC 2231 continuations", h("header-rfc2231")+"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"+plain+answer+
		"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment"+rfc2231(60000)+"\n\nx\n--b--\n")

	// MIME structure and transfer encodings.
	add("mime-deep", "multipart nested 20,000 deep", h("mime-deep")+nest(20000, "Content-Type: text/plain\n\n"+answer))
	add("mime-deep-leaf", "a 1 MB text part under 39 levels of multipart", h("mime-deep-leaf")+nest(39, plain+fill(answer, Size)))
	add("rfc822-deep", "message/rfc822 nested 20,000 deep", h("rfc822-deep")+nestMessages(20000, plain+answer))
	add("mime-many-parts", "100,000 parts", h("mime-many-parts")+"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"+plain+answer+
		strings.Repeat("--b\nContent-Type: text/plain\n\nx\n", 100000)+"--b--\n")
	add("mime-many-empty-parts", "200,000 parts without header or body", h("mime-many-empty-parts")+"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"+plain+answer+
		strings.Repeat("--b\n\n", 200000)+"--b--\n")
	add("mime-no-boundary", "1 MB multipart body whose boundary never appears", h("mime-no-boundary")+"Content-Type: multipart/mixed; boundary=\"b\"\n\n"+
		fill("--c\n"+answer, Size))
	add("base64-lines", "a 1 MB base64 text part in 76-character lines", h("base64-lines")+"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"+
		wrap(base64.StdEncoding.EncodeToString([]byte(fill(answer, Size*3/4))), 76))
	add("base64-one-line", "a 1 MB base64 text part on one line, with junk", h("base64-one-line")+"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"+
		fill(base64.StdEncoding.EncodeToString([]byte(answer))+"!!", Size)+"\n")
	add("qp-soft-breaks", "1 MB of quoted-printable soft line breaks", h("qp-soft-breaks")+"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"+
		"Voici ma r=C3=A9ponse"+fill("=\n", Size)+" finie.\n")
	add("qp-space-breaks", "1 MB of quoted-printable \"=\" followed by spaces", h("qp-space-breaks")+"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"+
		"Voici ma r=C3=A9ponse"+fill("=   \t \n= x=\t=3", Size)+"\n")
	add("charset-utf16", "a 1 MB UTF-16 text part", h("charset-utf16")+"Content-Type: text/plain; charset=utf-16le\nContent-Transfer-Encoding: base64\n\n"+
		wrap(base64.StdEncoding.EncodeToString([]byte(utf16LE(fill(answer, Size*2/5)))), 76))
	add("charset-iso2022jp", "a 1 MB ISO-2022-JP part of escape sequences", h("charset-iso2022jp")+"Content-Type: text/plain; charset=iso-2022-jp\n\n"+
		fill("\x1b$B0!\x1b(B r\x1b$(D", Size)+"\n")
	add("charset-invalid-utf8", "1 MB of invalid UTF-8", h("charset-invalid-utf8")+plain+answer+fill("\xff\xc3(", Size)+"\n")

	// Plain text: trimming and answers.
	add("text-huge-line", "a 1 MB line of words", h("text-huge-line")+plain+answer+fill("mot ", Size)+"\n")
	add("text-attribution-line", "a 1 MB line that looks like an attribution", h("text-attribution-line")+plain+answer+
		"On 1 "+fill("2020 schrieb 1 schreef a@b.c wrote on am 12 ", Size)+" schrieb x:\n")
	add("text-attributions", "1 MB of attribution lines, French and English", h("text-attributions")+plain+answer+
		fill("Le lun. 15 nov. 2021 à 19:42, Nom <nom@example.org> a écrit :\nOn Mon, Nov 15, 2021 at 7:42 PM Name <name@example.org> wrote:\n", Size))
	add("text-wrapped-attributions", "1 MB of attribution starts wrapped over lines", h("text-wrapped-attributions")+plain+answer+
		fill("Le 12 mars 2024 à 10:00, Nom\n<\nnom@example.org>\n", Size))
	add("text-quote-levels", "1 MB of lines quoted 1,000 deep", h("text-quote-levels")+plain+answer+fill(strings.Repeat(">", 1000)+" q\n", Size))
	add("text-quote-line", "one line of 1 MB of quote marks", h("text-quote-line")+plain+answer+strings.Repeat("> ", Size/2)+"q\n")
	add("text-flowed", "a 1 MB format=flowed paragraph, quote depth changing", h("text-flowed")+
		"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n\n"+answer+fill("mot \n>> mot \n", Size)+"fin\n")
	add("text-numbered", "1 MB of numbered-answer lines", h("text-numbered")+plain+fill(numbered(99), Size))
	add("text-inline-answers", "1 MB of quoted questions each answered below", h("text-inline-answers")+plain+
		fill("> 1. Question ?\nRéponse un.\n> 2. Question ?\nRéponse deux.\n> 7. Note de 1 à 5 ?\n4/5\n", Size))
	add("text-signatures", "1 MB of footers, separators and header lines", h("text-signatures")+plain+answer+
		fill("Envoyé de mon iPhone\n-- \n-----Message d'origine-----\nDe : X\nEnvoyé : lundi 3 mars 2024\nObjet : x\n_____\n", Size))
	add("text-rating-answer", "a 1 MB answer to the rating question", h("text-rating-answer")+plain+"> 7. Note de 1 à 5 ?\n"+
		fill("je dirais 4 sur 5, note : 3 ou 4/5 ", Size)+"\n")
	add("text-ratings", "1 MB of rating-like lines", h("text-ratings")+plain+answer+fill("Note : 4 sur 5, 3/5 ou 4 étoiles\n", Size))
	add("autoreply-subject", "an automatic-reply subject over a 1 MB body", aliceHeader("autoreply-subject", "Réponse automatique")+plain+fill("mot ", Size)+"\nabsent\n")

	// HTML.
	add("html-huge-line", "a 1 MB line of HTML with inline elements", h("html-huge-line")+html+"<p>"+answer+fill("<b>mot</b> <i>x</i> &amp; ", Size)+"</p>\n")
	add("html-deep", "100,000 nested div elements", h("html-deep")+html+strings.Repeat("<div>", 100000)+answer+strings.Repeat("</div>", 100000))
	add("html-deep-blockquotes", "500 nested blockquotes holding 1 MB of text", h("html-deep-blockquotes")+html+"<p>"+answer+"</p>"+
		strings.Repeat("<blockquote type=\"cite\">"+fill("texte cité ", Size/500), 500)+strings.Repeat("</blockquote>", 500))
	add("html-gmail-quotes", "500 nested Gmail quote containers with attributions", h("html-gmail-quotes")+html+"<div>"+answer+"</div>"+
		strings.Repeat("<div class=\"gmail_quote\"><div class=\"gmail_attr\">Le 1 janv. 2024, X a écrit :</div>"+fill("texte ", Size/500), 500)+
		strings.Repeat("</div>", 500))
	add("html-table", "a table row of 1 MB of cells", h("html-table")+html+"<p>"+answer+"</p><table><tr>"+fill("<td>x</td>", Size)+"</tr></table>\n")
	add("html-links", "1 MB of links, nested through tables", h("html-links")+html+"<p>"+answer+"</p>"+
		fill("<a href=\"https://example.net/\"><table><tr><td><a href=\"https://example.org/\">lien</a>", Size)+"\n")
	add("html-formatting", "1 MB of unclosed formatting elements with distinct attributes", h("html-formatting")+html+"<p>"+answer+"</p>"+
		formatting(Size))
	add("html-entities", "1 MB of character references", h("html-entities")+html+"<p>"+answer+fill("&amp;&#x41;&#65;&lt;&eacute;&nbsp;", Size)+"</p>\n")
	add("html-pre", "1 MB of preformatted text with tabs and CRs", h("html-pre")+html+"<p>"+answer+"</p><pre>"+fill("a\tb \r\n\u00a0c\n", Size)+"</pre>\n")
	add("html-nested-lists", "1 MB of list items under 190 nested lists", h("html-nested-lists")+html+"<p>"+answer+"</p>"+strings.Repeat("<ul><li>item", 190)+fill("<li>x", Size)+"\n")
	add("html-shallow-lists", "200,000 list items of 5 bytes under 6 nested lists (1 MB)", h("html-shallow-lists")+html+"<p>"+answer+"</p>"+strings.Repeat("<ul><li>item", 6)+fill("<li>x", Size)+"\n")
	add("html-lists", "1 MB of nested lists", h("html-lists")+html+"<p>"+answer+"</p>"+strings.Repeat("<ol><li>item", 300)+fill("<li>x", Size)+"\n")
	return out
}

// Replies returns inputs answering request, the plain text of the email
// codev sent (Parse's Options.Request): the request quoted, copied or cut
// into by the answers, over a megabyte.
func Replies(v hostile.Vars, request string) []Input {
	var out []Input
	add := func(name, note, raw string) {
		out = append(out, Input{Name: name, Note: note, Raw: hostile.Fill([]byte(crlf(raw)), v)})
	}
	plain := "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
	quoted := "> " + strings.ReplaceAll(strings.TrimRight(request, "\n"), "\n", "\n> ") + "\n"
	var answered, cut strings.Builder
	for _, l := range strings.Split(request, "\n") {
		answered.WriteString("> " + l + "\n")
		cut.WriteString(l)
		if l != "" && l[0] >= '1' && l[0] <= '9' {
			answered.WriteString("Ma réponse à cette question, sur une ligne.\n")
			cut.WriteString(" " + fill("ma réponse écrite à la suite ", Size/8))
		}
		cut.WriteString("\n")
	}
	add("align-quoted-request", "1 MB of the request quoted again and again, answered under each question",
		aliceHeader("align-quoted-request", "Re: Préparation")+plain+"Bonjour,\n"+fill(answered.String(), Size))
	add("align-requests-unquoted", "1 MB of the request copied without quote marks, out of order",
		aliceHeader("align-requests-unquoted", "Re: Préparation")+plain+answer+fill(reverseLines(request)+quoted, Size))
	add("align-long-answers", "the request's questions each followed on their line by 128 kB of answer",
		aliceHeader("align-long-answers", "Re: Préparation")+plain+cut.String())
	return out
}

// reverseLines returns s with its lines in reverse order.
func reverseLines(s string) string {
	l := strings.Split(s, "\n")
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}
	return strings.Join(l, "\n")
}

// FoldedCalendar returns Alice's acceptance of the session {{UID}} as an
// iTIP REPLY whose DESCRIPTION is folded over lines continuation lines of
// one character: the calendar part reported in issue 10 (300,000 lines,
// 1.2 MB).
func FoldedCalendar(v hostile.Vars, lines int) []byte {
	raw := calendarHeader("calendar-folds") + calendar("ATTENDEE;PARTSTAT=ACCEPTED;CN=Alice Dupont:mailto:alice@example.org\n",
		"DESCRIPTION:x"+strings.Repeat("\n a", lines)+"\n")
	return hostile.Fill([]byte(crlf(raw)), v)
}

// FoldedDSN returns a delivery status notification, sent to Alice's
// request's token, saying that alice@example.org failed permanently
// (5.1.1), whose Diagnostic-Code is folded over lines continuation lines of
// one character: the report of issue 10 (640 kB, 128,000 lines).
func FoldedDSN(v hostile.Vars, lines int) []byte {
	raw := dsnMessage("dsn-folds", "Final-Recipient: rfc822; alice@example.org\nAction: failed\nStatus: 5.1.1\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 unknown"+strings.Repeat("\n  x", lines)+"\n")
	return hostile.Fill([]byte(crlf(raw)), v)
}

// aliceHeader is the header of a reply from Alice to her request, without
// Content-Type.
func aliceHeader(name, subject string) string {
	return "From: Alice Dupont <alice@example.org>\n" +
		"To: Codev <codev+{{TOKEN}}@example.org>\n" +
		"Subject: " + subject + "\n" +
		"Message-ID: <adversarial-" + name + "@client.example>\n" +
		"Date: Wed, 23 Dec 2026 10:00:00 +0100\n" +
		"In-Reply-To: <{{MSGID}}>\n" +
		"MIME-Version: 1.0\n"
}

// calendarHeader is Alice's header for an iTIP REPLY part.
func calendarHeader(name string) string {
	return "From: Alice Dupont <alice@example.org>\nTo: codev@example.org\nSubject: Invitation acceptée\n" +
		"Message-ID: <adversarial-" + name + "@client.example>\nDate: Wed, 23 Dec 2026 10:00:00 +0100\nMIME-Version: 1.0\n" +
		"Content-Type: text/calendar; charset=utf-8; method=REPLY\n\n"
}

// calendar is a VCALENDAR REPLY for {{UID}} with the given ATTENDEE line
// and extra properties in its VEVENT.
func calendar(attendee, extra string) string {
	return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//codev//adversarial//EN\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:{{UID}}\n" +
		"DTSTAMP:20261223T090000Z\nSEQUENCE:0\n" + attendee + extra + "SUMMARY:Séance 1\nEND:VEVENT\nEND:VCALENDAR\n"
}

// dsnMessage is a delivery status notification to Alice's request's token
// whose message/delivery-status part holds the given per-recipient fields.
func dsnMessage(name, recipients string) string {
	return "From: MAILER-DAEMON@mx.example.net\nTo: codev+{{TOKEN}}@example.org\nReturn-Path: <>\n" +
		"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <adversarial-" + name + "@mx.example.net>\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n" +
		"--b1\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n" +
		"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" + recipients + "--b1--\n"
}

// nest wraps leaf in depth levels of multipart/mixed.
func nest(depth int, leaf string) string {
	var open, close strings.Builder
	for i := range depth {
		fmt.Fprintf(&open, "Content-Type: multipart/mixed; boundary=\"n%d\"\n\n--n%d\n", i, i)
	}
	for i := depth - 1; i >= 0; i-- {
		fmt.Fprintf(&close, "\n--n%d--\n", i)
	}
	return open.String() + leaf + close.String()
}

// nestMessages wraps leaf in depth levels of message/rfc822.
func nestMessages(depth int, leaf string) string {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: message/rfc822\n\nFrom: level%d@example.net\nSubject: level %d\nMIME-Version: 1.0\n", i, i)
	}
	return b.String() + leaf
}

// rfc2231 is a filename parameter split into n continuations.
func rfc2231(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ";\n filename*%d=\"part\"", i)
	}
	return b.String()
}

// numbered is "1. answer 1" … up to n, one a line.
func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d. réponse %d\n", i, i)
	}
	return b.String()
}

// formatting is unclosed formatting elements, each with its own attribute
// so that the HTML parser's "Noah's Ark" clause does not bound them.
func formatting(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<b class=c%d>x<i id=i%d>y", i, i)
	}
	return b.String()
}

// fill repeats unit until the result is at least size bytes.
func fill(unit string, size int) string {
	return strings.Repeat(unit, (size+len(unit)-1)/len(unit))
}

// wrap cuts s into lines of n characters.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n])
		b.WriteByte('\n')
		s = s[n:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.String()
}

// utf16LE encodes s as UTF-16, little-endian.
func utf16LE(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return string(b)
}

// crlf turns bare LF into CRLF.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
