package replytest

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"html"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// Reply is what the sender writes.
type Reply struct {
	FromName, From string
	// Top is written above the quote, Bottom below it. Inline[N] is
	// written right under question N inside the quote.
	Top, Bottom string
	Inline      map[int]string
	// Signature is the sender's signature, after their text.
	Signature string
	// Legal is a confidentiality notice the sender's company adds at the
	// end of their text.
	Legal string
	// TopHTML, when set, is the HTML the sender's editor made of Top (a
	// list the client numbered itself, say); Top is then what the client
	// writes in its text/plain part.
	TopHTML string
	// Date and MessageID default to an hour after the request and a fixed
	// id.
	Date      time.Time
	MessageID string
}

// Layouts of the message a client sends.
const (
	PlainOnly   = iota // text/plain
	Alternative        // multipart/alternative: text/plain and text/html
	HTMLOnly           // text/html
)

// Client is the way one mail client replies. Use the constructors below.
type Client struct {
	Name string
	// attribution returns the line above the quote ("Le … a écrit :");
	// header the header block above an Outlook quote. One is set.
	attribution func(r *Request) string
	header      func(r *Request) string
	// separator is written before the header block.
	separator string
	// quoteAttribution quotes the attribution line too (iPhone).
	quoteAttribution bool
	// marks: quoted lines start with "> ".
	marks bool
	// wrap re-wraps quoted lines at this width, marks included; 0 keeps
	// the request's lines.
	wrap int
	// fromHTML: the text part quotes the request's HTML as rendered so.
	fromHTML *htmlStyle
	// footer is the client's line after the sender's text.
	footer string
	// flowed and delSp: format=flowed text part, soft-broken at width
	// (78 when 0).
	flowed, delSp bool
	width         int
	layout        int
	encoding      string // of the text/plain part: quoted-printable, 8bit or base64
	// inlineBlank puts blank lines around inline answers.
	inlineBlank bool
	// sigDash writes "-- " before the signature.
	sigDash bool
	subject string // "Re: " or "RE: "
	// quoteHTML wraps the request's HTML body under the attribution or
	// header in the client's HTML part.
	quoteHTML func(head, body string) string
}

// French names for the clients' dates.
var (
	daysFR       = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	daysShortFR  = []string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
	monthsFR     = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	monthShortFR = []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
)

func dayFR(t time.Time) string    { return daysFR[t.Weekday()] }
func monthFR(t time.Time) string  { return monthsFR[t.Month()-1] }
func shortDay(t time.Time) string { return daysShortFR[t.Weekday()] }
func shortMon(t time.Time) string { return monthShortFR[t.Month()-1] }
func hm(t time.Time) string       { return t.Format("15:04") }
func nameAddr(r *Request) string  { return fmt.Sprintf("%s <%s>", r.FromName, r.ReplyTo) }
func gmailQuote(head, body string) string {
	return `<div class="gmail_quote"><div dir="ltr" class="gmail_attr">` + html.EscapeString(head) +
		`<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">` +
		body + `</blockquote></div>`
}

var gmailHTML = &htmlStyle{bold: "*", item: "   %d. ", link: "%s <%s>"}

// GmailWeb replies from Gmail in a browser: HTML compose with a text
// alternative quoting the HTML part, wrapped at 76 with "> ", under
// « Le mar. 22 déc. 2026 à 18:00, Nom <adresse> a écrit : », which its
// text part breaks before the address when the line is long.
func GmailWeb() Client {
	return Client{Name: "gmail-web", marks: true, wrap: 76, fromHTML: gmailHTML, layout: Alternative,
		encoding: "quoted-printable", inlineBlank: true, subject: "Re: ", quoteHTML: gmailQuote,
		attribution: func(r *Request) string {
			d := r.Date
			return fmt.Sprintf("Le %s %d %s %d à %s, %s <\n%s> a écrit :", shortDay(d), d.Day(), shortMon(d), d.Year(), hm(d), r.FromName, r.ReplyTo)
		}}
}

// GmailMobile replies from the Gmail app: « Le mar. 22 déc. 2026, 18:00,
// Nom <adresse> a écrit : » on one line, quote marks without re-wrapping.
func GmailMobile() Client {
	c := GmailWeb()
	c.Name, c.wrap = "gmail-mobile", 0
	c.attribution = func(r *Request) string {
		d := r.Date
		return fmt.Sprintf("Le %s %d %s %d, %s, %s a écrit :", shortDay(d), d.Day(), shortMon(d), d.Year(), hm(d), nameAddr(r))
	}
	return c
}

