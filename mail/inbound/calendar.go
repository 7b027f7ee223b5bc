package inbound

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// RSVP is a participant's answer to a session invitation, read from an
// iTIP REPLY (INTEROP.md §1.3). The caller matches it to a session by UID
// and to a member by Attendee, and keeps the newest by (Sequence, DTStamp).
type RSVP struct {
	// UID identifies the session's event ("session-<uuid>@<our-domain>").
	UID string `json:"uid"`
	// Attendee is the answering address, lower-cased, "mailto:" stripped.
	Attendee string `json:"attendee"`
	// PartStat is ACCEPTED, DECLINED or TENTATIVE (upper-cased as sent;
	// other values are passed through for the caller to reject).
	PartStat string `json:"partstat"`
	// Sequence is the SEQUENCE the answer refers to; lower than the
	// session's current one means it answers an older time.
	Sequence int `json:"sequence"`
	// DTStamp is when the client built the reply, in UTC; zero if absent.
	DTStamp time.Time `json:"dtstamp"`
	// Method is the iTIP METHOD (REPLY, COUNTER…), from the iCalendar
	// object or, failing that, from the MIME method= parameter.
	Method string `json:"method"`
}

// Errors of ParseRSVP. They say what is missing so the caller can log it
// and hand the message to the animator.
var (
	// ErrNoEvent: the object has no VEVENT (not a session answer).
	ErrNoEvent = errors.New("inbound: no VEVENT in calendar object")
	// ErrNoUID: the event has no UID, so no session can be matched.
	ErrNoUID = errors.New("inbound: calendar reply without UID")
	// ErrNoAttendee: the event names no ATTENDEE, so no member answered.
	ErrNoAttendee = errors.New("inbound: calendar reply without ATTENDEE")
)

// ParseRSVP reads an iCalendar object by plain string parsing: lines are
// unfolded, property names and parameters are case-insensitive, quoted
// parameter values may hold ";" and ":", "MAILTO:" in any case is
// stripped, and time zones are never resolved (Outlook sends Windows names
// such as "Romance Standard Time" that time.LoadLocation rejects). ORGANIZER
// is not required: Outlook.com omits it. Only properties of the first VEVENT
// count (not those of a VALARM inside it). When there are several
// ATTENDEEs, the first that answered (PARTSTAT other than NEEDS-ACTION)
// wins. The returned RSVP holds what was found even when an error is
// returned.
func ParseRSVP(ics string) (*RSVP, error) {
	return parseRSVP(ics, "")
}

