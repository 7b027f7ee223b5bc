package templates

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Dates are written in full with their zone (DOMAIN.md §4), in words
// rather than with a layout string, because Go's time layouts only know
// English names and French needs "1er" and "18 h 00".

var (
	frWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
)

// frPlaces gives the French name of zone cities whose English name, as
// written in the tz database, would look wrong in a French email.
var frPlaces = map[string]string{
	"Algiers": "Alger", "Athens": "Athènes", "Beirut": "Beyrouth", "Brussels": "Bruxelles",
	"Cairo": "Le Caire", "Copenhagen": "Copenhague", "Lisbon": "Lisbonne", "London": "Londres",
	"Montreal": "Montréal", "Moscow": "Moscou", "Noumea": "Nouméa", "Reunion": "La Réunion",
	"Vienna": "Vienne", "Warsaw": "Varsovie", "Mexico City": "Mexico", "Quebec": "Québec",
	"Bucharest": "Bucarest", "Prague": "Prague", "Singapore": "Singapour", "Tunis": "Tunis",
}

// isEnglish reports whether lang selects English; anything else is French,
// the product's first language.
func isEnglish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "en")
}

// inZone converts t to loc, falling back to t's own location when loc is
// nil, so that a missing location never panics.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t
	}
	return t.In(loc)
}

// FormatDate writes the date of t in loc in words, for session lists and
// deadlines: « mardi 12 janvier 2027 », « mardi 1er juin 2027 »,
// "Tuesday 12 January 2027". lang "en" gives English, anything else French.
func FormatDate(lang string, t time.Time, loc *time.Location) string {
	t = inZone(t, loc)
	if isEnglish(lang) {
		return fmt.Sprintf("%s %d %s %d", t.Weekday(), t.Day(), t.Month(), t.Year())
	}
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", frWeekdays[t.Weekday()], day, frMonths[t.Month()-1], t.Year())
}

// FormatTime writes the clock time of t in loc: « 18 h 00 » in French (the
// typographic norm, and the form DOMAIN.md §4 asks for), with no-break
// spaces so that it is never split over two lines; "18:00" in English.
func FormatTime(lang string, t time.Time, loc *time.Location) string {
	t = inZone(t, loc)
	if isEnglish(lang) {
		return t.Format("15:04")
	}
	return fmt.Sprintf("%d"+NBSP+"h"+NBSP+"%02d", t.Hour(), t.Minute())
}

