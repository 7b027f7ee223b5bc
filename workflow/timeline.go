package workflow

import (
	"slices"
	"time"
)

// essential kinds go out even to paused members: they change what is in
// people's calendars.
var essential = map[Kind]bool{KindWelcome: true, KindInvitation: true, KindCancellation: true}

// candidate is a message the timeline wants, with its window: it is due from
// DueAt and pointless after NotAfter.
type candidate struct {
	kind     Kind
	session  *Session
	member   *Member
	seq      int
	dueAt    time.Time
	notAfter time.Time
	loc      *time.Location // the recipient's zone
	// fixed marks what a change calls for: due at once, whatever the hour.
	fixed bool
}

// dueFrom is when c may go out, seen at now: its due time; but when that
// has passed unsent (downtime, a client chosen in the evening) and now is
// a night, a weekend or a holiday where the recipient is, the next daytime
// moment of a working day, unless its window closes first: then at once,
// its last chance.
func (c candidate) dueFrom(now time.Time, send sendTimes) time.Time {
	if c.fixed || c.dueAt.After(now) {
		return c.dueAt
	}
	next := send.earliestAtOrAfter(now, c.loc)
	if next.IsZero() || (!c.notAfter.IsZero() && !next.Before(c.notAfter)) {
		return c.dueAt
	}
	return next
}

func (c candidate) key() string {
	var sid int64
	if c.session != nil {
		sid = c.session.ID
	}
	return MessageKey(c.kind, sid, c.member.ID, c.seq)
}

// Due returns the messages that became due at now and are not recorded yet,
// ordered by due time. Each is pending, or skipped with a reason when its
// moment passed long ago (after downtime, a late reminder is dropped rather
// than sent). Due is a pure function of st and now.
func Due(st *State, now time.Time) []*Message {
	var out []*Message
	send := newSendTimes(st.Group, st.WorkingDays)
	recorded := st.recordedKeys()
	for _, c := range candidates(st) {
		if c.dueAt.After(now) || recorded[c.key()] || c.dueFrom(now, send).After(now) {
			continue
		}
		m := &Message{GroupID: st.Group.ID, MemberID: c.member.ID, Kind: c.kind,
			Sequence: c.seq, Key: c.key(), DueAt: c.dueAt, Status: MessagePending}
		if c.session != nil {
			m.SessionID = c.session.ID
		}
		switch {
		case !c.notAfter.IsZero() && now.After(c.notAfter):
			m.Status, m.Reason = MessageSkipped, "too late: its moment passed on "+c.notAfter.UTC().Format(time.RFC3339)
		case c.member.Bounced:
			m.Status, m.Reason = MessageSkipped, "the member's address bounced"
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b *Message) int { return a.DueAt.Compare(b.DueAt) })
	return out
}

// Next returns when the next message of st becomes due after now, or the zero
// time when nothing else is planned. The dev clock jumps there, and preview
// walks a whole cycle with it.
func Next(st *State, now time.Time) time.Time {
	var next time.Time
	send := newSendTimes(st.Group, st.WorkingDays)
	recorded := st.recordedKeys()
	for _, c := range candidates(st) {
		if recorded[c.key()] {
			continue
		}
		if due := c.dueFrom(now, send); due.After(now) && (next.IsZero() || due.Before(next)) {
			next = due
		}
	}
	return next
}

// recordedKeys is the set of the keys of st's recorded messages.
func (st *State) recordedKeys() map[string]bool {
	keys := make(map[string]bool, len(st.Messages))
	for _, m := range st.Messages {
		keys[m.Key] = true
	}
	return keys
}

// candidates lists every message the group's state calls for, sent or not,
// each due at its nominal moment moved into working days and daytime hours
// (sendtime.go), with a member's first day kept for the welcome and the
// invitations (spreadFirstDay).
func candidates(st *State) []candidate {
	t := timeline{st: st, loc: st.Group.Location(), off: st.Group.Offsets.WithDefaults(),
		send: newSendTimes(st.Group, st.WorkingDays), locs: map[int64]*time.Location{}}
	t.welcome()
	t.invitations()
	for i, s := range st.Sessions {
		if s.Cancelled() {
			continue
		}
		var prev *Session
		for j := i - 1; j >= 0; j-- {
			if !st.Sessions[j].Cancelled() {
				prev = st.Sessions[j]
				break
			}
		}
		t.session(s, prev)
	}
	t.endOfCycle()
	t.spreadFirstDay()
	return t.out
}

