package workflow

import "time"

// When messages go out (DOMAIN.md §2.3 "send inside a daytime window"):
// never on a weekend or a public holiday of the group's country, and only
// between 08:00 and 20:00 in the recipient's time zone. The timeline first
// computes each message's nominal moment (an offset from its session, at the
// session's wall-clock time), then moves it into that window with sendTimes.

// WorkingDays tells on which days codev may send: not a weekend, not a
// public holiday. The domain knows no holidays; package holidays
// implements this for every code of Countries, and cmd injects it
// (ServiceConfig.WorkingDays). WeekendsOnly is the fallback.
type WorkingDays interface {
	// IsWorkingDay reports whether the calendar day of date, in date's own
	// location, is a working day in country (one of Countries).
	IsWorkingDay(country string, date time.Time) bool
}

// WeekendsOnly is the working-day calendar used when none is injected:
// Monday to Friday are working days, whatever the country. It knows no
// public holiday, and says so in its name: a service that must skip
// holidays is given package holidays.
type WeekendsOnly struct{}

// IsWorkingDay reports whether date falls on Monday to Friday.
func (WeekendsOnly) IsWorkingDay(_ string, date time.Time) bool {
	wd := date.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// DefaultCountry is the country of a group whose file names none.
const DefaultCountry = "FR"

// Countries are the country codes a group may give (ISO 3166-1, and
// ISO 3166-2 for Québec, whose holidays differ from Canada's): France,
// Belgium, Luxembourg, Switzerland, Canada, Québec. Package holidays
// implements each one; its tests check that it does.
func Countries() []string { return []string{"FR", "BE", "LU", "CH", "CA", "CA-QC"} }

// Daytime window in the recipient's zone, as time of day.
const (
	sendFrom  = 8 * time.Hour
	sendUntil = 20 * time.Hour
	// maxShiftDays bounds the search for a working day: a calendar with
	// none in three weeks is broken, and the nominal time is kept.
	maxShiftDays = 21
)

// sendTimes moves nominal send times into working days and daytime hours
// for one group.
type sendTimes struct {
	days    WorkingDays
	country string
}

func newSendTimes(g *Group, days WorkingDays) sendTimes {
	if days == nil {
		days = WeekendsOnly{}
	}
	return sendTimes{days: days, country: g.CountryCode()}
}

// fit returns when a message nominally due at due goes out to a recipient
// in loc. lo, when set, is the earliest it may go (an earlier step, the end
// of its session); hi, when set, the moment it becomes pointless (its
// session's start, the end of its window). The result is, in order of
// preference:
//
//  1. the same local time, clamped into 08:00–20:00, on the same day or
//     the working day before: the method's offsets say "at the latest";
//  2. the latest daytime moment of a working day before due;
//  3. the first daytime moment of a working day after due;
//
// the first of these that lies in [lo, hi). When none does, due itself:
// the order of the method matters more than the hour.
func (r sendTimes) fit(due, lo, hi time.Time, loc *time.Location) time.Time {
	ok := func(t time.Time) bool {
		return !t.IsZero() && (lo.IsZero() || !t.Before(lo)) && (hi.IsZero() || t.Before(hi))
	}
	for _, t := range []time.Time{r.sameTimeBefore(due, loc), r.latestAtOrBefore(due, loc), r.earliestAtOrAfter(due, loc)} {
		if ok(t) {
			return t
		}
	}
	return due
}

// working reports whether the local day of t is a working day.
func (r sendTimes) working(t time.Time) bool { return r.days.IsWorkingDay(r.country, t) }

// sameTimeBefore is due's local time clamped into the daytime window, on
// due's day if it is a working day, else on the working day before; zero
// when there is none within maxShiftDays.
func (r sendTimes) sameTimeBefore(due time.Time, loc *time.Location) time.Time {
	lt := due.In(loc)
	tod := timeOfDay(lt)
	tod = min(max(tod, sendFrom), sendUntil)
	for i := 0; i <= maxShiftDays; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()-i, 12, 0, 0, 0, loc)
		if r.working(day) {
			return at(day, tod)
		}
	}
	return time.Time{}
}

// latestAtOrBefore is the last daytime moment of a working day that is not
// after t: t itself when it is in the window.
func (r sendTimes) latestAtOrBefore(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	tod := timeOfDay(lt)
	for i := 0; i <= maxShiftDays; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()-i, 12, 0, 0, 0, loc)
		switch {
		case !r.working(day):
		case i > 0 || tod > sendUntil:
			return at(day, sendUntil)
		case tod >= sendFrom:
			return t
		}
	}
	return time.Time{}
}

// earliestAtOrAfter is the first daytime moment of a working day that is
// not before t: t itself when it is in the window.
func (r sendTimes) earliestAtOrAfter(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	tod := timeOfDay(lt)
	for i := 0; i <= maxShiftDays; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 12, 0, 0, 0, loc)
		switch {
		case !r.working(day):
		case i > 0 || tod < sendFrom:
			return at(day, sendFrom)
		case tod <= sendUntil:
			return t
		}
	}
	return time.Time{}
}

// workingDaysAfter returns the n-th working day after t's local day, at t's
// local time clamped into the daytime window; zero when there is none
// within maxShiftDays of each step.
func (r sendTimes) workingDaysAfter(t time.Time, n int, loc *time.Location) time.Time {
	lt := t.In(loc)
	tod := min(max(timeOfDay(lt), sendFrom), sendUntil)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 12, 0, 0, 0, loc)
	for found, i := 0, 0; found < n; {
		day = day.AddDate(0, 0, 1)
		if r.working(day) {
			found, i = found+1, 0
			continue
		}
		if i++; i > maxShiftDays {
			return time.Time{}
		}
	}
	return at(day, tod)
}

// timeOfDay is the wall-clock time of t since its local midnight.
func timeOfDay(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
}

// at is day's date at the wall-clock time tod in day's location, so that
// 18:00 stays 18:00 across a daylight-saving change.
func at(day time.Time, tod time.Duration) time.Time {
	h, m, sec := int(tod/time.Hour), int(tod%time.Hour/time.Minute), int(tod%time.Minute/time.Second)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, sec, 0, day.Location())
}
