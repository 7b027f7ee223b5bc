package holidays_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/holidays"
	"github.com/codev-org/codev/workflow"
)

var _ workflow.WorkingDays = (*holidays.Calendar)(nil)

func TestCountries(t *testing.T) {
	t.Parallel()
	require.ElementsMatch(t, workflow.Countries(), holidays.New().Countries(),
		"the calendar knows exactly the countries a group may give")
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	c := holidays.New()
	tests := []struct {
		country, date string
		working       bool
		why           string
	}{
		{"FR", "2027-07-13", true, "a Tuesday"},
		{"FR", "2027-07-14", false, "Fête nationale"},
		{"FR", "2027-07-17", false, "a Saturday"},
		{"FR", "2027-07-18", false, "a Sunday"},
		{"FR", "2027-03-29", false, "Lundi de Pâques (Easter 2027 is 28 March)"},
		{"FR", "2027-05-06", false, "Ascension"},
		{"FR", "2027-05-17", false, "Lundi de Pentecôte"},
		{"FR", "2027-05-08", false, "Saturday, and Victoire 1945"},
		{"FR", "2026-05-08", false, "Victoire 1945 on a Friday"},
		{"FR", "2027-11-11", false, "Armistice"},
		{"FR", "2027-12-24", true, "Christmas Eve is worked"},
		{"FR", "2027-07-21", true, "Belgium's national day is not France's"},
		{"BE", "2027-07-21", false, "Fête nationale belge"},
		{"BE", "2027-07-14", true, "France's national day is not Belgium's"},
		{"LU", "2027-06-23", false, "Fête nationale luxembourgeoise"},
		{"CH", "2028-08-01", false, "Fête nationale suisse"},
		{"CH", "2027-09-09", false, "Jeûne genevois: Thursday after the first Sunday of September"},
		{"CH", "2027-09-20", false, "Lundi du Jeûne fédéral"},
		{"CH", "2027-12-31", false, "Restauration de la République (Geneva)"},
		{"CH", "2027-11-01", false, "Toussaint, in the Catholic cantons"},
		{"CH", "2027-07-14", true, "no Swiss holiday"},
		{"CA", "2027-07-01", false, "Canada Day"},
		{"CA", "2027-08-02", false, "Civic Day"},
		{"CA", "2027-12-27", false, "Christmas on a Saturday is observed on Monday"},
		{"CA-QC", "2027-08-02", true, "Civic Day is not a holiday in Québec"},
		{"CA-QC", "2027-11-11", true, "nor Remembrance Day"},
		{"CA-QC", "2027-06-24", false, "Fête nationale du Québec"},
		{"CA-QC", "2029-06-25", false, "24 June 2029 is a Sunday: the 25th is off"},
		{"CA-QC", "2027-05-24", false, "Journée nationale des patriotes: the Monday before 25 May"},
		{"CA-QC", "2027-10-11", false, "Action de grâce"},
		{"CA-QC", "2027-09-06", false, "Fête du Travail"},
		{"XX", "2027-07-14", true, "an unknown country has weekends only"},
		{"XX", "2027-07-17", false, "an unknown country has weekends too"},
	}
	for _, tt := range tests {
		t.Run(tt.country+"/"+tt.date, func(t *testing.T) {
			t.Parallel()
			d, err := time.Parse("2006-01-02", tt.date)
			require.NoError(t, err)
			require.Equal(t, tt.working, c.IsWorkingDay(tt.country, d.Add(12*time.Hour)), tt.why)
		})
	}
}

// TestLocalDay judges the day where the date is, not in UTC: 23:30 on
// 13 July in Montréal is already 14 July in UTC.
func TestLocalDay(t *testing.T) {
	t.Parallel()
	c := holidays.New()
	montreal, err := time.LoadLocation("America/Montreal")
	require.NoError(t, err)
	late := time.Date(2027, 7, 13, 23, 30, 0, 0, montreal)
	require.Equal(t, 14, late.UTC().Day())
	require.True(t, c.IsWorkingDay("FR", late), "13 July where the recipient is")
	require.False(t, c.IsWorkingDay("FR", late.UTC()), "14 July in UTC")
}