type timeline struct {
	st   *State
	loc  *time.Location
	off  Offsets
	send sendTimes
	locs map[int64]*time.Location // recipients' zones, by member ID
	out  []candidate
}

// add wants a message nominally due at due, and not before lo (an earlier
// step; zero for none), useful until notAfter (zero for ever). It goes out
// at the working-day, daytime moment sendTimes.fit chooses in the
// recipient's zone, inside [lo, notAfter).
func (t *timeline) add(kind Kind, s *Session, m *Member, seq int, due, lo, notAfter time.Time) {
	if m == nil {
		return
	}
	if lo.After(due) {
		due = lo
	}
	t.push(kind, s, m, seq, t.send.fit(due, lo, notAfter, t.locOf(m)), notAfter, false)
}

// addAt wants a message due at exactly due: what a change calls for (the
// welcome and the invitations when a group file is applied, an update or a
// CANCEL when a session moves) goes out when the change is made: someone
// chose that moment, and calendars must be right at once.
func (t *timeline) addAt(kind Kind, s *Session, m *Member, seq int, due, notAfter time.Time) {
	if m != nil {
		t.push(kind, s, m, seq, due, notAfter, true)
	}
}

func (t *timeline) push(kind Kind, s *Session, m *Member, seq int, due, notAfter time.Time, fixed bool) {
	if !essential[kind] && m.Paused {
		return
	}
	t.out = append(t.out, candidate{kind: kind, session: s, member: m, seq: seq, dueAt: due, notAfter: notAfter,
		loc: t.locOf(m), fixed: fixed})
}

// locOf is the zone whose daytime hours a member's messages keep to.
func (t *timeline) locOf(m *Member) *time.Location {
	if m.Timezone == "" {
		return t.loc
	}
	loc, ok := t.locs[m.ID]
	if !ok {
		loc = m.Location(t.st.Group)
		t.locs[m.ID] = loc
	}
	return loc
}

// spreadFirstDay keeps a member's first day, the day their welcome goes
// out, for the essential kinds: the welcome and the calendar invitations
// it announces belong together. Any other message that would
// reach them before the next working day (the group started late, or they
// joined mid-cycle) waits: the first until the working day after the
// welcome, the next one the working day after that, and so on in the order
// they were due, at the welcome's local time. A message whose window would
// close first keeps its time.
func (t *timeline) spreadFirstDay() {
	for _, m := range t.st.Peers() {
		anchor := t.welcomeAt(m)
		if anchor.IsZero() {
			continue
		}
		loc := t.locOf(m)
		first := t.send.workingDaysAfter(anchor, 1, loc)
		if first.IsZero() {
			continue
		}
		var early []int
		for i, c := range t.out {
			if c.member == m && !essential[c.kind] && c.dueAt.Before(first) && (c.notAfter.IsZero() || c.notAfter.After(anchor)) {
				early = append(early, i)
			}
		}
		slices.SortStableFunc(early, func(a, b int) int { return t.out[a].dueAt.Compare(t.out[b].dueAt) })
		for n, i := range early {
			c := &t.out[i]
			slot := t.send.workingDaysAfter(anchor, n+1, loc)
			if !slot.IsZero() && slot.After(c.dueAt) && (c.notAfter.IsZero() || slot.Before(c.notAfter)) {
				c.dueAt = slot
			}
		}
	}
}

// welcomeAt is when a member's welcome went out, or is due if it has not
// yet; zero when it will not go out (a bounced address).
func (t *timeline) welcomeAt(m *Member) time.Time {
	if msg := t.st.Message(MessageKey(KindWelcome, 0, m.ID, 0)); msg != nil {
		if msg.Status == MessageSkipped || msg.Status == MessageFailed {
			return time.Time{}
		}
		if !msg.SentAt.IsZero() {
			return msg.SentAt
		}
		return msg.DueAt
	}
	for _, c := range t.out {
		if c.kind == KindWelcome && c.member == m {
			return c.dueAt
		}
	}
	return time.Time{}
}