// parseRSVP is ParseRSVP preferring the attendee whose address is prefer
// (the message's sender) when several answered.
func parseRSVP(ics, prefer string) (*RSVP, error) {
	r := &RSVP{}
	var (
		stack     []string
		inEvent   bool
		events    int
		attendees []icsProp
	)
	for _, raw := range unfoldICS(ics) {
		p := parseICSLine(raw)
		switch p.name {
		case "BEGIN":
			stack = append(stack, strings.ToUpper(strings.TrimSpace(p.value)))
			if top(stack) == "VEVENT" {
				events++
				inEvent = events == 1
			}
			continue
		case "END":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if p.name == "METHOD" && top(stack) == "VCALENDAR" {
			r.Method = strings.ToUpper(strings.TrimSpace(p.value))
		}
		if !inEvent || top(stack) != "VEVENT" {
			continue
		}
		switch p.name {
		case "UID":
			r.UID = strings.TrimSpace(p.value)
		case "SEQUENCE":
			r.Sequence, _ = strconv.Atoi(strings.TrimSpace(p.value))
		case "DTSTAMP":
			r.DTStamp = parseICSTime(p.value)
		case "ATTENDEE":
			attendees = append(attendees, p)
		}
	}
	if events == 0 {
		return r, ErrNoEvent
	}
	if a, ok := pickAttendee(attendees, prefer); ok {
		r.Attendee = mailtoAddress(a.value)
		r.PartStat = strings.ToUpper(strings.TrimSpace(a.params["PARTSTAT"]))
	}
	switch {
	case r.UID == "":
		return r, ErrNoUID
	case r.Attendee == "":
		return r, ErrNoAttendee
	}
	return r, nil
}

func top(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// pickAttendee chooses the answering attendee.
func pickAttendee(as []icsProp, prefer string) (icsProp, bool) {
	if len(as) == 0 {
		return icsProp{}, false
	}
	answered := func(a icsProp) bool {
		ps := strings.ToUpper(strings.TrimSpace(a.params["PARTSTAT"]))
		return ps != "" && ps != "NEEDS-ACTION"
	}
	if prefer != "" {
		for _, a := range as {
			if answered(a) && mailtoAddress(a.value) == prefer {
				return a, true
			}
		}
	}
	for _, a := range as {
		if answered(a) {
			return a, true
		}
	}
	return as[0], true
}

// icsProp is one content line: NAME;PARAM=V:VALUE.
type icsProp struct {
	name   string
	params map[string]string
	value  string
}

// unfoldICS splits an iCalendar text into unfolded content lines (RFC 5545
// §3.1: a line starting with a space or tab continues the previous one).
// A folded line is assembled in one builder, never by repeated
// concatenation: a property folded over 300,000 lines costs one pass.
func unfoldICS(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var (
		out     []string
		b       strings.Builder
		folding bool // b holds out's last line and its continuations
	)
	flush := func() {
		if folding {
			out[len(out)-1] = b.String()
			b.Reset()
			folding = false
		}
	}
	for len(s) > 0 {
		l, rest, _ := strings.Cut(s, "\n")
		s = rest
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && len(out) > 0 {
			if !folding {
				b.WriteString(out[len(out)-1])
				folding = true
			}
			b.WriteString(l[1:])
			continue
		}
		if strings.TrimSpace(l) != "" {
			flush()
			out = append(out, l)
		}
	}
	flush()
	return out
}

// parseICSLine splits a content line. The value starts at the first ":"
// outside double quotes; when quotes are unbalanced (a bare `"` in a CN),
// an ATTENDEE's value starts at its "mailto:".
func parseICSLine(l string) icsProp {
	p := icsProp{params: map[string]string{}}
	end := strings.IndexAny(l, ";:")
	if end < 0 {
		p.name = strings.ToUpper(strings.TrimSpace(l))
		return p
	}
	p.name = strings.ToUpper(strings.TrimSpace(l[:end]))
	colon := -1
	inQuote := false
	for i := end; i < len(l); i++ {
		switch l[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote && colon < 0 {
				colon = i
			}
		}
	}
	if inQuote || colon < 0 {
		colon = strings.IndexByte(l[end:], ':') + end
		if i := strings.LastIndex(asciiLower(l), ":mailto:"); i >= end {
			colon = i
		}
	}
	if colon < end {
		return p
	}
	p.value = l[colon+1:]
	for _, kv := range splitParams(l[end:colon]) {
		k, v, _ := strings.Cut(kv, "=")
		p.params[strings.ToUpper(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return p
}

// splitParams splits ";A=1;B="x;y"" on semicolons outside quotes.
func splitParams(s string) []string {
	var out []string
	start, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case ';':
			if !inQuote {
				if i > start {
					out = append(out, s[start:i])
				}
				start = i + 1
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// mailtoAddress strips "mailto:" in any case and returns the address
// lower-cased.
func mailtoAddress(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>\""))
}

// parseICSTime reads a DATE-TIME or DATE value. A value with a TZID or
// without "Z" is read as UTC: DTSTAMP is UTC by definition (RFC 5545
// §3.8.7.2) and the zone is never resolved (see ParseRSVP).
func parseICSTime(v string) time.Time {
	v = strings.TrimSpace(v)
	for _, l := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
