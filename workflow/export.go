package workflow

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// GroupExport is everything codev holds about a group, for its operators
// (`codev export --group`). It holds free text: handle it as the group's
// answers are handled.
type GroupExport struct {
	Group    ExportedGroup     `json:"group"`
	Members  []ExportedMember  `json:"members"`
	Sessions []ExportedSession `json:"sessions"`
	Requests []ExportedRequest `json:"requests"`
	Answers  []ExportedAnswer  `json:"answers"`
}

// MemberExport is one person's own data (DOMAIN.md §2.1 #15 and #16): per
// group, the sessions they are client of, the messages sent to them, their
// answers and their RSVPs. It names no other participant.
type MemberExport struct {
	Email  string              `json:"email"`
	Groups []MemberGroupExport `json:"groups"`
}

// MemberGroupExport is a person's data in one group.
type MemberGroupExport struct {
	Group    ExportedGroup     `json:"group"`
	Member   ExportedMember    `json:"member"`
	Sessions []ExportedSession `json:"sessions"` // as client; rsvps holds only theirs
	RSVPs    []ExportedRSVP    `json:"rsvps"`
	Requests []ExportedRequest `json:"requests"`
	Answers  []ExportedAnswer  `json:"answers"`
}

// ExportedGroup is a group's identity in an export.
type ExportedGroup struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Timezone string `json:"timezone"`
}

// ExportedMember is a participant in an export.
type ExportedMember struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Role    string `json:"role"`
	Active  bool   `json:"active"`
	Paused  bool   `json:"paused"`
	Bounced bool   `json:"bounced"`
}

// ExportedSession is a session in an export. Start is RFC 3339 in the
// group's zone; RSVPs maps addresses to iTIP PARTSTAT.
type ExportedSession struct {
	Number      int               `json:"number"`
	Start       string            `json:"start"`
	ClientEmail string            `json:"client_email,omitempty"`
	Status      string            `json:"status"`
	Sequence    int               `json:"sequence"`
	RSVPs       map[string]string `json:"rsvps"`
}

// ExportedRSVP is one answer to a session's invitation.
type ExportedRSVP struct {
	SessionNumber int    `json:"session_number"`
	PartStat      string `json:"partstat"`
}

// ExportedRequest is a recorded outgoing message. Times are RFC 3339 in the
// group's zone; unset ones are left out.
type ExportedRequest struct {
	ID            int64  `json:"id"`
	Kind          Kind   `json:"kind"`
	SessionNumber int    `json:"session_number,omitempty"`
	MemberEmail   string `json:"member_email"`
	Status        string `json:"status"`
	DueAt         string `json:"due_at"`
	SentAt        string `json:"sent_at,omitempty"`
	AnsweredAt    string `json:"answered_at,omitempty"`
}

// ExportedAnswer is one answer to one question of a request.
type ExportedAnswer struct {
	RequestID      int64  `json:"request_id"`
	MemberEmail    string `json:"member_email"`
	Kind           Kind   `json:"kind"`
	SessionNumber  int    `json:"session_number,omitempty"`
	QuestionNumber int    `json:"question_number"`
	Text           string `json:"text"`
	Shared         bool   `json:"shared"`
}

// ExportGroup returns everything about a group. Errors: ENOTFOUND.
func (s *Service) ExportGroup(ctx context.Context, name string) (*GroupExport, error) {
	st, err := s.GroupByName(ctx, name)
	if err != nil {
		return nil, err
	}
	x := exporter{st: st}
	out := &GroupExport{Group: x.group(), Members: []ExportedMember{}, Sessions: []ExportedSession{},
		Requests: []ExportedRequest{}, Answers: []ExportedAnswer{}}
	for _, m := range st.Members {
		out.Members = append(out.Members, x.member(m))
	}
	for _, ss := range st.Sessions {
		out.Sessions = append(out.Sessions, x.session(ss, func(*RSVP) bool { return true }))
	}
	for _, msg := range st.Messages {
		out.Requests = append(out.Requests, x.request(msg))
	}
	for _, a := range x.answers(func(*Answer) bool { return true }) {
		out.Answers = append(out.Answers, x.answer(a))
	}
	return out, nil
}

