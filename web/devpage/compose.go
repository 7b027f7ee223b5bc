package devpage

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-message/mail"

	"github.com/codev-org/codev/workflow"
)

// PARTSTAT values the page can answer an invitation with.
const (
	partAccepted = "ACCEPTED"
	partDeclined = "DECLINED"
)

// composeReply writes a participant's answer to orig as a mail client would:
// "Re:" subject, In-Reply-To and References, the answer on top, then an
// attribution line and the original plain text quoted with "> ".
func composeReply(from *workflow.Member, lang string, loc *time.Location, orig *email, body string, now time.Time) (to string, raw []byte, err error) {
	target := orig.ReplyTo
	if len(target) == 0 {
		target = orig.From
	}
	if len(target) == 0 {
		return "", nil, fmt.Errorf("devpage: the message has neither Reply-To nor From")
	}
	var h mail.Header
	h.SetDate(now.In(loc))
	h.SetAddressList("From", []*mail.Address{{Name: from.Name, Address: from.Email}})
	h.SetAddressList("To", target[:1])
	subject := orig.Subject
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		subject = "Re: " + subject
	}
	h.SetSubject(subject)
	h.SetMessageID(newMessageID(from.Email))
	if orig.MessageID != "" {
		h.SetMsgIDList("In-Reply-To", []string{orig.MessageID})
		h.SetMsgIDList("References", append(append([]string{}, orig.Refs...), orig.MessageID))
	}
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	text := strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), "\n ") + "\n\n" +
		attribution(lang, loc, orig) + "\n" + quote(orig.Text)
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return "", nil, err
	}
	if _, err := io.WriteString(w, text); err != nil {
		return "", nil, err
	}
	if err := w.Close(); err != nil {
		return "", nil, err
	}
	return target[0].Address, buf.Bytes(), nil
}

// attribution is the line mail clients write above a quoted message.
func attribution(lang string, loc *time.Location, orig *email) string {
	who := "codev"
	if len(orig.From) > 0 {
		who = orig.From[0].String()
		if orig.From[0].Name != "" {
			who = orig.From[0].Name + " <" + orig.From[0].Address + ">"
		}
	}
	d := orig.Date.In(loc)
	if lang == workflow.LangFR {
		return fmt.Sprintf("Le %s à %s, %s a écrit :", d.Format("02/01/2006"), d.Format("15:04"), who)
	}
	return fmt.Sprintf("On %s at %s, %s wrote:", d.Format("Mon, 2 Jan 2006"), d.Format("15:04"), who)
}

// quote prefixes every line of text with "> " (">" for an empty line).
func quote(text string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + line + "\n")
	}
	return b.String()
}

// composeRSVP writes the iTIP REPLY (RFC 5546 §3.2.3) a calendar client
// sends when its user answers an invitation: METHOD:REPLY, the same UID and
// SEQUENCE, and the one ATTENDEE with its PARTSTAT, to the ORGANIZER.
func composeRSVP(from *workflow.Member, lang string, inv *invite, partstat string, now time.Time) (to string, raw []byte, err error) {
	to = inv.organizer()
	if to == "" {
		return "", nil, fmt.Errorf("devpage: the invitation has no ORGANIZER")
	}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//codev//dev page//EN")
	cal.Props.SetText(ical.PropMethod, "REPLY")
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, inv.UID)
	seq := ical.NewProp(ical.PropSequence)
	seq.Value = strconv.Itoa(inv.Sequence)
	ev.Props.Set(seq)
	ev.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, inv.Start.UTC())
	ev.Props.SetDateTime(ical.PropDateTimeEnd, inv.End.UTC())
	ev.Props.SetText(ical.PropSummary, inv.Summary)
	ev.Props.Set(inv.Organizer)
	att := ical.NewProp(ical.PropAttendee)
	att.Value = "mailto:" + from.Email
	att.Params.Set(ical.ParamParticipationStatus, partstat)
	att.Params.Set(ical.ParamCommonName, from.Name)
	ev.Props.Set(att)
	cal.Children = append(cal.Children, ev.Component)
	var ics bytes.Buffer
	if err := ical.NewEncoder(&ics).Encode(cal); err != nil {
		return "", nil, fmt.Errorf("devpage: encoding the REPLY: %w", err)
	}

	word, text := rsvpWords(lang, partstat, from.Name)
	var h mail.Header
	h.SetDate(now)
	h.SetAddressList("From", []*mail.Address{{Name: from.Name, Address: from.Email}})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject(word + inv.Summary)
	h.SetMessageID(newMessageID(from.Email))
	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return "", nil, err
	}
	var th, ch mail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	ch.SetContentType("text/calendar", map[string]string{"charset": "utf-8", "method": "REPLY"})
	for _, part := range []struct {
		h    mail.InlineHeader
		body []byte
	}{{th, []byte(text)}, {ch, ics.Bytes()}} {
		pw, err := w.CreatePart(part.h)
		if err != nil {
			return "", nil, err
		}
		if _, err := pw.Write(part.body); err != nil {
			return "", nil, err
		}
		if err := pw.Close(); err != nil {
			return "", nil, err
		}
	}
	if err := w.Close(); err != nil {
		return "", nil, err
	}
	return to, buf.Bytes(), nil
}

// rsvpWords are the subject prefix and the text a calendar client writes.
func rsvpWords(lang, partstat, name string) (subject, text string) {
	fr := lang == workflow.LangFR
	switch {
	case partstat == partAccepted && fr:
		return "Accepté : ", name + " a accepté cette invitation.\n"
	case partstat == partAccepted:
		return "Accepted: ", name + " has accepted this invitation.\n"
	case fr:
		return "Refusé : ", name + " a refusé cette invitation.\n"
	}
	return "Declined: ", name + " has declined this invitation.\n"
}

// newMessageID returns a unique Message-ID in the sender's domain.
func newMessageID(from string) string {
	_, domain, _ := strings.Cut(from, "@")
	return "dev-" + strings.ToLower(rand.Text()) + "@" + domain
}
