package inbound

import (
	"net/mail"
	"regexp"
	"strings"
	"time"

	msgmail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Header fields that may carry codev's reply token, in the order INTEROP.md
// §3.1 step 4 looks at them.
var recipientFields = []string{"To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"}

// reAddrSpec finds bare addresses when a field does not parse as an
// address list (unbalanced quotes, missing brackets, local parts with
// spaces…).
var reAddrSpec = regexp.MustCompile(`[A-Za-z0-9._%+\-=!#$&'*/?^{|}~]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)

// reMsgID finds <id> tokens in Message-ID, In-Reply-To and References.
var reMsgID = regexp.MustCompile(`<([^<>\s]+)>`)

// addresses returns the lower-cased addresses of a header value.
func addresses(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []string
	if list, err := msgmail.ParseAddressList(v); err == nil {
		for _, a := range list {
			if a.Address != "" {
				out = append(out, strings.ToLower(a.Address))
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, a := range reAddrSpec.FindAllString(v, 50) {
		out = append(out, strings.ToLower(a))
	}
	return out
}

// firstAddress returns the first address of the field, or "".
func firstAddress(h textproto.Header, field string) string {
	if a := addresses(h.Get(field)); len(a) > 0 {
		return a[0]
	}
	return ""
}

// recipients collects the addresses of recipientFields, lower-cased,
// deduplicated, in field order.
func recipients(h textproto.Header) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range recipientFields {
		for _, v := range h.Values(f) {
			for _, a := range addresses(v) {
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// msgIDs returns the message ids of a field without angle brackets. Ids
// written without brackets (some webmails) are taken word by word.
func msgIDs(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var out []string
	for _, m := range reMsgID.FindAllStringSubmatch(v, 100) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				out = append(out, strings.Trim(f, "<>,;"))
			}
		}
	}
	return out
}

// Date layouts tried when net/mail rejects a Date field.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Monday, January 2, 2006 3:04 PM",
	time.RFC3339,
}

// parseDate reads a Date field; it returns the zero time when nothing
// fits.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// isNullReturnPath reports Return-Path: <> (RFC 3834 and RFC 5321: the
// null sender of bounces and auto-replies).
func isNullReturnPath(h textproto.Header) bool {
	if !h.Has("Return-Path") {
		return false
	}
	v := strings.TrimSpace(h.Get("Return-Path"))
	return v == "<>" || v == "" || v == "< >"
}
