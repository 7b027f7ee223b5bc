package workflow

import "time"

// Offsets are when each message of a session's timeline goes out, relative to
// the session start (negative: before) or end, in the group's time zone. The
// zero value of a field means its default; a group file may change any of them.
type Offsets struct {
	Prepare         Days `json:"prepare,omitempty"`          // « vous êtes client·e »: D−21
	PrepareReminder Days `json:"prepare_reminder,omitempty"` // single reminder: D−10
	CallForTopics   Days `json:"call_for_topics,omitempty"`  // open mode: D−14; the animator's list of proposals follows 4 days later (D−10)
	Followup        Days `json:"followup,omitempty"`         // previous client's experiments: D−3
	Digest          Days `json:"digest,omitempty"`           // animator: D−2
	SessionReminder Days `json:"session_reminder,omitempty"` // everyone: D−1
	PlanReminder    Days `json:"plan_reminder,omitempty"`    // after the session: D+2
	Summary         Days `json:"summary,omitempty"`          // animator: D+2
	Nudge           Days `json:"nudge,omitempty"`            // first experiment: D+14
	NudgeEnabled    bool `json:"nudge_enabled,omitempty"`    // off by default
	Review          Days `json:"review,omitempty"`           // last session +7
	CharterReminder Days `json:"charter_reminder,omitempty"` // welcome +5
	RetentionMonths int  `json:"retention_months,omitempty"` // free text purged this long after the cycle: 6
}

// Days is a signed number of days.
type Days int

// defaultOffsets are DOMAIN.md §2.1's.
var defaultOffsets = Offsets{
	Prepare: -21, PrepareReminder: -10, CallForTopics: -14, Followup: -3, Digest: -2,
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