func outlookHeader(date func(time.Time) string) func(r *Request) string {
	return func(r *Request) string {
		return fmt.Sprintf("De : %s\nEnvoyé : %s\nÀ : %s <%s>\nObjet : %s", nameAddr(r), date(r.Date), r.ToName, r.To, r.Subject)
	}
}

func outlookDate(d time.Time) string {
	return fmt.Sprintf("%s %d %s %d %s", dayFR(d), d.Day(), monthFR(d), d.Year(), hm(d))
}

func outlookQuote(head, body string) string {
	h := strings.ReplaceAll(html.EscapeString(head), "\n", "<br>\n")
	return `<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">` +
		h + `</font><div>&nbsp;</div></div>` + body
}

var outlookHTML = &htmlStyle{item: "%d.\t", link: "%s<%s>", mailto: true}

// OutlookDesktop replies from Outlook for Windows in French: the request
// quoted without marks under a header block (« De : … Envoyé : … À : …
// Objet : … »), rendered from its HTML (list numbers followed by a tab,
// links as "texte<url>"), the sender's answers typed in it unmarked.
func OutlookDesktop() Client {
	return Client{Name: "outlook-desktop", header: outlookHeader(outlookDate), separator: "________________________________",
		fromHTML: outlookHTML, layout: Alternative, encoding: "quoted-printable", subject: "RE : ", quoteHTML: outlookQuote}
}

// OutlookWeb replies from Outlook on the web: like the desktop client,
// base64 text part.
func OutlookWeb() Client {
	c := OutlookDesktop()
	c.Name, c.encoding, c.subject, c.inlineBlank = "outlook-web", "base64", "RE: ", true
	return c
}

// OutlookMobile replies from Outlook for Android: its footer « Télécharger
// Outlook pour Android » after the text, an English date in the header
// block, the request's text part quoted without marks.
func OutlookMobile() Client {
	c := OutlookDesktop()
	c.Name, c.fromHTML, c.footer, c.layout = "outlook-mobile", nil, "Télécharger Outlook pour Android", PlainOnly
	c.header = outlookHeader(func(d time.Time) string { return d.Format("Monday, January 2, 2006 3:04:05 PM") })
	return c
}

// AppleMail replies from Mail on macOS: format=flowed with DelSp=yes, the
// request's text part quoted with "> " under « Le 22 déc. 2026 à 18:00,
// Nom <adresse> a écrit : ».
func AppleMail() Client {
	return Client{Name: "apple-mail", marks: true, flowed: true, delSp: true, layout: PlainOnly,
		encoding: "quoted-printable", inlineBlank: true, subject: "Re: ",
		attribution: func(r *Request) string {
			d := r.Date
			return fmt.Sprintf("Le %d %s %d à %s, %s a écrit :", d.Day(), shortMon(d), d.Year(), hm(d), nameAddr(r))
		}}
}

// IPhone replies from iPhone Mail: « Envoyé de mon iPhone » after the
// text, the attribution quoted like the request.
func IPhone() Client {
	c := AppleMail()
	c.Name, c.footer, c.quoteAttribution, c.flowed, c.delSp = "iphone", "Envoyé de mon iPhone", true, false, false
	return c
}

// Thunderbird replies from Thunderbird in plain text: format=flowed
// (DelSp=no), quoted lines re-wrapped at 72 with "> ", « Le 22/12/2026 à
// 18:00, Nom a écrit : », the signature after "-- ".
func Thunderbird() Client {
	return Client{Name: "thunderbird", marks: true, width: 72, flowed: true, layout: PlainOnly, encoding: "8bit",
		sigDash: true, subject: "Re: ",
		attribution: func(r *Request) string {
			return fmt.Sprintf("Le %s, %s a écrit :", r.Date.Format("02/01/2006 à 15:04"), r.FromName)
		}}
}