// sent returns the recorded message for a key if it was sent.
func (t *timeline) sent(kind Kind, s *Session, m *Member) *Message {
	var sid int64
	if s != nil {
		sid = s.ID
	}
	msg := t.st.Message(MessageKey(kind, sid, m.ID, 0))
	if msg == nil || msg.Status != MessageSent {
		return nil
	}
	return msg
}

func (t *timeline) scheduled() []*Session { return t.st.Scheduled() }

func (t *timeline) cycleEnd() time.Time {
	sch := t.scheduled()
	if len(sch) == 0 {
		return time.Time{}
	}
	return sch[len(sch)-1].End()
}

// welcome: #1 when the group is created (or the member added), and the
// single charter reminder, at least two days after it.
func (t *timeline) welcome() {
	end := t.cycleEnd()
	for _, m := range t.st.Peers() {
		t.addAt(KindWelcome, nil, m, 0, t.st.Group.CreatedAt, end)
		if w := t.sent(KindWelcome, nil, m); w != nil && w.AnsweredAt.IsZero() {
			first := t.scheduled()
			if len(first) > 0 {
				t.add(KindCharterReminder, nil, m, 0, t.off.CharterReminder.At(w.SentAt, t.loc), w.SentAt.Add(reminderGap), first[0].Start)
			}
		}
	}
}

// reminderGap is the least time between an ask and its single reminder.
const reminderGap = 48 * time.Hour

// invitations: #2, one REQUEST per participant and session at the session's
// current SEQUENCE, and a CANCEL to whoever was invited to a session that is
// cancelled or that they no longer belong to.
func (t *timeline) invitations() {
	for _, s := range t.st.Sessions {
		for _, m := range t.st.Members {
			invited := t.invitedAny(s, m)
			switch {
			case !s.Cancelled() && m.Active:
				t.addAt(KindInvitation, s, m, s.Sequence, t.st.Group.CreatedAt, s.Start)
			case invited && !t.cancelledBefore(s, m):
				// A cancelled session already carries a raised SEQUENCE; a
				// member removed from a session that goes on gets a CANCEL
				// one above the REQUEST they hold.
				seq := s.Sequence
				if !s.Cancelled() {
					seq++
				}
				t.addAt(KindCancellation, s, m, seq, t.st.Group.CreatedAt, s.Start)
			}
		}
	}
}

func (t *timeline) invitedAny(s *Session, m *Member) bool {
	for _, msg := range t.st.Messages {
		if msg.Kind == KindInvitation && msg.SessionID == s.ID && msg.MemberID == m.ID && msg.Status == MessageSent {
			return true
		}
	}
	return false
}

// cancelledBefore: a CANCEL already went out after the last REQUEST.
func (t *timeline) cancelledBefore(s *Session, m *Member) bool {
	var lastReq, lastCancel int64
	for _, msg := range t.st.Messages {
		if msg.SessionID != s.ID || msg.MemberID != m.ID {
			continue
		}
		switch msg.Kind {
		case KindInvitation:
			lastReq = max(lastReq, msg.ID)
		case KindCancellation:
			lastCancel = max(lastCancel, msg.ID)
		}
	}
	return lastCancel > lastReq
}

