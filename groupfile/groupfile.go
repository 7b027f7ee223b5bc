// Package groupfile reads group files (group.yaml) into workflow.GroupSpec:
// strict YAML, the session schedule expanded from `first`/`every`/`count`
// (every is "month", "2 weeks"… or an RRULE), every error naming its field.
package groupfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/codev-org/codev/workflow"
	"github.com/teambition/rrule-go"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest group file accepted.
const MaxSize = 256 << 10

// File is the YAML shape of a group file. See examples/group.yaml.
type File struct {
	Name       string   `yaml:"name"`
	Language   string   `yaml:"language"`
	Timezone   string   `yaml:"timezone"`
	Country    string   `yaml:"country"`
	Visio      string   `yaml:"visio"`
	Rotation   string   `yaml:"rotation"`
	MaxMembers int      `yaml:"max_members"`
	Animator   Person   `yaml:"animator"`
	Members    []Member `yaml:"members"`
	Sessions   Sessions `yaml:"sessions"`
	Offsets    Offsets  `yaml:"offsets"`
}

// Offsets move the messages of each session's timeline, in days relative to
// the session (negative: before). Omitted fields keep DOMAIN.md's defaults;
// workflow.Offsets.Validate checks signs and order.
type Offsets struct {
	Prepare          int  `yaml:"prepare"`
	PrepareReminder  int  `yaml:"prepare_reminder"`
	CallForTopics    int  `yaml:"call_for_topics"`
	Followup         int  `yaml:"followup"`
	FollowupReminder int  `yaml:"followup_reminder"`
	Digest           int  `yaml:"digest"`
	SessionReminder  int  `yaml:"session_reminder"`
	PlanReminder     int  `yaml:"plan_reminder"`
	Summary          int  `yaml:"summary"`
	Nudge            int  `yaml:"nudge"`
	NudgeEnabled     bool `yaml:"nudge_enabled"`
	Review           int  `yaml:"review"`
	CharterReminder  int  `yaml:"charter_reminder"`
	RetentionMonths  int  `yaml:"retention_months"`
}

func (o Offsets) domain() workflow.Offsets {
	return workflow.Offsets{
		Prepare: workflow.Days(o.Prepare), PrepareReminder: workflow.Days(o.PrepareReminder),
		CallForTopics: workflow.Days(o.CallForTopics), Followup: workflow.Days(o.Followup),
		FollowupReminder: workflow.Days(o.FollowupReminder),
		Digest:           workflow.Days(o.Digest), SessionReminder: workflow.Days(o.SessionReminder),
		PlanReminder: workflow.Days(o.PlanReminder), Summary: workflow.Days(o.Summary),
		Nudge: workflow.Days(o.Nudge), NudgeEnabled: o.NudgeEnabled, Review: workflow.Days(o.Review),
		CharterReminder: workflow.Days(o.CharterReminder), RetentionMonths: o.RetentionMonths,
	}
}

// Person is a name and an address.
type Person struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
}

// Member is one entry of members.
type Member struct {
	Name        string `yaml:"name"`
	Email       string `yaml:"email"`
	Unavailable []int  `yaml:"unavailable"`
	Timezone    string `yaml:"timezone"` // optional: the member's own zone, for send hours
}

// Sessions describes the schedule: either first + every (+ count), or an
// explicit list of dates. Times are wall-clock times in the group's zone.
type Sessions struct {
	First    string   `yaml:"first"`
	Every    string   `yaml:"every"`
	Count    int      `yaml:"count"`
	Duration string   `yaml:"duration"`
	Dates    []string `yaml:"dates"`
}

const layout = "2006-01-02 15:04"

// Parse reads a group file. Errors are workflow EINVALID errors naming the
// field (or the line, for YAML syntax) and what is wrong.
func Parse(r io.Reader) (*workflow.GroupSpec, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("error reading group file: %w", err)
	}
	if len(data) > MaxSize {
		return nil, workflow.Errorf(workflow.EINVALID, "group file is larger than %d KiB", MaxSize>>10)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, workflow.Errorf(workflow.EINVALID, "group file is empty")
		}
		return nil, workflow.Errorf(workflow.EINVALID, "group file: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return f.Spec()
}

