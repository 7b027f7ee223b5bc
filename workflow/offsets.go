package workflow

import (
	"fmt"
	"time"
)

// Offsets are when each message of a session's timeline is due, in days
// relative to the session start (negative: before), at the session's
// wall-clock time in the group's time zone; the send then moves into
// working days and daytime hours (sendtime.go). The zero value of a field
// means its default; a group file may change any of them, within the
// order Validate checks.
type Offsets struct {
	Prepare         Days `json:"prepare,omitempty"`          // « vous êtes client·e »: D−21
	PrepareReminder Days `json:"prepare_reminder,omitempty"` // single reminder: D−10
	CallForTopics   Days `json:"call_for_topics,omitempty"`  // open mode: D−14; the animator's list of proposals follows 4 days later (D−10)
	Followup        Days `json:"followup,omitempty"`         // previous client's experiments: D−7, so that the answer lands in the digest
	// FollowupReminder is the single reminder of Followup: D−5. Not D−3:
	// a weekend moves a D−3 or D−4 send of a Monday or Tuesday session to
	// the Friday of the D−2 digest, which would make it pointless.
	FollowupReminder Days `json:"followup_reminder,omitempty"`
	Digest           Days `json:"digest,omitempty"`           // animator: D−2
	SessionReminder  Days `json:"session_reminder,omitempty"` // everyone: D−1
	PlanReminder     Days `json:"plan_reminder,omitempty"`    // after the session: D+2
	Summary          Days `json:"summary,omitempty"`          // animator: D+2
	Nudge            Days `json:"nudge,omitempty"`            // first experiment: D+14
	NudgeEnabled     bool `json:"nudge_enabled,omitempty"`    // off by default
	Review           Days `json:"review,omitempty"`           // last session +7
	CharterReminder  Days `json:"charter_reminder,omitempty"` // welcome +5
	RetentionMonths  int  `json:"retention_months,omitempty"` // free text purged this long after the cycle: 6
}

// Days is a signed number of days.
type Days int

// defaultOffsets are DOMAIN.md §2.1's.
var defaultOffsets = Offsets{
	Prepare: -21, PrepareReminder: -10, CallForTopics: -14, Followup: -7, FollowupReminder: -5, Digest: -2,
	SessionReminder: -1, PlanReminder: 2, Summary: 2, Nudge: 14, Review: 7,
	CharterReminder: 5, RetentionMonths: 6,
}

// WithDefaults returns o with every zero field set to its default.
func (o Offsets) WithDefaults() Offsets {
	d := defaultOffsets
	pick := func(v, def Days) Days {
		if v == 0 {
			return def
		}
		return v
	}
	o.Prepare = pick(o.Prepare, d.Prepare)
	o.PrepareReminder = pick(o.PrepareReminder, d.PrepareReminder)
	o.CallForTopics = pick(o.CallForTopics, d.CallForTopics)
	o.Followup = pick(o.Followup, d.Followup)
	o.FollowupReminder = pick(o.FollowupReminder, d.FollowupReminder)
	o.Digest = pick(o.Digest, d.Digest)
	o.SessionReminder = pick(o.SessionReminder, d.SessionReminder)
	o.PlanReminder = pick(o.PlanReminder, d.PlanReminder)
	o.Summary = pick(o.Summary, d.Summary)
	o.Nudge = pick(o.Nudge, d.Nudge)
	o.Review = pick(o.Review, d.Review)
	o.CharterReminder = pick(o.CharterReminder, d.CharterReminder)
	if o.RetentionMonths == 0 {
		o.RetentionMonths = d.RetentionMonths
	}
	return o
}

// At returns the day d days after t at the same wall-clock time in loc, so
// offsets stay right across daylight-saving changes.
func (d Days) At(t time.Time, loc *time.Location) time.Time {
	lt := t.In(loc)
	return time.Date(lt.Year(), lt.Month(), lt.Day()+int(d), lt.Hour(), lt.Minute(), lt.Second(), 0, loc)
}

// Limits of offsets, in days.
const (
	maxDaysBefore   = 90 // nothing is asked more than three months ahead
	maxDaysAfter    = 60
	maxRetention    = 36 // months
	answersUsefulBy = 7  // the week after a session, when plans and learnings are asked (timeline.go)
)

// Validate checks the offsets, defaults applied, and returns one problem
// per field that breaks a rule, each naming it as the group file does
// (offsets.prepare_reminder): messages before the session have a negative
// offset, those after it a positive one, and the steps keep their order:
// an ask before its reminder, both before the animator's digest, the
// digest no later than the session reminder, the plan reminder and the
// summary within the week after the session. The web's form and the group
// file share this rule.
func (o Offsets) Validate() []string {
	o = o.WithDefaults()
	var errs []string
	bad := func(field, format string, args ...any) {
		errs = append(errs, "offsets."+field+": "+fmt.Sprintf(format, args...))
	}
	before := []struct {
		field string
		v     Days
	}{
		{"prepare", o.Prepare}, {"prepare_reminder", o.PrepareReminder}, {"call_for_topics", o.CallForTopics},
		{"followup", o.Followup}, {"followup_reminder", o.FollowupReminder}, {"digest", o.Digest},
		{"session_reminder", o.SessionReminder},
	}
	for _, f := range before {
		switch {
		case f.v >= 0:
			bad(f.field, "%d must be negative: the message goes out before the session (e.g. -2 for two days before)", f.v)
		case f.v < -maxDaysBefore:
			bad(f.field, "%d is more than %d days before the session", f.v, maxDaysBefore)
		}
	}
	after := []struct {
		field string
		v     Days
		max   Days
	}{
		{"plan_reminder", o.PlanReminder, answersUsefulBy - 1}, {"summary", o.Summary, answersUsefulBy - 1},
		{"nudge", o.Nudge, maxDaysAfter}, {"review", o.Review, maxDaysAfter}, {"charter_reminder", o.CharterReminder, 30},
	}
	for _, f := range after {
		switch {
		case f.v <= 0:
			bad(f.field, "%d must be positive: the message goes out after the session (or, for charter_reminder, the welcome)", f.v)
		case f.v > f.max:
			bad(f.field, "%d is out of range (1 to %d)", f.v, f.max)
		}
	}
	if o.RetentionMonths < 1 || o.RetentionMonths > maxRetention {
		bad("retention_months", "%d is out of range (1 to %d months)", o.RetentionMonths, maxRetention)
	}
	if len(errs) > 0 {
		return errs // order makes sense only between well-signed offsets
	}
	order := func(first string, a Days, then string, b Days, why string) {
		if a >= b {
			bad(then, "%d must come after offsets.%s (%d): %s", b, first, a, why)
		}
	}
	order("prepare", o.Prepare, "prepare_reminder", o.PrepareReminder, "the reminder follows its ask")
	order("prepare_reminder", o.PrepareReminder, "digest", o.Digest, "the client's answer must reach the animator's digest")
	order("followup", o.Followup, "followup_reminder", o.FollowupReminder, "the reminder follows its ask")
	order("followup_reminder", o.FollowupReminder, "digest", o.Digest, "the previous client's answer must reach the animator's digest")
	if o.CallForTopics+topicChoiceDelay >= o.Digest {
		bad("call_for_topics", "%d is too late: the list of proposals goes to the animator %d days after it, before the digest (offsets.digest %d)",
			o.CallForTopics, topicChoiceDelay, o.Digest)
	}
	if o.Digest > o.SessionReminder {
		bad("session_reminder", "%d must not come before offsets.digest (%d): the animator prepares before everyone is reminded", o.SessionReminder, o.Digest)
	}
	return errs
}
