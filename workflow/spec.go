package workflow

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// GroupSpec is a group as its file describes it, with the sessions already
// expanded to start times (the groupfile package reads YAML and schedules).
type GroupSpec struct {
	Name       string
	Language   string
	Timezone   string
	Country    string // one of Countries; empty means DefaultCountry
	Visio      string
	Mode       string
	MaxMembers int
	Animator   Person
	Members    []MemberSpec
	Sessions   []time.Time
	Duration   time.Duration
	Offsets    Offsets
}

// MemberSpec is one member line of a group file.
type MemberSpec struct {
	Name        string
	Email       string
	Unavailable []int
	Timezone    string // optional IANA zone, when the member does not live in the group's
}

// Limits on free-form values, so that a group file cannot smuggle a header or
// an oversized value into every email.
const (
	maxNameLen     = 100
	maxEmailLen    = 254
	maxURLLen      = 500
	maxSessions    = 24
	minDuration    = 30 * time.Minute
	maxDuration    = 4 * time.Hour
	minSessionsGap = 7 * 24 * time.Hour
	maxProblems    = 20 // problems listed in one error
)

// Validate checks the spec against the method's rules and returns an EINVALID
// *Error listing every problem, each naming its field.
func (s *GroupSpec) Validate() error {
	var errs []string
	bad := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	checkText("name", s.Name, true, bad)
	switch s.Language {
	case LangFR, LangEN:
	default:
		bad("language", "%q is not supported; use fr or en", s.Language)
	}
	if s.Timezone == "" {
		bad("timezone", "is required (an IANA name such as Europe/Paris)")
	} else {
		checkZone("timezone", s.Timezone, bad)
	}
	if s.Country != "" && !slices.Contains(Countries(), s.Country) {
		bad("country", "%q is not supported; use one of %s (default %s)", truncate(s.Country, 20), strings.Join(Countries(), ", "), DefaultCountry)
	}
	errs = append(errs, s.Offsets.Validate()...)
	checkURL("visio", s.Visio, bad)
	switch s.Mode {
	case "", ModePlanned, ModeOpen:
	default:
		bad("rotation", "%q is not a rotation mode; use planned or open", s.Mode)
	}
	maxMembers := s.MaxMembers
	if maxMembers == 0 {
		maxMembers = DefaultMaxMembers
	}
	if s.MaxMembers < 0 || s.MaxMembers > HardMaxMembers {
		bad("max_members", "%d is out of range: a group has at most %d peers", s.MaxMembers, HardMaxMembers)
	}
	checkText("animator.name", s.Animator.Name, true, bad)
	checkEmail("animator.email", s.Animator.Email, bad)
	switch n := len(s.Members); {
	case n == 0:
		bad("members", "a group needs at least one member")
	case n > maxMembers && s.MaxMembers == 0:
		bad("members", "%d members is more than the %d peers of a codev group; set max_members (up to %d) to allow more", n, maxMembers, HardMaxMembers)
	case n > maxMembers:
		bad("members", "%d members is more than max_members (%d)", n, maxMembers)
	}
	seen := map[string]int{strings.ToLower(s.Animator.Email): -1}
	for i, m := range s.Members {
		f := fmt.Sprintf("members[%d]", i)
		checkText(f+".name", m.Name, true, bad)
		checkEmail(f+".email", m.Email, bad)
		key := strings.ToLower(m.Email)
		if j, dup := seen[key]; dup && m.Email != "" {
			if j < 0 {
				bad(f+".email", "%s is the animator's address", m.Email)
			} else {
				bad(f+".email", "%s is also members[%d]", m.Email, j)
			}
		}
		seen[key] = i
		if m.Timezone != "" {
			checkZone(f+".timezone", m.Timezone, bad)
		}
		for _, u := range m.Unavailable {
			if u < 1 || u > len(s.Sessions) {
				bad(f+".unavailable", "session %d does not exist (sessions are numbered 1 to %d)", u, len(s.Sessions))
			}
		}
	}
	switch n := len(s.Sessions); {
	case n == 0:
		bad("sessions", "at least one session is required")
	case n > maxSessions:
		bad("sessions.count", "%d sessions is more than %d", n, maxSessions)
	}
	for i := 1; i < len(s.Sessions); i++ {
		if s.Sessions[i].Sub(s.Sessions[i-1]) < minSessionsGap {
			bad("sessions", "session %d starts less than a week after session %d", i+1, i)
		}
	}
	if s.Duration != 0 && (s.Duration < minDuration || s.Duration > maxDuration) {
		bad("sessions.duration", "%s is out of range (30m to 4h)", s.Duration)
	}
	if len(errs) > maxProblems {
		// A hostile file (thousands of bad members or dates) must not make
		// an error of hundreds of kilobytes.
		errs = append(errs[:maxProblems], fmt.Sprintf("and %d more problems", len(errs)-maxProblems))
	}
	if len(errs) > 0 {
		return &Error{Code: EINVALID, Message: "invalid group: " + strings.Join(errs, "; ")}
	}
	return nil
}

func checkZone(field, v string, bad func(string, string, ...any)) {
	if _, err := time.LoadLocation(v); err != nil || v == "Local" || len(v) > maxNameLen {
		bad(field, "%q is not an IANA time zone", truncate(v, 60))
	}
}

func checkText(field, v string, required bool, bad func(string, string, ...any)) {
	switch {
	case v == "" && required:
		bad(field, "is required")
	case !utf8.ValidString(v):
		bad(field, "is not valid UTF-8")
	case len(v) > maxNameLen:
		bad(field, "is longer than %d characters", maxNameLen)
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		bad(field, "contains a control character (line breaks are not allowed)")
	case strings.IndexFunc(v, isBidiControl) >= 0:
		bad(field, "contains a bidirectional control character, which can disguise text")
	case strings.ContainsAny(v, "<>\""):
		bad(field, "must not contain <, > or \"")
	}
}

// isBidiControl reports the invisible characters that reorder text
// (Unicode's Bidi_Control property), which can make a subject or a name
// read differently from what it is.
func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func checkEmail(field, v string, bad func(string, string, ...any)) {
	if v == "" {
		bad(field, "is required")
		return
	}
	if len(v) > maxEmailLen || strings.IndexFunc(v, unicode.IsControl) >= 0 || strings.ContainsAny(v, " ,;<>\"") {
		bad(field, "%q is not an email address", truncate(v, 60))
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		bad(field, "%q is not an email address", truncate(v, 60))
	}
}

func checkURL(field, v string, bad func(string, string, ...any)) {
	if v == "" {
		bad(field, "is required (the video link of the sessions)")
		return
	}
	u, err := url.Parse(v)
	switch {
	case len(v) > maxURLLen:
		bad(field, "is longer than %d characters", maxURLLen)
	case err != nil, strings.IndexFunc(v, unicode.IsControl) >= 0 || strings.ContainsAny(v, " <>\""):
		bad(field, "%q is not a URL", truncate(v, 60))
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		bad(field, "%q must be an http(s) link", truncate(v, 60))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// IsInvalid reports whether err is a validation error.
func IsInvalid(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == EINVALID
}
