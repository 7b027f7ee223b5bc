package inbound

import (
	"regexp"
	"strings"
)

// dsnRecipient is one per-recipient block of a message/delivery-status
// part (RFC 3464 §2.3).
type dsnRecipient struct {
	original, final string
	action, status  string
}

// parseDSN reads the per-recipient fields of a delivery-status body.
// Blocks are separated by blank lines; fields may be folded.
func parseDSN(body string) []dsnRecipient {
	var out []dsnRecipient
	var cur dsnRecipient
	flush := func() {
		if cur.final != "" || cur.original != "" {
			out = append(out, cur)
		}
		cur = dsnRecipient{}
	}
	lines := splitLines(body)
	var b strings.Builder
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		// Continuations are joined in one builder: repeated concatenation
		// made a field folded over many lines quadratic.
		if i+1 < len(lines) && isContinuation(lines[i+1]) {
			b.Reset()
			b.WriteString(l)
			for i+1 < len(lines) && isContinuation(lines[i+1]) {
				i++
				b.WriteByte(' ')
				b.WriteString(strings.TrimSpace(lines[i]))
			}
			l = b.String()
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "final-recipient":
			cur.final = dsnAddress(v)
		case "original-recipient":
			cur.original = dsnAddress(v)
		case "action":
			cur.action = strings.ToLower(firstWord(v))
		case "status":
			cur.status = firstWord(v)
		}
	}
	flush()
	return out
}

// isContinuation reports a folded field's continuation line.
func isContinuation(l string) bool {
	return len(l) > 0 && (l[0] == ' ' || l[0] == '\t')
}

// dsnAddress reads "rfc822; user@example.org" (the type is optional).
func dsnAddress(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>\" "))
}

// failed reports a recipient the report says was not delivered, now or
// yet: Action failed or delayed, or a 4.x.x/5.x.x Status.
func (r dsnRecipient) failed() bool {
	switch r.action {
	case "failed", "delayed":
		return true
	case "delivered", "relayed", "expanded":
		return false
	}
	return strings.HasPrefix(r.status, "4.") || strings.HasPrefix(r.status, "5.")
}

// permanent reports a 5.x.x status, or a failed action without a status.
func (r dsnRecipient) permanent() bool {
	if strings.HasPrefix(r.status, "5.") {
		return true
	}
	return r.action == "failed" && !strings.HasPrefix(r.status, "4.")
}

// isMailerDaemon reports a From address of a bounce robot.
func isMailerDaemon(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	local = strings.ToLower(local)
	return local == "mailer-daemon" || local == "postmaster" || local == "mail-daemon" ||
		strings.HasPrefix(local, "mailer-daemon") || local == "mdaemon"
}

// failureWords mark the lines of a non-standard bounce that name the failed
// address (English, French, German, as Exim, Postfix, qmail, Exchange and
// French ISPs write them).
var failureWords = []string{
	"failed", "failure", "undeliverable", "undelivered", "could not be delivered", "couldn't be delivered",
	"not delivered", "unknown", "does not exist", "doesn't exist", "no such", "unavailable", "rejected",
	"permanent", "invalid", "delayed", "n'existe pas", "introuvable", "échec", "inconnu", "non remis",
	"impossible", "n'a pas pu", "unzustellbar", "unbekannt", "nicht zugestellt",
}

// reStatusCode finds an enhanced status code (RFC 3463).
var reStatusCode = regexp.MustCompile(`\b([45])\.\d{1,3}\.\d{1,3}\b`)

// bounceTextAddresses finds the failed addresses in the human-readable
// text of a non-standard bounce. It stops where the returned copy of the
// original message starts, so our own addresses in it are not taken.
func bounceTextAddresses(text string, exclude map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	prevAnnounces := false
	for _, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if startsOriginalCopy(t) {
			break
		}
		low := strings.ToLower(t)
		announces := false
		for _, w := range failureWords {
			if strings.Contains(low, w) {
				announces = true
				break
			}
		}
		for _, a := range reAddrSpec.FindAllString(t, 10) {
			a = strings.ToLower(a)
			bare := strings.Trim(t, "<>\"': \t") == a
			if seen[a] || exclude[a] || isMailerDaemon(a) || !(announces || bare || prevAnnounces) {
				continue
			}
			seen[a] = true
			out = append(out, a)
		}
		if t != "" {
			prevAnnounces = announces && strings.HasSuffix(t, ":")
		}
	}
	return out
}

// startsOriginalCopy reports the line where a bounce quotes the original
// message ("------ This is a copy of the message", its headers…).
func startsOriginalCopy(t string) bool {
	low := strings.ToLower(t)
	for _, p := range []string{"------ this is a copy", "--- below this line is a copy", "original message follows",
		"----- original message", "received:", "return-path:", "message-id:", "content-type:", "dkim-signature:"} {
		if strings.HasPrefix(low, p) {
			return true
		}
	}
	return false
}

// textPermanent guesses permanence from a non-standard bounce's text: a
// 5.x.x code or a definitive phrase; a 4.x.x code or a retry notice alone
// means transient.
func textPermanent(text string) bool {
	low := strings.ToLower(text)
	if m := reStatusCode.FindStringSubmatch(low); m != nil {
		return m[1] == "5"
	}
	for _, w := range []string{"delayed", "will retry", "will be retried", "temporar", "retardé", "nouvelle tentative"} {
		if strings.Contains(low, w) {
			return false
		}
	}
	return true
}
