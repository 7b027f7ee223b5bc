// Package holidays is the working-day calendar of codev's countries
// (workflow.Countries): Monday to Friday, less public holidays. The
// holidays come from github.com/rickar/cal/v2, a maintained library; where
// it lacks some (Québec, the cantonal holidays of French-speaking
// Switzerland), a small table here completes it. It implements
// workflow.WorkingDays; cmd gives it to the service.
package holidays

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/lu"
)

// Calendar tells working days apart from weekends and public holidays, by
// country. It is safe for concurrent use.
type Calendar struct {
	byCountry map[string]*cal.Calendar
}

// New returns the calendar of every country of workflow.Countries.
func New() *Calendar {
	c := &Calendar{byCountry: map[string]*cal.Calendar{}}
	for code, hols := range countries() {
		cc := &cal.Calendar{Name: code, Cacheable: true}
		cc.AddHoliday(hols...)
		c.byCountry[code] = cc
	}
	return c
}

// Countries lists the codes the calendar knows.
func (c *Calendar) Countries() []string {
	out := make([]string, 0, len(c.byCountry))
	for code := range c.byCountry {
		out = append(out, code)
	}
	return out
}

// IsWorkingDay reports whether the calendar day of date, in date's own
// location, is Monday to Friday and not a public holiday in country (nor
// the day a holiday falling on a weekend is observed, in Canada). For a
// country it does not know, only weekends are days off: the domain
// validates the country of every group, so this is a corrupted row, and
// sending on a holiday is better than not sending.
func (c *Calendar) IsWorkingDay(country string, date time.Time) bool {
	if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	cc, ok := c.byCountry[country]
	if !ok {
		return true
	}
	actual, observed, _ := cc.IsHoliday(date)
	return !actual && !observed
}

// countries are the public holidays of each country code.
func countries() map[string][]*cal.Holiday {
	return map[string][]*cal.Holiday{
		"FR":    fr.Holidays,
		"BE":    be.Holidays,
		"LU":    lu.Holidays,
		"CH":    switzerland(),
		"CA":    ca.Holidays,
		"CA-QC": quebec(),
	}
}

// switzerland is every day that is a public holiday in some canton: a group
// gathers people from several, and an email a day early costs nothing.
// The library's union misses All Saints' Day and the holidays proper to
// French-speaking cantons, added here.
func switzerland() []*cal.Holiday {
	return append(append([]*cal.Holiday{}, ch.Holidays...), ch.Allerheiligen,
		// Geneva: Jeûne genevois, the Thursday after the first Sunday of
		// September, and Restauration de la République, 31 December.
		&cal.Holiday{Name: "Jeûne genevois", Type: cal.ObservancePublic, Month: time.September,
			Weekday: time.Sunday, Offset: 1, CalcOffset: 4, Func: cal.CalcWeekdayOffset},
		&cal.Holiday{Name: "Restauration de la République", Type: cal.ObservancePublic,
			Month: time.December, Day: 31, Func: cal.CalcDayOfMonth},
		// Vaud and Neuchâtel: Lundi du Jeûne fédéral, the Monday after the
		// third Sunday of September.
		&cal.Holiday{Name: "Lundi du Jeûne fédéral", Type: cal.ObservancePublic, Month: time.September,
			Weekday: time.Sunday, Offset: 3, CalcOffset: 1, Func: cal.CalcWeekdayOffset},
		// Neuchâtel: Instauration de la République, 1 March.
		&cal.Holiday{Name: "Instauration de la République", Type: cal.ObservancePublic,
			Month: time.March, Day: 1, Func: cal.CalcDayOfMonth},
		// Jura: Commémoration du plébiscite jurassien, 23 June.
		&cal.Holiday{Name: "Commémoration du plébiscite jurassien", Type: cal.ObservancePublic,
			Month: time.June, Day: 23, Func: cal.CalcDayOfMonth},
	)
}

// quebec is Québec's statutory holidays (Loi sur les normes du travail,
// art. 60; Loi sur la fête nationale), which the library does not have:
// not Canada's Civic Day, Remembrance Day, Boxing Day nor the federal Day
// for Truth and Reconciliation. Both Good Friday and Easter Monday count:
// the employer chooses one.
func quebec() []*cal.Holiday {
	return []*cal.Holiday{
		aa.NewYear.Clone(&cal.Holiday{Name: "Jour de l'An", Type: cal.ObservancePublic}),
		aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic}),
		aa.EasterMonday.Clone(&cal.Holiday{Name: "Lundi de Pâques", Type: cal.ObservancePublic}),
		// The Monday before 25 May, as Victoria Day elsewhere in Canada.
		ca.VictoriaDay.Clone(&cal.Holiday{Name: "Journée nationale des patriotes"}),
		// 24 June; 25 June when the 24th is a Sunday.
		{Name: "Fête nationale du Québec", Type: cal.ObservancePublic, Month: time.June, Day: 24,
			Observed: []cal.AltDay{{Day: time.Sunday, Offset: 1}}, Func: cal.CalcDayOfMonth},
		// 1 July; 2 July when the 1st is a Sunday.
		{Name: "Fête du Canada", Type: cal.ObservancePublic, Month: time.July, Day: 1,
			Observed: []cal.AltDay{{Day: time.Sunday, Offset: 1}}, Func: cal.CalcDayOfMonth},
		ca.LabourDay.Clone(&cal.Holiday{Name: "Fête du Travail"}),
		ca.ThanksgivingDay.Clone(&cal.Holiday{Name: "Action de grâce"}),
		aa.ChristmasDay.Clone(&cal.Holiday{Name: "Noël", Type: cal.ObservancePublic}),
	}
}