// ExportMember returns a person's own data in every group they are in.
// Errors: ENOTFOUND for an address no group knows.
func (s *Service) ExportMember(ctx context.Context, email string) (*MemberExport, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	out := &MemberExport{Email: email, Groups: []MemberGroupExport{}}
	err := s.store.InTx(ctx, func(tx Tx) error {
		members, err := tx.MembersByEmail(ctx, email)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			return Errorf(ENOTFOUND, "no group has a participant with the address %q", email)
		}
		out.Groups = out.Groups[:0]
		for _, m := range members {
			st, err := LoadState(ctx, tx, m.GroupID)
			if err != nil {
				return err
			}
			out.Groups = append(out.Groups, memberExport(st, m.ID))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExportMemberByID returns one member row's own data: what the link in
// their emails (/p/TOKEN/export) downloads. Errors: ENOTFOUND.
func (s *Service) ExportMemberByID(ctx context.Context, memberID int64) (*MemberExport, error) {
	var out *MemberExport
	err := s.store.InTx(ctx, func(tx Tx) error {
		m, err := tx.Member(ctx, memberID)
		if err == nil && m.Erased() {
			err = Errorf(ENOTFOUND, "member %d not found", memberID)
		}
		if err != nil {
			return err
		}
		st, err := LoadState(ctx, tx, m.GroupID)
		if err != nil {
			return err
		}
		out = &MemberExport{Email: m.Email, Groups: []MemberGroupExport{memberExport(st, m.ID)}}
		return nil
	})
	return out, err
}

func memberExport(st *State, memberID int64) MemberGroupExport {
	x := exporter{st: st}
	m := st.Member(memberID)
	own := func(r *RSVP) bool { return r.MemberID == memberID }
	out := MemberGroupExport{Group: x.group(), Member: x.member(m), Sessions: []ExportedSession{},
		RSVPs: []ExportedRSVP{}, Requests: []ExportedRequest{}, Answers: []ExportedAnswer{}}
	for _, ss := range st.Sessions {
		if ss.ClientID == memberID {
			out.Sessions = append(out.Sessions, x.session(ss, own))
		}
		if r := st.RSVP(ss.ID, memberID); r != nil {
			out.RSVPs = append(out.RSVPs, ExportedRSVP{SessionNumber: ss.Number, PartStat: r.PartStat})
		}
	}
	for _, msg := range st.Messages {
		if msg.MemberID == memberID {
			out.Requests = append(out.Requests, x.request(msg))
		}
	}
	for _, a := range x.answers(func(a *Answer) bool { return a.MemberID == memberID }) {
		out.Answers = append(out.Answers, x.answer(a))
	}
	return out
}

// exporter turns a state's rows into export values.
type exporter struct{ st *State }

func (x exporter) group() ExportedGroup {
	g := x.st.Group
	return ExportedGroup{Name: g.Name, Language: g.Language, Timezone: g.Timezone}
}

func (x exporter) member(m *Member) ExportedMember {
	return ExportedMember{Name: m.Name, Email: m.Email, Role: m.Role, Active: m.Active, Paused: m.Paused, Bounced: m.Bounced}
}

func (x exporter) email(id int64) string {
	if m := x.st.Member(id); m != nil {
		return m.Email
	}
	return ""
}

func (x exporter) number(sessionID int64) int {
	if ss := x.st.Session(sessionID); ss != nil {
		return ss.Number
	}
	return 0
}

func (x exporter) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(x.st.Group.Location()).Format(time.RFC3339)
}

func (x exporter) session(ss *Session, keep func(*RSVP) bool) ExportedSession {
	out := ExportedSession{Number: ss.Number, Start: x.time(ss.Start), ClientEmail: x.email(ss.ClientID),
		Status: ss.Status, Sequence: ss.Sequence, RSVPs: map[string]string{}}
	for _, r := range x.st.RSVPs {
		if r.SessionID == ss.ID && keep(r) {
			out.RSVPs[x.email(r.MemberID)] = r.PartStat
		}
	}
	return out
}

func (x exporter) request(msg *Message) ExportedRequest {
	return ExportedRequest{ID: msg.ID, Kind: msg.Kind, SessionNumber: x.number(msg.SessionID),
		MemberEmail: x.email(msg.MemberID), Status: msg.Status, DueAt: x.time(msg.DueAt),
		SentAt: x.time(msg.SentAt), AnsweredAt: x.time(msg.AnsweredAt)}
}

// answers returns the kept answers ordered by request, then question.
func (x exporter) answers(keep func(*Answer) bool) []*Answer {
	var out []*Answer
	for _, a := range x.st.Answers {
		if keep(a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b *Answer) int {
		return cmp.Or(cmp.Compare(a.RequestID, b.RequestID), cmp.Compare(a.Question, b.Question))
	})
	return out
}

func (x exporter) answer(a *Answer) ExportedAnswer {
	return ExportedAnswer{RequestID: a.RequestID, MemberEmail: x.email(a.MemberID), Kind: a.Kind,
		SessionNumber: x.number(a.SessionID), QuestionNumber: a.Question, Text: a.Text, Shared: a.Shared}
}