// Proton replies from Proton Mail: its footer « Envoyé avec la messagerie
// sécurisée Proton Mail. », then « ------- Original Message ------- » and
// the attribution, the HTML part quoted with "> ".
func Proton() Client {
	return Client{Name: "proton", marks: true, fromHTML: &htmlStyle{item: "%d. ", link: "%s (%s)"}, layout: Alternative,
		encoding: "quoted-printable", footer: "Envoyé avec la messagerie sécurisée Proton Mail.", subject: "Re: ",
		inlineBlank: true, quoteHTML: func(head, body string) string {
			return `<div class="protonmail_quote">` + strings.ReplaceAll(html.EscapeString(head), "\n", "<br>") +
				`<blockquote class="protonmail_quote" type="cite">` + body + `</blockquote></div>`
		},
		attribution: func(r *Request) string {
			d := r.Date
			return fmt.Sprintf("------- Original Message -------\nLe %s %d %s %d à %s, %s a écrit :", dayFR(d), d.Day(), monthFR(d), d.Year(), hm(d), nameAddr(r))
		}}
}

// Orange replies from the Orange webmail: HTML only, the request in a
// blockquote introduced by « > Message du 22/12/26 18:00 » and a quoted
// header block.
func Orange() Client {
	return Client{Name: "orange", layout: HTMLOnly, subject: "RE: ", quoteHTML: func(head, body string) string {
		return `<blockquote style="border-left:2px solid #ff6600;padding-left:5px">` +
			strings.ReplaceAll(html.EscapeString(head), "\n", "<br>") + `<br><br>` + body + `</blockquote>`
	}, header: func(r *Request) string {
		return fmt.Sprintf("Message du %s\nDe : \"%s\" <%s>\nA : %s\nCopie à : \nObjet : %s", r.Date.Format("02/01/06 15:04"), r.FromName, r.ReplyTo, r.To, r.Subject)
	}}
}

// LaPoste replies from the La Poste webmail (Open-Xchange): text part,
// « Le 22 décembre 2026 à 18:00 Nom <adresse> a écrit : » (no comma) and
// the request's text quoted with "> ".
func LaPoste() Client {
	return Client{Name: "laposte", marks: true, layout: PlainOnly, encoding: "quoted-printable", inlineBlank: true,
		subject: "Re: ", attribution: func(r *Request) string {
			d := r.Date
			return fmt.Sprintf("Le %d %s %d à %s %s a écrit :", d.Day(), monthFR(d), d.Year(), hm(d), nameAddr(r))
		}}
}

// quoted returns the quoted request in the client's text part, with the
// sender's inline answers under their questions.
func (c Client) quoted(r *Request, rep Reply) []string {
	var src []srcLine
	if c.fromHTML != nil && r.HTML != "" {
		src = htmlLines(htmlBody(r.HTML), *c.fromHTML)
	} else {
		src = textLines(r.Text)
	}
	var out []string
	prefix := ""
	if c.marks {
		prefix = "> "
	}
	for k, l := range src {
		if l.text == "" {
			out = append(out, strings.TrimRight(prefix, " "))
		} else {
			width := 0
			if c.wrap > 0 {
				width = c.wrap - len(prefix)
			}
			for _, w := range wrap(l.text, width) {
				out = append(out, prefix+w)
			}
		}
		// An inline answer goes after the question's last line.
		if ans, ok := rep.Inline[l.q]; ok && l.q > 0 && (k+1 == len(src) || src[k+1].q != l.q) {
			if c.inlineBlank {
				out = append(out, "")
			}
			out = append(out, strings.Split(ans, "\n")...)
			if c.inlineBlank {
				out = append(out, "")
			}
		}
	}
	return out
}

// text is the client's text part.
func (c Client) text(r *Request, rep Reply) string {
	var b []string
	add := func(s string) {
		if s != "" {
			b = append(b, strings.Split(s, "\n")...)
			b = append(b, "")
		}
	}
	add(rep.Top)
	if rep.Signature != "" {
		if c.sigDash {
			add("-- \n" + rep.Signature)
		} else {
			add(rep.Signature)
		}
	}
	add(rep.Legal)
	add(c.footer)
	if c.header != nil {
		if c.separator != "" {
			b = append(b, c.separator)
		}
		h := c.header(r)
		if c.marks {
			h = "> " + strings.ReplaceAll(h, "\n", "\n> ")
		}
		add(h)
	} else if c.attribution != nil {
		a := c.attribution(r)
		if c.quoteAttribution {
			a = "> " + a + "\n>"
			b = append(b, strings.Split(a, "\n")...)
		} else {
			add(a)
		}
	}
	b = append(b, c.quoted(r, rep)...)
	if rep.Bottom != "" {
		b = append(b, "")
		b = append(b, strings.Split(rep.Bottom, "\n")...)
	}
	s := strings.Join(b, "\n") + "\n"
	if c.flowed {
		s = flowed(s, c.delSp, cmp.Or(c.width, 78))
	}
	return s
}