// FormatDuration writes a session's length: « 2 h », « 1 h 30 » (no-break
// spaces), "2 hours", "1 hour 30 minutes". Seconds are dropped.
func FormatDuration(lang string, d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	if isEnglish(lang) {
		var parts []string
		if h > 0 || m == 0 {
			parts = append(parts, plural(h, "hour"))
		}
		if m > 0 {
			parts = append(parts, plural(m, "minute"))
		}
		return strings.Join(parts, " ")
	}
	switch {
	case h == 0:
		return fmt.Sprintf("%d"+NBSP+"min", m)
	case m == 0:
		return fmt.Sprintf("%d"+NBSP+"h", h)
	}
	return fmt.Sprintf("%d"+NBSP+"h"+NBSP+"%02d", h, m)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// FormatDecimal writes v with digits decimals, with the decimal comma in
// French (« 4,3 ») and the point in English ("4.3"). Halves round away
// from zero (4,25 gives 4,3), as people round by hand.
func FormatDecimal(lang string, v float64, digits int) string {
	scale := math.Pow10(digits)
	s := strconv.FormatFloat(math.Round(v*scale)/scale, 'f', digits, 64)
	if isEnglish(lang) {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// FormatDateTime writes a session's date and time in full with its zone,
// as every email must (DOMAIN.md §4): « jeudi 12 mars 2026 à 18 h 00
// (heure de Paris) », "Thursday 12 March 2026 at 18:00 (Paris time)".
// The time is t converted to loc, so the wall-clock time and the offset
// follow daylight saving time. The zone label comes from the last segment
// of the location's name (Europe/Paris gives Paris).
func FormatDateTime(lang string, t time.Time, loc *time.Location) string {
	t = inZone(t, loc)
	if isEnglish(lang) {
		return fmt.Sprintf("%s at %s (%s)", FormatDate(lang, t, nil), FormatTime(lang, t, nil), zoneLabel(lang, t))
	}
	return fmt.Sprintf("%s à %s (%s)", FormatDate(lang, t, nil), FormatTime(lang, t, nil), zoneLabel(lang, t))
}

// zoneLabel names t's zone the way people say it: "heure de Paris",
// "Paris time". Zones without a place name (UTC, Etc/GMT+1, and the
// machine's "Local", which means nothing to the reader) get their UTC
// offset instead.
func zoneLabel(lang string, t time.Time) string {
	name := t.Location().String()
	if name == "Local" {
		name = t.Format("MST")
	}
	place := name[strings.LastIndex(name, "/")+1:]
	if name == "UTC" || name == "" || strings.HasPrefix(name, "Etc/") || !isPlace(place) {
		offset := "UTC"
		if _, secs := t.Zone(); secs != 0 {
			offset += t.Format("-07:00")
		}
		return offset
	}
	place = strings.ReplaceAll(place, "_", " ")
	if isEnglish(lang) {
		return place + " time"
	}
	if fr, ok := frPlaces[place]; ok {
		place = fr
	}
	return "heure " + frOf(place)
}

// isPlace reports whether a zone name segment is a place name (Paris)
// rather than an abbreviation or offset (CET, GMT+1).
func isPlace(s string) bool {
	if s == "" || strings.ContainsAny(s, "+-0123456789") {
		return false
	}
	return s != strings.ToUpper(s)
}

// frOf adds the French preposition "de" to a place name, with elision
// (« d'Amsterdam ») and contraction (« du Caire »).
func frOf(place string) string {
	switch {
	case strings.HasPrefix(place, "Le "):
		return "du " + strings.TrimPrefix(place, "Le ")
	case strings.HasPrefix(place, "Les "):
		return "des " + strings.TrimPrefix(place, "Les ")
	case strings.ContainsRune("AEIOUYÉÈÊÀÂÎÔÛ", []rune(place)[0]):
		return "d'" + place
	}
	return "de " + place
}

// AgendaItem is one step of a session's agenda with its clock times, for
// the animator's digest.
type AgendaItem struct {
	// Step is the method's step number, 0 (warm-up) to 6.
	Step int
	// Label is the step's name in the requested language.
	Label string
	// Minutes is the step's planned length.
	Minutes int
	// Start is the step's start instant; Time and End are the start and
	// end clock times formatted with FormatTime ("18 h 00" or "18:00"),
	// and Length is Minutes in words (FormatDuration).
	Start             time.Time
	Time, End, Length string
}

// defaultAgenda is the 120-minute video session of DOMAIN.md §1.3; the
// label of step 0 depends on the session (see step0Label).
var defaultAgenda = []struct {
	minutes int
	fr, en  string
}{
	{15, "", ""},
	{10, "Exposé de la problématique", "Presentation of the problem"},
	{20, "Clarification", "Clarification"},
	{10, "Contrat de consultation", "Consultation contract"},
	{30, "Consultation", "Consultation"},
	{15, "Synthèse et plan d'action", "Synthesis and action plan"},
	{20, "Apprentissages, régulation, évaluation", "Learnings, process review, evaluation"},
}

// AgendaOptions says what step 0 of a session holds (DOMAIN.md §1.3).
type AgendaOptions struct {
	// OpenRotation: the topic may still be chosen at the start of the
	// session (open mode); in planned mode the client is known and the
	// agenda says nothing about choosing a topic.
	OpenRotation bool
	// Followup: a previous client reports on their experiments; the first
	// session of a cycle has none and starts with introductions.
	Followup bool
}

// step0Labels name the opening step, by [OpenRotation][Followup], in
// French and English. They leave out « météo », which no codev source uses.
var step0Labels = [2][2][2]string{
	{
		{"Accueil et tour de table", "Welcome and round of introductions"},
		{"Accueil et retour sur les expérimentations", "Welcome and report on experiments"},
	},
	{
		{"Accueil, tour de table, choix du sujet s'il y a lieu", "Welcome, round of introductions, choice of topic if needed"},
		{"Accueil, retour sur les expérimentations, choix du sujet s'il y a lieu", "Welcome, report on experiments, choice of topic if needed"},
	},
}

func step0Label(lang string, o AgendaOptions) string {
	l := step0Labels[b2i(o.OpenRotation)][b2i(o.Followup)]
	if isEnglish(lang) {
		return l[1]
	}
	return l[0]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Agenda returns the default two-hour agenda (DOMAIN.md §1.3: steps 0 to
// 6 lasting 15, 10, 20, 10, 30, 15 and 20 minutes) for a session starting
// at start, with clock times in loc.
func Agenda(lang string, start time.Time, loc *time.Location, o AgendaOptions) []AgendaItem {
	items := make([]AgendaItem, 0, len(defaultAgenda))
	at := inZone(start, loc)
	for step, a := range defaultAgenda {
		end := at.Add(time.Duration(a.minutes) * time.Minute)
		label := a.fr
		if isEnglish(lang) {
			label = a.en
		}
		if step == 0 {
			label = step0Label(lang, o)
		}
		items = append(items, AgendaItem{
			Step: step, Label: label, Minutes: a.minutes, Start: at,
			Time: FormatTime(lang, at, nil), End: FormatTime(lang, end, nil),
			Length: FormatDuration(lang, time.Duration(a.minutes)*time.Minute),
		})
		at = end
	}
	return items
}
