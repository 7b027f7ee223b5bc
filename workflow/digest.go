package workflow

import (
	"slices"
	"strconv"

	"github.com/codev-org/codev/templates"
)

// Question numbers that the domain reads (the wording lives in templates).
const (
	questionContract   = 7 // prepare: « Première formulation de votre demande au groupe »
	questionRegulation = 3 // learnings: « Régulation »; the client's plan asks it as 4
)

// regulation reports whether an answer is a regulation note.
func (a *Answer) regulation() bool {
	return (a.Kind == KindLearnings && a.Question == questionRegulation) ||
		(a.Kind == KindClientPlan && a.Question == questionRegulation+1)
}

// previous returns the scheduled session before s, or nil.
func (st *State) previous(s *Session) *Session {
	var prev *Session
	for _, o := range st.Scheduled() {
		if o.Number >= s.Number {
			break
		}
		prev = o
	}
	return prev
}

// digest gathers the animator's digest before session s (DOMAIN.md §2.1 #8),
// or nil when it would have nothing new to say.
func (s *Service) digest(st *State, sess *Session) *templates.Digest {
	if sess == nil {
		return nil
	}
	g := st.Group
	prev := st.previous(sess)
	d := &templates.Digest{Agenda: templates.Agenda(g.Language, sess.Start, g.Location(), templates.AgendaOptions{
		OpenRotation: g.Mode == ModeOpen,
		Followup:     prev != nil && st.Member(prev.ClientID) != nil,
	})}
	if c := st.Member(sess.ClientID); c != nil {
		d.Client = c.Name
		d.Preparation = s.answersTo(st, KindPrepare, sess.ID, c.ID)
		for _, a := range d.Preparation {
			if a.Number == questionContract {
				d.Contract = a.Text
			}
		}
	}
	if prev != nil {
		if pc := st.Member(prev.ClientID); pc != nil {
			d.PreviousClient = pc.Name
			d.PreviousPlan = s.answersTo(st, KindClientPlan, prev.ID, pc.ID)
			d.Followup = s.answersTo(st, KindFollowup, sess.ID, pc.ID)
		}
		for _, a := range st.Answers {
			if a.SessionID == prev.ID && a.regulation() {
				d.Regulation = append(d.Regulation, a.Text)
			}
		}
	}
	news := len(d.Preparation) + len(d.PreviousPlan) + len(d.Followup) + len(d.Regulation)
	// The digest goes to the animator: it lists the members' answers, not
	// their own.
	for _, m := range st.Peers() {
		status := RSVPNeedsAction
		if r := st.RSVP(sess.ID, m.ID); r != nil {
			status = r.PartStat
			news++
		}
		d.RSVPs = append(d.RSVPs, templates.RSVP{Name: m.Name, Status: rsvpWord(status)})
	}
	for _, o := range st.Scheduled() {
		if c := st.Member(o.ClientID); c != nil {
			d.Rotation = append(d.Rotation, templates.Turn{Number: o.Number, Name: c.Name, Done: o.Number < sess.Number})
		}
	}
	d.Unanswered = s.unanswered(st, sess)
	news += len(d.Unanswered)
	if news == 0 {
		return nil
	}
	return d
}

func rsvpWord(partstat string) string {
	switch partstat {
	case RSVPAccepted:
		return "accepted"
	case RSVPDeclined:
		return "declined"
	case RSVPTentative:
		return "tentative"
	}
	return "needs-action"
}

// asks are the kinds of message that ask for an answer. The list of
// proposed topics asks the animator to choose the client.
var asks = []Kind{KindWelcome, KindPrepare, KindFollowup, KindClientPlan, KindCallForTopics, KindNoticeTopics}

// unanswered lists the requests sent and not answered, by whom and since
// when: names, kinds and dates, never content. The animator's own choice
// of a client (open mode) is listed in the digest of that session only,
// while it is still to be made.
func (s *Service) unanswered(st *State, sess *Session) []string {
	var out []string
	g := st.Group
	for _, m := range st.Messages {
		if m.Status != MessageSent || !m.AnsweredAt.IsZero() || !slices.Contains(asks, m.Kind) {
			continue
		}
		who := st.Member(m.MemberID)
		if who == nil || !who.Active || (m.Kind == KindNoticeTopics && !choicePending(st, m, sess)) {
			continue
		}
		out = append(out, templates.PendingLine(g.Language, who.Name, templates.Kind(m.Kind),
			templates.FormatDate(g.Language, m.SentAt, g.Location())))
	}
	return out
}

// summary gathers the animator's summary after session s (#13), or nil when
// nobody answered.
func (s *Service) summary(st *State, sess *Session) *templates.SummaryData {
	if sess == nil {
		return nil
	}
	sm := &templates.SummaryData{}
	total, n := 0, 0
	responders := map[int64]bool{}
	for _, a := range st.Answers {
		if a.SessionID != sess.ID || (a.Kind != KindLearnings && a.Kind != KindClientPlan) {
			continue
		}
		responders[a.MemberID] = true
		switch {
		case a.Question == ratingQuestion(a.Kind):
			if r, err := strconv.Atoi(a.Text); err == nil {
				sm.Ratings = append(sm.Ratings, r)
				total += r
				n++
			}
		case a.regulation():
			sm.Regulation = append(sm.Regulation, a.Text)
		case a.Kind == KindLearnings:
			sm.Learnings = append(sm.Learnings, a.Text)
		}
	}
	if c := st.Member(sess.ClientID); c != nil {
		sm.Plan = s.answersTo(st, KindClientPlan, sess.ID, c.ID)
	}
	sm.Responses = len(responders)
	if sm.Responses == 0 {
		return nil
	}
	if n > 0 {
		sm.AverageRating = templates.FormatDecimal(st.Group.Language, float64(total)/float64(n), 1)
	}
	return sm
}

// history is a member's own record of the cycle, for the end-of-cycle review
// and their export.
func (s *Service) history(st *State, m *Member) []templates.HistoryItem {
	var out []templates.HistoryItem
	g := st.Group
	for _, ss := range st.Scheduled() {
		var items []templates.Answer
		for _, k := range []Kind{KindPrepare, KindFollowup, KindClientPlan, KindLearnings} {
			items = append(items, s.answersTo(st, k, ss.ID, m.ID)...)
		}
		if len(items) == 0 {
			continue
		}
		role := "consultant"
		if ss.ClientID == m.ID {
			role = "client"
		}
		out = append(out, templates.HistoryItem{
			Number: ss.Number, Date: templates.FormatDate(g.Language, ss.Start, g.Location()),
			Role: role, Items: items,
		})
	}
	return out
}

// choicePending reports whether a list of proposed topics still waits for
// the animator's choice before session sess: it is that session's list and
// the session has no active client.
func choicePending(st *State, m *Message, sess *Session) bool {
	if sess == nil || m.SessionID != sess.ID {
		return false
	}
	c := st.Member(sess.ClientID)
	return c == nil || !c.Active
}