// htmlPart is the client's HTML part.
func (c Client) htmlPart(r *Request, rep Reply) string {
	top := rep.TopHTML
	if top == "" {
		top = textHTML(rep.Top)
	}
	for _, s := range []string{rep.Signature, rep.Legal, c.footer} {
		if s != "" {
			top += "<br>" + textHTML(s)
		}
	}
	head := ""
	if c.header != nil {
		head = c.header(r)
	} else if c.attribution != nil {
		head = strings.ReplaceAll(c.attribution(r), "<\n", "<")
	}
	body := htmlBody(r.HTML)
	if body == "" {
		body = textHTML(r.Text)
	}
	for q, ans := range rep.Inline {
		marker := fmt.Sprintf(`<li value="%d">`, q)
		i := strings.Index(body, marker)
		if i < 0 {
			continue
		}
		j := strings.Index(body[i:], "</li>")
		if j < 0 {
			continue
		}
		at := i + j + len("</li>")
		body = body[:at] + `<div style="color:#1f4e79">` + textHTML(ans) + `</div>` + body[at:]
	}
	quote := ""
	if c.quoteHTML != nil {
		quote = c.quoteHTML(head, body)
	}
	bottom := ""
	if rep.Bottom != "" {
		bottom = textHTML(rep.Bottom)
	}
	return "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>" +
		top + "<br>" + quote + bottom + "</body></html>\n"
}

// textHTML writes plain text as the lines of an HTML editor.
func textHTML(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if l == "" {
			b.WriteString("<div><br></div>")
			continue
		}
		b.WriteString("<div>" + html.EscapeString(l) + "</div>")
	}
	return b.String()
}

// Write returns the raw reply the client sends to the request.
func (c Client) Write(r *Request, rep Reply) []byte {
	date := rep.Date
	if date.IsZero() {
		date = r.Date.Add(time.Hour)
	}
	id := rep.MessageID
	if id == "" {
		id = "reply-" + c.Name + "@client.example"
	}
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", mime.QEncoding.Encode("utf-8", rep.FromName)+" <"+rep.From+">")
	hdr("To", mime.QEncoding.Encode("utf-8", r.FromName)+" <"+r.ReplyTo+">")
	hdr("Subject", mime.QEncoding.Encode("utf-8", c.subject+r.Subject))
	hdr("Date", date.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+id+">")
	if r.MessageID != "" {
		hdr("In-Reply-To", "<"+r.MessageID+">")
		hdr("References", "<"+r.MessageID+">")
	}
	hdr("MIME-Version", "1.0")
	text := c.textType()
	switch c.layout {
	case PlainOnly:
		writePart(&b, text, c.encoding, c.text(r, rep))
	case HTMLOnly:
		writePart(&b, "text/html; charset=utf-8", "quoted-printable", c.htmlPart(r, rep))
	default:
		boundary := "=_" + c.Name + "_alt"
		hdr("Content-Type", `multipart/alternative; boundary="`+boundary+`"`)
		b.WriteString("\r\n--" + boundary + "\r\n")
		writePart(&b, text, c.encoding, c.text(r, rep))
		b.WriteString("\r\n--" + boundary + "\r\n")
		writePart(&b, "text/html; charset=utf-8", "quoted-printable", c.htmlPart(r, rep))
		b.WriteString("\r\n--" + boundary + "--\r\n")
	}
	return b.Bytes()
}

func (c Client) textType() string {
	t := "text/plain; charset=utf-8"
	if c.flowed {
		t += "; format=flowed"
		if c.delSp {
			t += "; delsp=yes"
		}
	}
	return t
}

// writePart writes a part's header and body in the transfer encoding.
func writePart(b *bytes.Buffer, ctype, enc, body string) {
	body = strings.ReplaceAll(body, "\n", "\r\n")
	fmt.Fprintf(b, "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n", ctype, enc)
	switch enc {
	case "quoted-printable":
		w := quotedprintable.NewWriter(b)
		w.Write([]byte(body))
		w.Close()
	case "base64":
		s := base64.StdEncoding.EncodeToString([]byte(body))
		for len(s) > 76 {
			b.WriteString(s[:76] + "\r\n")
			s = s[76:]
		}
		b.WriteString(s + "\r\n")
	default:
		b.WriteString(body)
	}
}
