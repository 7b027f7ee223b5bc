// Package replytest writes replies to codev's emails the way mail clients
// do, for tests: each Client quotes the request as that client does (with
// or without "> ", re-wrapped or not, from the text or the HTML part, under
// an attribution line or an Outlook header block), places the sender's
// text, signature and footers where it puts them, and packages the message
// in its MIME layout (text/plain, format=flowed, multipart/alternative,
// HTML only).
//
// The layouts follow replies observed from Gmail (web and mobile), Outlook
// (desktop, web and mobile, French), Apple Mail and iPhone Mail,
// Thunderbird, Proton Mail and the Orange and La Poste webmails. The
// package needs nothing but the request's raw bytes, so that the parser's
// tests (mail/inbound) and the end-to-end tests (cmd/codev) build replies
// to the very email codev sent.
package replytest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Request is an email codev sent, as the recipient's client reads it.
type Request struct {
	FromName, From string // the service's display name and address
	ReplyTo        string // where replies go: codev+TOKEN@domain
	ToName, To     string // the recipient
	Subject        string
	MessageID      string // without angle brackets
	Date           time.Time
	Text           string // the text/plain part, LF line endings
	HTML           string // the text/html part, "" when none
}

// ReadRequest reads a raw email sent by codev.
func ReadRequest(raw []byte) (*Request, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, fmt.Errorf("error reading request: %w", err)
	}
	h := mail.Header{Header: e.Header}
	r := &Request{}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		r.FromName, r.From = from[0].Name, from[0].Address
	}
	if to, err := h.AddressList("To"); err == nil && len(to) > 0 {
		r.ToName, r.To = to[0].Name, to[0].Address
	}
	if rt, err := h.AddressList("Reply-To"); err == nil && len(rt) > 0 {
		r.ReplyTo = rt[0].Address
	}
	if r.ReplyTo == "" {
		r.ReplyTo = r.From
	}
	r.Subject, _ = h.Subject()
	r.MessageID, _ = h.MessageID()
	r.Date, _ = h.Date()
	r.Date = r.Date.In(paris)
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		t, _, _ := part.Header.ContentType()
		if t != "text/plain" && t != "text/html" {
			return nil
		}
		b, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		s := strings.ReplaceAll(string(b), "\r\n", "\n")
		if t == "text/plain" && r.Text == "" {
			r.Text = s
		} else if t == "text/html" && r.HTML == "" {
			r.HTML = s
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error reading request parts: %w", err)
	}
	if r.Text == "" {
		return nil, fmt.Errorf("request has no text/plain part")
	}
	return r, nil
}

// paris is the time zone the French clients show dates in (winter time,
// fixed so that tests need no time zone database).
var paris = time.FixedZone("CET", 3600)