// session: #4 to #14 around one session. Each step is due at its offset
// from the session start; the windows that end at a later step (the
// digest) end when that step actually goes out.
func (t *timeline) session(s, prev *Session) {
	st := t.st
	d := func(days Days) time.Time { return days.At(s.Start, t.loc) }
	end := s.End()
	client := st.Member(s.ClientID)
	if client != nil && !client.Active {
		client = nil
	}
	animator := st.Animator()
	digestAt := d(t.off.Digest)
	if animator != nil {
		digestAt = t.send.fit(digestAt, time.Time{}, s.Start, t.locOf(animator))
	}
	var none time.Time

	if st.Group.Mode == ModeOpen {
		for _, m := range st.Peers() {
			if !t.hadTurn(m, s) {
				t.add(KindCallForTopics, s, m, 0, d(t.off.CallForTopics), none, digestAt)
			}
		}
		// The proposals go to the animator, who chooses by reply while
		// the client can still prepare (openmode.go).
		if client == nil {
			t.add(KindNoticeTopics, s, animator, 0, d(t.off.CallForTopics+topicChoiceDelay), none, digestAt)
		}
	}
	if client != nil {
		var lo time.Time
		if prev != nil {
			lo = prev.End().Add(time.Hour)
		}
		t.add(KindPrepare, s, client, 0, d(t.off.Prepare), lo, digestAt)
		if p := t.sent(KindPrepare, s, client); p != nil && p.AnsweredAt.IsZero() {
			t.add(KindPrepareReminder, s, client, 0, d(t.off.PrepareReminder), p.SentAt.Add(reminderGap), digestAt)
		}
	}
	if prev != nil && prev.ClientID != 0 {
		pc := st.Member(prev.ClientID)
		t.add(KindFollowup, s, pc, 0, d(t.off.Followup), prev.End().Add(reminderGap), s.Start)
		if pc != nil {
			if f := t.sent(KindFollowup, s, pc); f != nil && f.AnsweredAt.IsZero() {
				t.add(KindFollowupReminder, s, pc, 0, d(t.off.FollowupReminder), f.SentAt.Add(reminderGap), s.Start)
			}
		}
	}
	t.add(KindDigest, s, animator, 0, d(t.off.Digest), none, s.Start)
	for _, m := range st.Participants() {
		if r := st.RSVP(s.ID, m.ID); r != nil && r.PartStat == RSVPDeclined {
			continue
		}
		t.add(KindSessionReminder, s, m, 0, d(t.off.SessionReminder), none, s.Start)
	}
	// Plans and learnings are asked about an hour after the session (the
	// next morning when that is late in the evening) and are useful for a
	// week; the summary waits at least a day for them.
	after := end.Add(time.Hour)
	week := Days(answersUsefulBy).At(s.Start, t.loc)
	for _, m := range st.Peers() {
		if client != nil && m.ID == client.ID {
			t.add(KindClientPlan, s, m, 0, after, after, week)
			if p := t.sent(KindClientPlan, s, m); p != nil && p.AnsweredAt.IsZero() {
				t.add(KindPlanReminder, s, m, 0, d(t.off.PlanReminder), p.SentAt.Add(reminderGap), week)
			}
			continue
		}
		t.add(KindLearnings, s, m, 0, after, after, week)
	}
	t.add(KindSummary, s, animator, 0, d(t.off.Summary), end.Add(24*time.Hour), week)
	if st.Group.Offsets.NudgeEnabled && client != nil {
		t.add(KindNudge, s, client, 0, d(t.off.Nudge), end, d(t.off.Nudge+7))
	}
}

// hadTurn reports whether m is or was client of a session other than s.
func (t *timeline) hadTurn(m *Member, s *Session) bool { return turnOf(t.st, m, s) != nil }

// endOfCycle: #15 the review a week after the last session and #16 the
// retention warning 15 days before free text is purged.
func (t *timeline) endOfCycle() {
	sch := t.scheduled()
	if len(sch) == 0 {
		return
	}
	last := sch[len(sch)-1]
	review := t.off.Review.At(last.Start, t.loc)
	purge := PurgeAt(t.st.Group, last)
	for _, m := range t.st.Peers() {
		t.add(KindReview, nil, m, 0, review, last.End(), review.AddDate(0, 1, 0))
		t.add(KindRetentionWarning, nil, m, 0, purge.AddDate(0, 0, -15), last.End(), purge)
	}
}

// PurgeAt is when a group's free text is deleted: RetentionMonths after its
// last session.
func PurgeAt(g *Group, last *Session) time.Time {
	return last.End().In(g.Location()).AddDate(0, g.Offsets.WithDefaults().RetentionMonths, 0)
}
