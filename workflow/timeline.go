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
	for _, c := range candidates(st) {
		if c.dueAt.After(now) || st.Message(c.key()) != nil {
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
	for _, c := range candidates(st) {
		if c.dueAt.After(now) && (next.IsZero() || c.dueAt.Before(next)) && st.Message(c.key()) == nil {
			next = c.dueAt
		}
	}
	return next
}

// candidates lists every message the group's state calls for, sent or not.
func candidates(st *State) []candidate {
	t := timeline{st: st, loc: st.Group.Location(), off: st.Group.Offsets.WithDefaults()}
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
	return t.out
}

type timeline struct {
	st  *State
	loc *time.Location
	off Offsets
	out []candidate
}

func (t *timeline) add(kind Kind, s *Session, m *Member, seq int, due, notAfter time.Time) {
	if m == nil || (!essential[kind] && m.Paused) {
		return
	}
	t.out = append(t.out, candidate{kind: kind, session: s, member: m, seq: seq, dueAt: due, notAfter: notAfter})
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

// welcome: #1 at cycle start, and the single charter reminder.
func (t *timeline) welcome() {
	end := t.cycleEnd()
	for _, m := range t.st.Peers() {
		t.add(KindWelcome, nil, m, 0, t.st.Group.CreatedAt, end)
		if w := t.sent(KindWelcome, nil, m); w != nil && w.AnsweredAt.IsZero() {
			first := t.scheduled()
			if len(first) > 0 {
				t.add(KindCharterReminder, nil, m, 0, t.off.CharterReminder.At(w.SentAt, t.loc), first[0].Start)
			}
		}
	}
}

// invitations: #2, one REQUEST per participant and session at the session's
// current SEQUENCE, and a CANCEL to whoever was invited to a session that is
// cancelled or that they no longer belong to.
func (t *timeline) invitations() {
	for _, s := range t.st.Sessions {
		for _, m := range t.st.Members {
			invited := t.invitedAny(s, m)
			switch {
			case !s.Cancelled() && m.Active:
				t.add(KindInvitation, s, m, s.Sequence, t.st.Group.CreatedAt, s.Start)
			case invited && !t.cancelledBefore(s, m):
				// A cancelled session already carries a raised SEQUENCE; a
				// member removed from a session that goes on gets a CANCEL
				// one above the REQUEST they hold.
				seq := s.Sequence
				if !s.Cancelled() {
					seq++
				}
				t.add(KindCancellation, s, m, seq, t.st.Group.CreatedAt, s.Start)
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

// session: #4 to #14 around one session.
func (t *timeline) session(s, prev *Session) {
	st := t.st
	d := func(days Days) time.Time { return days.At(s.Start, t.loc) }
	end := s.End()
	client := st.Member(s.ClientID)
	if client != nil && !client.Active {
		client = nil
	}
	animator := st.Animator()

	if st.Group.Mode == ModeOpen {
		for _, m := range st.Peers() {
			if !t.hadTurn(m, s) {
				t.add(KindCallForTopics, s, m, 0, d(t.off.CallForTopics), d(t.off.Followup))
			}
		}
		// The proposals go to the animator, who chooses by reply while
		// the client can still prepare (openmode.go).
		if client == nil {
			t.add(KindNoticeTopics, s, animator, 0, d(t.off.CallForTopics+topicChoiceDelay), d(t.off.Digest))
		}
	}
	if client != nil {
		due := d(t.off.Prepare)
		if prev != nil && prev.End().After(due) {
			due = prev.End().Add(time.Hour)
		}
		t.add(KindPrepare, s, client, 0, due, d(t.off.Digest))
		if p := t.sent(KindPrepare, s, client); p != nil && p.AnsweredAt.IsZero() {
			due := d(t.off.PrepareReminder)
			if earliest := p.SentAt.Add(48 * time.Hour); earliest.After(due) {
				due = earliest
			}
			t.add(KindPrepareReminder, s, client, 0, due, d(t.off.Followup))
		}
	}
	if prev != nil && prev.ClientID != 0 {
		t.add(KindFollowup, s, st.Member(prev.ClientID), 0, d(t.off.Followup), s.Start)
	}
	t.add(KindDigest, s, animator, 0, d(t.off.Digest), s.Start)
	for _, m := range st.Participants() {
		if r := st.RSVP(s.ID, m.ID); r != nil && r.PartStat == RSVPDeclined {
			continue
		}
		t.add(KindSessionReminder, s, m, 0, d(t.off.SessionReminder), s.Start)
	}
	after := end.Add(time.Hour)
	week := Days(7).At(s.Start, t.loc)
	for _, m := range st.Peers() {
		if client != nil && m.ID == client.ID {
			t.add(KindClientPlan, s, m, 0, after, week)
			if p := t.sent(KindClientPlan, s, m); p != nil && p.AnsweredAt.IsZero() {
				t.add(KindPlanReminder, s, m, 0, d(t.off.PlanReminder), week)
			}
			continue
		}
		t.add(KindLearnings, s, m, 0, after, week)
	}
	t.add(KindSummary, s, animator, 0, d(t.off.Summary), week)
	if st.Group.Offsets.NudgeEnabled && client != nil {
		t.add(KindNudge, s, client, 0, d(t.off.Nudge), d(t.off.Nudge+7))
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
		t.add(KindReview, nil, m, 0, review, review.AddDate(0, 1, 0))
		t.add(KindRetentionWarning, nil, m, 0, purge.AddDate(0, 0, -15), purge)
	}
}

// PurgeAt is when a group's free text is deleted: RetentionMonths after its
// last session.
func PurgeAt(g *Group, last *Session) time.Time {
	return last.End().In(g.Location()).AddDate(0, g.Offsets.WithDefaults().RetentionMonths, 0)
}
