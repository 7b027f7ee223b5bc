package devpage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	_ "github.com/emersion/go-message/charset" // decode every charset a mail may use
	"github.com/emersion/go-message/mail"
)

// email is a received message as a participant's mail client reads it.
type email struct {
	Subject   string
	From      []*mail.Address
	To        []*mail.Address
	ReplyTo   []*mail.Address
	Date      time.Time
	MessageID string   // without brackets
	Refs      []string // References, without brackets
	Text      string   // the text/plain part
	HTML      string   // the text/html part, shown sandboxed
	Invite    *invite  // the text/calendar part, if any
}

// invite is the event of an iTIP REQUEST or CANCEL.
type invite struct {
	Method     string
	UID        string
	Sequence   int
	Start, End time.Time
	Summary    string
	Location   string
	URL        string
	Organizer  *ical.Prop
}

// parseEmail reads what the dev page shows of a raw message. A broken part
// is left out rather than failing the whole message.
func parseEmail(raw []byte) (*email, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && r == nil {
		return nil, fmt.Errorf("devpage: reading message: %w", err)
	}
	defer r.Close()
	e := &email{}
	h := r.Header
	e.Subject, _ = h.Subject()
	e.From, _ = h.AddressList("From")
	e.To, _ = h.AddressList("To")
	e.ReplyTo, _ = h.AddressList("Reply-To")
	e.Date, _ = h.Date()
	e.MessageID, _ = h.MessageID()
	e.Refs, _ = h.MsgIDList("References")
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return e, nil
		}
		ct, params := contentType(p.Header)
		body, err := io.ReadAll(io.LimitReader(p.Body, 1<<20))
		if err != nil {
			continue
		}
		switch {
		case ct == "text/plain" && e.Text == "":
			e.Text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case ct == "text/html" && e.HTML == "":
			e.HTML = string(body)
		case (ct == "text/calendar" || ct == "application/ics") && e.Invite == nil:
			e.Invite = parseInvite(body, params["method"])
		}
	}
	return e, nil
}

// parseInvite reads the first event of a calendar object, or returns nil.
func parseInvite(data []byte, method string) *invite {
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil
	}
	events := cal.Events()
	if len(events) == 0 {
		return nil
	}
	ev := events[0]
	inv := &invite{Method: strings.ToUpper(method)}
	if m, err := cal.Props.Text(ical.PropMethod); err == nil && m != "" {
		inv.Method = strings.ToUpper(m)
	}
	inv.UID, _ = ev.Props.Text(ical.PropUID)
	if p := ev.Props.Get(ical.PropSequence); p != nil {
		inv.Sequence, _ = strconv.Atoi(p.Value)
	}
	inv.Start, _ = ev.DateTimeStart(time.UTC)
	inv.End, _ = ev.DateTimeEnd(time.UTC)
	inv.Summary, _ = ev.Props.Text(ical.PropSummary)
	inv.Location, _ = ev.Props.Text(ical.PropLocation)
	if p := ev.Props.Get(ical.PropURL); p != nil {
		inv.URL = p.Value
	}
	inv.Organizer = ev.Props.Get(ical.PropOrganizer)
	return inv
}

// organizer returns the ORGANIZER's address, without mailto:.
func (inv *invite) organizer() string {
	if inv.Organizer == nil {
		return ""
	}
	v := inv.Organizer.Value
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return v
}

// link is where the invitation says to join: URL, else LOCATION when it is
// a link.
func (inv *invite) link() string {
	if inv.URL != "" {
		return inv.URL
	}
	if strings.HasPrefix(inv.Location, "https://") || strings.HasPrefix(inv.Location, "http://") {
		return inv.Location
	}
	return ""
}

// contentType reads a part's media type and parameters.
func contentType(h mail.PartHeader) (string, map[string]string) {
	typed, ok := h.(interface {
		ContentType() (string, map[string]string, error)
	})
	if !ok {
		return "", nil
	}
	ct, params, _ := typed.ContentType()
	return ct, params
}
