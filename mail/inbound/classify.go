package inbound

import (
	"fmt"
	"strings"
	"unicode"
)

// parser holds one Parse call's state while it classifies the message. The
// Reasons it gives are fixed phrases, names from fixed lists and numbers:
// never bytes of the message (addresses, header values, statuses, errors
// quoting a line), since reasons are logged and shown.
type parser struct {
	msg  *Message
	tree *mimeTree
	opts Options
}

// classify applies INTEROP.md §3.1 steps 2–5 in order.
func (p *parser) classify() {
	if p.calendar() || p.bounce() {
		return
	}
	body, source := p.body()
	m := p.msg
	if body != "" {
		m.Body = body
		m.Text, m.Truncated = trimBody(body, p.opts.MaxLines)
	}
	h := p.tree.header
	if r := autoReplyHeader(h); r != "" {
		m.Kind, m.Reason = KindAutoReply, "automatic message: "+r
		return
	}
	if r := autoReplySubject(h, m.Subject, body); r != "" {
		m.Kind, m.Reason = KindAutoReply, "automatic reply: "+r
		return
	}
	if isNullReturnPath(h) {
		m.Kind, m.Reason = KindAutoReply, "automatic message: null Return-Path (RFC 3834)"
		return
	}
	al := p.align(body)
	switch {
	case source == "":
		m.Reason = "no text part"
		return
	case !hasWrittenText(m.Text) && (al == nil || !hasWrittenText(al.Text)):
		m.Reason = "no reply text in " + source + " (empty, or only quotes and signatures)"
		return
	}
	m.Kind, m.Reason = KindReply, "reply text from "+source
	p.answers(body, al)
	m.Rating = p.rating()
}

// hasWrittenText reports whether the sender wrote something: an unquoted
// line with a letter, a digit or a symbol such as an emoji.
func hasWrittenText(text string) bool {
	for _, l := range splitLines(text) {
		if isQuote(normLine(l)) {
			continue
		}
		for _, r := range l {
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.So, r) {
				return true
			}
		}
	}
	return false
}

// rating reads the answer to the rating question, or an explicit rating
// line of the reply text.
func (p *parser) rating() *int {
	if q := p.opts.RatingQuestion; q > 0 {
		if a, ok := p.msg.Answers[q]; ok {
			return ParseRating(a)
		}
	}
	return explicitRating(p.msg.Text)
}

// body returns the decoded text of the first inline text/plain part with
// content, else of the first text/html part converted to text, and which
// of them it used. Parts of attached or returned messages are ignored.
func (p *parser) body() (string, string) {
	var html *part
	for i := range p.tree.parts {
		pt := &p.tree.parts[i]
		if pt.inMessage || pt.attached {
			continue
		}
		switch pt.mediaType {
		case "text/plain":
			if s := p.plainText(pt); strings.TrimSpace(s) != "" {
				return s, "text/plain"
			}
		case "text/html":
			if html == nil {
				html = pt
			}
		}
	}
	if html != nil {
		s, flat := htmlToText(p.decode(html))
		if flat {
			p.tree.note("HTML too deep or too dense to render: read as flat text, quotes not told apart")
		}
		if strings.TrimSpace(s) != "" {
			return s, "text/html"
		}
	}
	return "", ""
}