// Spec converts the file to a validated spec.
func (f *File) Spec() (*workflow.GroupSpec, error) {
	spec := &workflow.GroupSpec{
		Name: strings.TrimSpace(f.Name), Language: f.Language, Timezone: f.Timezone, Visio: f.Visio,
		Country: strings.ToUpper(strings.TrimSpace(f.Country)),
		Mode:    f.Rotation, MaxMembers: f.MaxMembers, Offsets: f.Offsets.domain(),
		Animator: workflow.Person{Name: strings.TrimSpace(f.Animator.Name), Email: strings.TrimSpace(f.Animator.Email)},
	}
	for _, m := range f.Members {
		spec.Members = append(spec.Members, workflow.MemberSpec{
			Name: strings.TrimSpace(m.Name), Email: strings.TrimSpace(m.Email), Unavailable: m.Unavailable,
			Timezone: strings.TrimSpace(m.Timezone),
		})
	}
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil || f.Timezone == "" {
		// Validate names the field; schedule in UTC meanwhile so that it
		// reports every other problem too.
		loc = time.UTC
	}
	count := f.Sessions.Count
	if count == 0 {
		count = len(f.Members)
	}
	var problems []string
	if f.Sessions.Duration != "" {
		d, err := time.ParseDuration(f.Sessions.Duration)
		if err != nil {
			problems = append(problems, fmt.Sprintf("sessions.duration: %q is not a duration such as 2h or 1h30m", f.Sessions.Duration))
		}
		spec.Duration = d
	}
	starts, err := f.Sessions.schedule(count, loc)
	if err != nil {
		problems = append(problems, err.Error())
	}
	spec.Sessions = starts
	if err := spec.Validate(); err != nil {
		var e *workflow.Error
		if errors.As(err, &e) && len(problems) > 0 {
			e.Message += "; " + strings.Join(problems, "; ")
		}
		return nil, err
	}
	if len(problems) > 0 {
		return nil, workflow.Errorf(workflow.EINVALID, "invalid group: %s", strings.Join(problems, "; "))
	}
	return spec, nil
}

func (s *Sessions) schedule(count int, loc *time.Location) ([]time.Time, error) {
	if len(s.Dates) > 0 {
		if s.First != "" || s.Every != "" {
			return nil, errors.New("sessions: give either dates or first and every, not both")
		}
		var out []time.Time
		for i, d := range s.Dates {
			t, err := time.ParseInLocation(layout, d, loc)
			if err != nil {
				return nil, fmt.Errorf("sessions.dates[%d]: %q is not a date and time such as \"2027-01-12 18:00\"", i, d)
			}
			out = append(out, t.UTC())
		}
		return out, nil
	}
	if s.First == "" {
		return nil, errors.New("sessions.first: is required, e.g. \"2027-01-12 18:00\"")
	}
	first, err := time.ParseInLocation(layout, s.First, loc)
	if err != nil {
		return nil, fmt.Errorf("sessions.first: %q is not a date and time such as \"2027-01-12 18:00\"", s.First)
	}
	if count < 1 || count > 24 {
		return nil, fmt.Errorf("sessions.count: %d is out of range (1 to 24)", count)
	}
	rule, err := recurrence(s.Every, first, count)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for _, t := range rule.All() {
		out = append(out, t.UTC())
	}
	if len(out) != count {
		return nil, fmt.Errorf("sessions.every: %q gives %d sessions, not %d", s.Every, len(out), count)
	}
	if !out[0].Equal(first.UTC()) {
		return nil, fmt.Errorf("sessions.every: %q does not include sessions.first (%s)", s.Every, s.First)
	}
	return out, nil
}

// recurrence reads every: "month" (the default), "monthly", "N weeks",
// "week", or an RRULE such as FREQ=MONTHLY;BYDAY=2TU (COUNT and UNTIL come
// from count).
func recurrence(every string, first time.Time, count int) (*rrule.RRule, error) {
	opt := rrule.ROption{Dtstart: first, Count: count, Freq: rrule.MONTHLY, Interval: 1}
	e := strings.ToLower(strings.TrimSpace(every))
	switch {
	case e == "" || e == "month" || e == "monthly" || e == "1 month":
	case e == "week" || e == "weekly":
		opt.Freq = rrule.WEEKLY
	case strings.HasSuffix(e, " weeks") || strings.HasSuffix(e, " months"):
		n, err := strconv.Atoi(strings.Fields(e)[0])
		if err != nil || n < 1 || n > 12 {
			return nil, fmt.Errorf("sessions.every: %q is not a valid interval", every)
		}
		opt.Interval = n
		if strings.HasSuffix(e, " weeks") {
			opt.Freq = rrule.WEEKLY
		}
	case strings.HasPrefix(e, "freq=") || strings.HasPrefix(e, "rrule:"):
		o, err := rrule.StrToROptionInLocation(strings.TrimPrefix(strings.ToUpper(every), "RRULE:"), first.Location())
		if err != nil {
			return nil, fmt.Errorf("sessions.every: %q is not a valid RRULE: %w", every, err)
		}
		if o.Count != 0 || !o.Until.IsZero() {
			return nil, errors.New("sessions.every: leave COUNT and UNTIL out of the RRULE; use sessions.count")
		}
		if o.Freq != rrule.WEEKLY && o.Freq != rrule.MONTHLY {
			return nil, fmt.Errorf("sessions.every: %q: FREQ must be WEEKLY or MONTHLY (sessions are at least a week apart)", every)
		}
		o.Dtstart, o.Count = first, count
		opt = *o
	default:
		return nil, fmt.Errorf("sessions.every: %q is not understood; use month, \"N weeks\" or an RRULE such as FREQ=MONTHLY;BYDAY=2TU", every)
	}
	// A rule that never matches (BYMONTHDAY=30 in February) would make the
	// expansion search forever: no cycle lasts more than three years.
	opt.Until = first.AddDate(3, 0, 0)
	r, err := rrule.NewRRule(opt)
	if err != nil {
		return nil, fmt.Errorf("sessions.every: %w", err)
	}
	return r, nil
}
