package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/codev-org/codev/templates"
)

// Compose renders a recorded message for its recipient: subject and bodies
// from templates, headers with tokens, and the calendar object of
// invitations. It is pure: preview and the send job call the same code.
func (s *Service) Compose(st *State, msg *Message, now time.Time) (*Email, error) {
	to := st.Member(msg.MemberID)
	if to == nil {
		return nil, Errorf(ENOTFOUND, "message %d: member %d not found", msg.ID, msg.MemberID)
	}
	sess := st.Session(msg.SessionID)
	data, err := s.templateData(st, msg, to, sess)
	if err != nil {
		return nil, err
	}
	r, err := s.templates.Render(templateKind(msg.Kind), *data)
	if err != nil {
		return nil, fmt.Errorf("error rendering %s: %w", msg.Kind, err)
	}
	token := s.signer.Sign(TokenReply, msg.ID)
	e := &Email{
		Kind:            msg.Kind,
		To:              Person{Name: to.Name, Email: to.Email},
		From:            Person{Name: "Codev " + st.Group.Name, Email: s.cfg.Mailbox.String()},
		ReplyTo:         s.cfg.Mailbox.Tagged(token),
		EnvelopeFrom:    s.cfg.Mailbox.Tagged(token),
		MessageID:       msg.MessageID,
		Date:            now,
		Subject:         r.Subject,
		Text:            r.Text,
		HTML:            r.HTML,
		Lang:            st.Group.Language,
		ListUnsubscribe: s.link("/u/", s.signer.Sign(TokenPreferences, to.ID)),
	}
	if orig := st.Message(MessageKey(remindedKind[msg.Kind], msg.SessionID, msg.MemberID, 0)); orig != nil && orig.MessageID != "" {
		e.InReplyTo = []string{orig.MessageID}
		e.References = []string{orig.MessageID}
	}
	if sess != nil && (msg.Kind == KindInvitation || msg.Kind == KindCancellation) {
		e.Invite = s.invite(st, sess, to, msg)
	}
	return e, nil
}

// templateKind names the template of a message kind: notices share one.
func templateKind(k Kind) templates.Kind {
	switch k {
	case KindNoticeBounce, KindNoticeDecline, KindNoticeHeld, KindNoticeTopics:
		return templates.AnimatorNotice
	}
	return templates.Kind(k)
}

// remindedKind maps a reminder to the ask it follows up, so it threads under
// it.
var remindedKind = map[Kind]Kind{
	KindCharterReminder:  KindWelcome,
	KindPrepareReminder:  KindPrepare,
	KindFollowupReminder: KindFollowup,
	KindPlanReminder:     KindClientPlan,
}

func (s *Service) link(path, token string) string {
	return s.cfg.BaseURL + path + token
}

// FeedURL is the address of a member's personal calendar feed.
func (s *Service) FeedURL(token string) string { return s.link("/cal/", token+".ics") }

func (s *Service) invite(st *State, sess *Session, to *Member, msg *Message) *Invite {
	inv := &Invite{
		Event:     SessionEvent(st.Group, sess),
		Method:    MethodRequest,
		Organizer: Person{Name: "Codev " + st.Group.Name, Email: s.cfg.Mailbox.String()},
		Attendees: []Person{{Name: to.Name, Email: to.Email}},
	}
	// A member removed from a session that goes on gets a CANCEL one above
	// the session's Sequence (timeline.go): the message says which.
	inv.Sequence = msg.Sequence
	if msg.Kind == KindCancellation {
		inv.Method = MethodCancel
	}
	return inv
}

