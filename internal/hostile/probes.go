package hostile

import "fmt"

// Probe is a message that puts a marker exactly where a parser or a
// workflow is tempted to quote a message: a media type, a charset, a
// transfer encoding, a boundary, an automatic-reply header value, an
// attendee, a participation status, a calendar UID, a line that breaks the
// calendar syntax, a delivery report's action and failed address, a mailer
// daemon's address. Nothing of it may reach a reason, a log line, a
// notice, a subject or a calendar.
type Probe struct {
	Name string
	Raw  []byte // with the corpus placeholders (Fill) and {{MARK}}
}

// Probes returns the probes, the marker written {{MARK}}: the caller
// replaces it (strings.ReplaceAll) after Fill.
func Probes() []Probe {
	from := "Alice Dupont <alice@example.org>"
	to := "codev+{{TOKEN}}@example.org"
	quotesOnly := "> 1. En une phrase : quel est votre problème ?\n"
	var out []Probe
	add := func(name, raw string) {
		out = append(out, Probe{Name: name, Raw: []byte(crlf(raw))})
	}
	h := func() string {
		return header(from, to, fmt.Sprintf("probe-%d", len(out)+1), "Re: Préparation") + "In-Reply-To: <{{MSGID}}>\n"
	}
	add("media-type", h()+"Content-Type: application/x-{{MARK}}\n\nbinary\n")
	add("content-type-no-slash", h()+"Content-Type: {{MARK}}\n\n"+quotesOnly)
	add("charset", h()+"Content-Type: text/plain; charset=x-{{MARK}}\n\n"+quotesOnly)
	add("transfer-encoding", h()+"Content-Type: text/plain\nContent-Transfer-Encoding: x-{{MARK}}\n\n"+quotesOnly)
	add("boundary", h()+"Content-Type: multipart/alternative; boundary=\"{{MARK}}\"\n\n--other\nContent-Type: text/plain\n\n"+quotesOnly+"--other--\n")
	add("part-header", h()+"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n{{MARK}} without a colon\n\n"+quotesOnly+"--b--\n")
	add("auto-submitted", h()+"Auto-Submitted: {{MARK}}\nContent-Type: text/plain\n\nabsent\n")
	add("x-autoreply", h()+"X-Autoreply: {{MARK}}\nContent-Type: text/plain\n\nabsent\n")
	cal := func(name, method, attendee, partstat, uid, extra string) {
		add(name, header(from, "codev@example.org", fmt.Sprintf("probe-%d", len(out)+1), "Invitation")+
			"Content-Type: text/calendar; charset=utf-8; method="+method+"\n\n"+
			"BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:"+method+"\nBEGIN:VEVENT\nUID:"+uid+"\nDTSTAMP:20261223T090000Z\nSEQUENCE:0\n"+
			"ATTENDEE;PARTSTAT="+partstat+":mailto:"+attendee+"\n"+extra+"END:VEVENT\nEND:VCALENDAR\n")
	}
	cal("partstat", "REPLY", "alice@example.org", "X-{{MARK}}", "{{UID}}", "")
	cal("attendee", "REPLY", "{{MARK}}@example.org", "DECLINED", "{{UID}}", "")
	cal("attendee-not-sender", "REPLY", "bob@example.org", "DECLINED", "{{UID}}", "COMMENT:{{MARK}}\n")
	cal("uid", "REPLY", "alice@example.org", "ACCEPTED", "{{MARK}}", "")
	cal("counter", "COUNTER", "{{MARK}}@example.org", "ACCEPTED", "{{MARK}}", "")
	cal("refresh", "REFRESH", "{{MARK}}@example.org", "ACCEPTED", "{{UID}}", "")
	cal("syntax", "REPLY", "alice@example.org", "ACCEPTED", "{{UID}}", "{{MARK}} is not a property line\n")
	dsn := func(name, to, recipient, action, status string) {
		add(name, "From: MAILER-DAEMON@mx.example.net\nTo: "+to+"\nReturn-Path: <>\nSubject: Undelivered Mail\n"+
			fmt.Sprintf("Message-ID: <probe-%d@mx.example.net>\n", len(out)+1)+"MIME-Version: 1.0\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n"+
			"--r\nContent-Type: text/plain\n\nThe mail system could not deliver your message.\n"+
			"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"+
			"Final-Recipient: rfc822; "+recipient+"\nAction: "+action+"\nStatus: "+status+"\n--r--\n")
	}
	dsn("dsn-action", "codev@example.org", "x@example.net", "{{MARK}}", "2.0.0")
	dsn("dsn-status", "codev@example.org", "x@example.net", "failed", "5.{{MARK}}")
	// With Alice's token: a real permanent failure; the address it names
	// is not the member's, and must not be repeated to the animator.
	dsn("dsn-recipient", to, "{{MARK}}@example.net", "failed", "5.1.1")
	add("text-bounce", "From: mailer-daemon@{{MARK}}.example\nTo: codev@example.org\nReturn-Path: <>\nSubject: failure\n"+
		"Message-ID: <probe-text-bounce@x.example>\nContent-Type: text/plain\n\nYour message could not be delivered.\n")
	add("authentication-results", "Authentication-Results: {{MARK}}.example; dmarc=fail header.from=example.org\n"+
		h()+"Content-Type: text/plain; charset=utf-8\n\n3. réponse {{MARK}}\n")
	return out
}