// plainText decodes a text/plain part: charset, LF line endings and
// format=flowed.
func (p *parser) plainText(pt *part) string {
	s := strings.ReplaceAll(p.decode(pt), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if strings.EqualFold(pt.params["format"], "flowed") {
		s = undoFlowed(s, strings.EqualFold(pt.params["delsp"], "yes"))
	}
	return s
}

// decode converts a part's bytes to UTF-8, noting any charset trouble.
func (p *parser) decode(pt *part) string {
	s, note := decodeCharset(pt.params["charset"], pt.body)
	if note != "" {
		p.tree.note("%s", note)
	}
	return s
}

// calendar finds an iTIP object (text/calendar at any depth, or an .ics
// attachment) and classifies REPLY and COUNTER. It reports whether it
// decided the message's kind.
func (p *parser) calendar() bool {
	for _, pass := range []func(*part) bool{isCalendarPart, isICSAttachment} {
		for i := range p.tree.parts {
			pt := &p.tree.parts[i]
			if pt.inMessage || !pass(pt) {
				continue
			}
			if p.calendarPart(pt) {
				return true
			}
		}
	}
	return false
}

func isCalendarPart(pt *part) bool { return pt.mediaType == "text/calendar" }

func isICSAttachment(pt *part) bool {
	if pt.mediaType == "application/ics" || pt.mediaType == "application/x-ics" {
		return true
	}
	name := strings.ToLower(pt.params["name"])
	return pt.mediaType == "application/octet-stream" && strings.HasSuffix(name, ".ics")
}

// calendarPart classifies one calendar part.
func (p *parser) calendarPart(pt *part) bool {
	m := p.msg
	r, err := parseRSVP(p.decode(pt), m.From)
	if r.Method == "" {
		r.Method = strings.ToUpper(strings.TrimSpace(pt.params["method"]))
	}
	switch r.Method {
	case "REPLY":
		if err != nil {
			m.Reason = "unreadable iTIP REPLY"
			return true
		}
		m.Kind, m.RSVP = KindCalendarReply, r
		m.Reason = "iTIP REPLY in " + pt.mediaType + " part"
		return true
	case "COUNTER":
		m.RSVP = r
		m.Reason = "iTIP COUNTER: a new time proposed"
		return true
	case "REFRESH", "DECLINECOUNTER":
		m.RSVP = r
		m.Reason = "iTIP " + r.Method
		return true
	}
	return false
}

// bounce recognises delivery status notifications (RFC 3464) and the
// common non-standard bounces of mailer daemons. It reports whether it
// decided the message's kind.
func (p *parser) bounce() bool {
	t := p.tree
	if t.mediaType == "multipart/report" {
		switch strings.ToLower(t.params["report-type"]) {
		case "disposition-notification":
			p.msg.Kind, p.msg.Reason = KindAutoReply, "read receipt (message/disposition-notification)"
			return true
		}
	}
	for i := range t.parts {
		pt := &t.parts[i]
		if !pt.inMessage && (pt.mediaType == "message/delivery-status" || pt.mediaType == "message/global-delivery-status") {
			return p.dsn(pt)
		}
	}
	if isMailerDaemon(p.msg.From) && isNullReturnPath(t.header) {
		return p.textBounce("message from a mailer daemon with null Return-Path")
	}
	return false
}

// dsn classifies a message carrying a delivery-status part.
func (p *parser) dsn(pt *part) bool {
	m := p.msg
	recs := parseDSN(p.decode(pt))
	seen := map[string]bool{}
	failed := 0
	for _, r := range recs {
		if !r.failed() {
			continue
		}
		for _, a := range []string{r.original, r.final} {
			if a != "" && !seen[a] {
				seen[a] = true
				m.Bounced = append(m.Bounced, a)
			}
		}
		m.Permanent = m.Permanent || r.permanent()
		failed++
	}
	switch {
	case len(m.Bounced) > 0:
		m.Kind = KindBounce
		m.Reason = fmt.Sprintf("delivery status notification: %s failure of %d recipient(s)", permanence(m.Permanent), failed)
	case len(recs) > 0:
		m.Reason = "delivery status notification without failure"
	default:
		return p.textBounce("delivery status notification without recipient fields")
	}
	return true
}

// textBounce reads the failed addresses from a non-standard bounce's text.
func (p *parser) textBounce(why string) bool {
	m := p.msg
	body, _ := p.body()
	exclude := map[string]bool{m.From: true}
	for _, r := range m.Recipients {
		exclude[r] = true
	}
	m.Body = body
	m.Bounced = bounceTextAddresses(body, exclude)
	if len(m.Bounced) == 0 {
		m.Kind, m.Reason = KindUnknown, why+": no recognisable failed address"
		return true
	}
	m.Kind, m.Permanent = KindBounce, textPermanent(body)
	m.Reason = why + ": " + permanence(m.Permanent) + " failure read from the text"
	return true
}

func permanence(p bool) string {
	if p {
		return "permanent"
	}
	return "transient"
}
