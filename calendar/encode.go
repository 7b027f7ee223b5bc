package calendar

import (
	"bytes"
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// productID is our PRODID. Clients use it to work around known generators'
// bugs, so it names codev rather than go-ical.
const productID = "-//codev//codev//FR"

// newCalendar returns a VCALENDAR with the properties every output carries.
// method is empty for feeds, which must have none (INTEROP.md §1.4).
func newCalendar(method string) *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.Set(textProp(ical.PropProductID, productID))
	cal.Props.Set(textProp(ical.PropVersion, "2.0"))
	cal.Props.Set(textProp(ical.PropCalendarScale, "GREGORIAN"))
	if method != "" {
		cal.Props.Set(textProp(ical.PropMethod, method))
	}
	return cal
}

// encode writes cal through a FoldWriter, so every output is folded.
func encode(cal *ical.Calendar) ([]byte, error) {
	var buf bytes.Buffer
	if err := ical.NewEncoder(NewFoldWriter(&buf)).Encode(cal); err != nil {
		return nil, fmt.Errorf("calendar: encoding VCALENDAR: %w", err)
	}
	return buf.Bytes(), nil
}

// checkStamp validates the DTSTAMP time, which every VEVENT needs.
func checkStamp(stamp time.Time) error {
	if stamp.IsZero() {
		return invalidf("DTSTAMP time is zero")
	}
	return nil
}