// templateData gathers what a template shows. Names and dates only: answers
// reach the animator's digest and summary and the member's own review, never
// another member's email.
func (s *Service) templateData(st *State, msg *Message, to *Member, sess *Session) (*templates.Data, error) {
	g := st.Group
	loc := g.Location()
	lang := g.Language
	animator := st.Animator()
	d := &templates.Data{
		Lang: lang,
		Group: templates.Group{
			Name: g.Name, VideoURL: g.Visio,
			Members: len(st.Peers()), Sessions: len(st.Scheduled()),
			RetentionMonths: g.Offsets.WithDefaults().RetentionMonths,
			OpenRotation:    g.Mode == ModeOpen,
		},
		Recipient:           templates.Person{Name: to.Name, Email: to.Email},
		RecipientIsAnimator: to.Role == RoleAnimator,
		Links: templates.Links{
			Feed:        s.FeedURL(to.FeedToken),
			FeedWebcal:  "webcal://" + strings.TrimPrefix(strings.TrimPrefix(s.FeedURL(to.FeedToken), "https://"), "http://"),
			Preferences: s.link("/p/", s.signer.Sign(TokenPreferences, to.ID)),
			Unsubscribe: s.link("/u/", s.signer.Sign(TokenPreferences, to.ID)),
			Export:      s.link("/p/", s.signer.Sign(TokenPreferences, to.ID)) + "/export",
		},
	}
	if animator != nil {
		d.Group.AnimatorName, d.Group.AnimatorEmail = animator.Name, animator.Email
	}
	for _, ss := range st.Scheduled() {
		d.Sessions = append(d.Sessions, s.sessionView(st, ss))
	}
	if sess != nil {
		d.Session = s.sessionView(st, sess)
		d.RecipientIsClient = sess.ClientID == to.ID && d.Session.Client != ""
		if msg.Kind == KindInvitation && msg.Sequence > 0 {
			// An update says what changed: the old and the new date when
			// the session moved, else only that the invitation changed.
			d.Session.Rescheduled = !sess.MovedFrom.IsZero()
			d.Session.Updated = !d.Session.Rescheduled
			if d.Session.Rescheduled {
				d.Session.PreviousWhen = templates.FormatDateTime(lang, sess.MovedFrom, loc)
			}
		}
		d.Deadline = templates.FormatDate(lang, Days(-7).At(sess.Start, loc), loc)
		if prev := st.previous(sess); prev != nil {
			d.Previous = s.sessionView(st, prev)
		}
	}
	switch msg.Kind {
	case KindDigest:
		dg := s.digest(st, sess)
		if dg == nil {
			return nil, ErrNothingToSend
		}
		d.Digest = dg
	case KindSummary:
		sm := s.summary(st, sess)
		if sm == nil {
			return nil, ErrNothingToSend
		}
		d.Summary = sm
	case KindReview:
		d.History = s.history(st, to)
	case KindNoticeBounce, KindNoticeDecline, KindNoticeHeld:
		if msg.Kind == KindNoticeDecline && int64(msg.Sequence) == to.ID {
			// The animator declined their own session: they know.
			return nil, ErrNothingToSend
		}
		d.Notice = s.noticeData(st, msg, sess)
	case KindNoticeTopics:
		if d.Notice = s.topicsNotice(st, sess); d.Notice == nil {
			return nil, ErrNothingToSend
		}
	case KindRetentionWarning:
		if sch := st.Scheduled(); len(sch) > 0 {
			d.PurgeDate = templates.FormatDate(lang, PurgeAt(g, sch[len(sch)-1]), loc)
		}
	}
	return d, nil
}

func (s *Service) sessionView(st *State, ss *Session) templates.Session {
	g := st.Group
	v := templates.Session{
		Number:    ss.Number,
		Count:     len(st.Sessions),
		When:      templates.FormatDateTime(g.Language, ss.Start, g.Location()),
		Date:      templates.FormatDate(g.Language, ss.Start, g.Location()),
		Duration:  templates.FormatDuration(g.Language, ss.Duration),
		Cancelled: ss.Cancelled(),
	}
	if c := st.Member(ss.ClientID); c != nil && c.Active {
		v.Client = c.Name
	}
	return v
}

// answersTo returns the answers a member gave to one kind of request about a
// session, with the question texts, in question order.
func (s *Service) answersTo(st *State, kind Kind, sessionID, memberID int64) []templates.Answer {
	qs := templates.Questions(templates.Kind(kind), st.Group.Language)
	var out []templates.Answer
	for _, a := range st.Answers {
		if a.Kind != kind || a.SessionID != sessionID || a.MemberID != memberID {
			continue
		}
		ans := templates.Answer{Number: a.Question, Text: a.Text}
		if i := slices.IndexFunc(qs, func(q templates.Question) bool { return q.Number == a.Question }); i >= 0 {
			ans.Question = qs[i].Text
		}
		out = append(out, ans)
	}
	slices.SortFunc(out, func(a, b templates.Answer) int { return a.Number - b.Number })
	return out
}

// noticeData describes the event a notice is about: who and what, never
// content.
func (s *Service) noticeData(st *State, msg *Message, sess *Session) *templates.Notice {
	n := &templates.Notice{Reason: msg.Reason}
	subject := st.Member(int64(msg.Sequence))
	switch msg.Kind {
	case KindNoticeBounce:
		// A bounce notice needs no reason: it names the member and the
		// address that no longer receives mail.
		n.Type, n.Reason = "bounce", ""
		if subject != nil {
			n.Member, n.Address = subject.Name, subject.Email
		}
	case KindNoticeHeld:
		n.Type = "held"
	case KindNoticeDecline:
		n.Type = "decline"
		if subject != nil {
			n.Member = subject.Name
			if sess != nil && sess.ClientID == subject.ID {
				n.Type = "client_decline"
				if next := s.swapCandidate(st, sess); next != nil {
					n.SwapWith = next.Name
				}
			}
		}
	}
	return n
}

// swapCandidate is the client of the next session who has not declined
// session sess: the member codev proposes to swap with when sess's client
// cannot come.
func (s *Service) swapCandidate(st *State, sess *Session) *Member {
	for _, o := range st.Scheduled() {
		if o.Number <= sess.Number || o.ClientID == 0 {
			continue
		}
		if r := st.RSVP(sess.ID, o.ClientID); r != nil && r.PartStat == RSVPDeclined {
			continue
		}
		if m := st.Member(o.ClientID); m != nil && m.Active {
			return m
		}
	}
	return nil
}
