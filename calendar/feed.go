package calendar

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// DefaultRefresh is the refresh interval a feed advertises when
// FeedInfo.Refresh is zero. An hour lets a rescheduled session reach
// subscribers the same day without clients polling hard.
const DefaultRefresh = time.Hour

// FeedInfo describes a subscription feed as a whole.
type FeedInfo struct {
	// Name is the calendar name that clients show for the subscription,
	// written as NAME (RFC 7986) and X-WR-CALNAME, which most clients read
	// instead (INTEROP.md §1.4). Required.
	Name string
	// Refresh is how often clients should fetch the feed again, written as
	// REFRESH-INTERVAL (Apple, Nextcloud) and X-PUBLISHED-TTL (Outlook). Whole
	// seconds; zero means DefaultRefresh. Google ignores both.
	Refresh time.Duration
}

// Feed returns a subscription feed holding events, in the order given. It
// has no METHOD: Outlook treats METHOD:REQUEST as an invitation and
// METHOD:PUBLISH requires an ORGANIZER. The events' Organizer and Attendees
// are ignored, because some apps mail "accepted" to the organizer each time a
// subscriber adds an event (INTEROP.md §1.4).
//
// Use the same UIDs and SEQUENCEs as the invitations. A cancelled event
// (Cancelled) is kept with STATUS:CANCELLED; the caller prefixes its Summary,
// e.g. « Annulé : ». stamp becomes every DTSTAMP, in UTC. A feed with no
// events is valid: clients accept an empty VCALENDAR, so a group with no
// session in the window keeps a working subscription.
func Feed(info FeedInfo, events []Event, stamp time.Time) ([]byte, error) {
	refresh, err := info.validate()
	if err != nil {
		return nil, err
	}
	if err := checkStamp(stamp); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(events))
	cal := newCalendar("")
	for i := range events {
		ev := &events[i]
		if err := ev.validate(); err != nil {
			return nil, err
		}
		if seen[ev.UID] {
			return nil, invalidf("event %q appears twice in the feed", ev.UID)
		}
		seen[ev.UID] = true
		status := ical.EventConfirmed
		if ev.Cancelled {
			status = ical.EventCancelled
		}
		cal.Children = append(cal.Children, ev.component(stamp, status))
	}
	cal.Props.Set(textProp(ical.PropName, info.Name))
	cal.Props.Set(textProp("X-WR-CALNAME", info.Name))
	// Set by hand: go-ical's SetDuration drops VALUE=DURATION because it is
	// the default type, but RFC 7986 requires it on REFRESH-INTERVAL.
	cal.Props.Set(&ical.Prop{
		Name:   ical.PropRefreshInterval,
		Params: ical.Params{ical.ParamValue: {string(ical.ValueDuration)}},
		Value:  refresh,
	})
	cal.Props.Set(&ical.Prop{Name: "X-PUBLISHED-TTL", Params: ical.Params{}, Value: refresh})
	if len(cal.Children) == 0 {
		return encodeEmpty(cal)
	}
	return encode(cal)
}

// validate checks the feed name and returns the refresh interval formatted
// as an iCalendar duration.
func (info *FeedInfo) validate() (string, error) {
	if info.Name == "" {
		return "", invalidf("feed has no name")
	}
	if p := textProblem(info.Name); p != "" {
		return "", invalidf("feed name %s", p)
	}
	refresh := cmp.Or(info.Refresh, DefaultRefresh)
	if refresh < time.Second || refresh%time.Second != 0 {
		return "", invalidf("feed refresh interval %s is not a positive whole number of seconds", refresh)
	}
	return formatDuration(refresh), nil
}

// formatDuration writes a positive duration in RFC 5545 §3.3.6 form with the
// largest units, "PT1H" rather than go-ical's "PT3600S", as clients and the
// examples in RFC 7986 do.
func formatDuration(d time.Duration) string {
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	var b strings.Builder
	b.WriteByte('P')
	if days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + "D")
	}
	if d == 0 {
		return b.String()
	}
	b.WriteByte('T')
	// The grammar needs minutes between hours and seconds: "PT1H0M5S".
	if h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10) + "H")
	}
	if m > 0 || (h > 0 && s > 0) {
		b.WriteString(strconv.FormatInt(int64(m), 10) + "M")
	}
	if s > 0 {
		b.WriteString(strconv.FormatInt(int64(s), 10) + "S")
	}
	return b.String()
}

// encodeEmpty writes a VCALENDAR with properties and no component. go-ical
// refuses it because RFC 5545's grammar asks for at least one component, but
// ical.js, libical, python-icalendar, vobject and Radicale all accept it, and
// answering a subscription with an error would make clients drop it. The
// calendar properties built by Feed need no parameter quoting, so they are
// written directly, sorted by name as go-ical does.
func encodeEmpty(cal *ical.Calendar) ([]byte, error) {
	var buf bytes.Buffer
	fw := NewFoldWriter(&buf)
	names := make([]string, 0, len(cal.Props))
	for name := range cal.Props {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("BEGIN:" + ical.CompCalendar + "\r\n")
	for _, name := range names {
		for _, prop := range cal.Props[name] {
			b.WriteString(prop.Name)
			params := make([]string, 0, len(prop.Params))
			for p := range prop.Params {
				params = append(params, p)
			}
			slices.Sort(params)
			for _, p := range params {
				b.WriteString(";" + p + "=" + strings.Join(prop.Params[p], ","))
			}
			b.WriteString(":" + prop.Value + "\r\n")
		}
	}
	b.WriteString("END:" + ical.CompCalendar + "\r\n")
	if _, err := io.WriteString(fw, b.String()); err != nil {
		return nil, fmt.Errorf("calendar: encoding empty VCALENDAR: %w", err)
	}
	return buf.Bytes(), nil
}
