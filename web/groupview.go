package web

import (
	"context"
	"strings"

	"github.com/codev-org/codev/workflow"
)

// groupView is what the group page shows: its sessions with client, RSVPs
// and questionnaires, held messages and members.
type groupView struct {
	Group        *workflow.Group
	FeedURL      string
	Members      []memberRow
	Participants []memberRow // active members and animator: the choices of the forms
	Sessions     []sessionRow
	Charter      requestBlock // group-wide asks: the welcome and its charter
	Held         []heldRow
}

type memberRow struct {
	ID                                int64
	Name, Email                       string
	Animator, Active, Paused, Bounced bool
}

type sessionRow struct {
	Number     int
	When       string
	Duration   string
	StartInput string // the start for <input type=datetime-local>, in the group's zone
	Client     string
	Cancelled  bool
	Past       bool
	Editable   bool // scheduled and in the future: the actions apply
	Sequence   int
	RSVPs      []rsvpRow
	Accepted   int
	Requests   requestBlock
	Others     []otherSession // the sessions the client can be swapped with
}

type otherSession struct {
	Number int
	Client string
}

type rsvpRow struct {
	Name   string
	Status string // accepted, declined, tentative, none
}

// requestBlock carries the page language into the "requests" template.
type requestBlock struct {
	Lang string
	Rows []requestRow
}

type requestRow struct {
	Member  string
	Kind    string
	Status  string // pending, sending, sent, reminded, answered, failed, skipped
	Answers []answerRow
}

type answerRow struct {
	Number   int
	Question string
	Text     string
}

// heldRow shows a held message by its envelope only: sender, date and
// reason, never its content.
type heldRow struct {
	ID       int64
	Sender   string
	Received string
	Reason   string
}

func (u *ui) groupView(ctx context.Context, st *workflow.State) (*groupView, error) {
	g := st.Group
	held, err := u.groups.Held(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	v := &groupView{Group: g, FeedURL: u.groups.FeedURL(g.FeedToken), Held: heldRows(g, held),
		Charter: requestBlock{Lang: g.Language}}
	for _, m := range st.Members {
		if m.Erased() {
			continue
		}
		row := memberRow{ID: m.ID, Name: m.Name, Email: m.Email, Animator: m.Role == workflow.RoleAnimator,
			Active: m.Active, Paused: m.Paused, Bounced: m.Bounced}
		v.Members = append(v.Members, row)
		if m.Active {
			v.Participants = append(v.Participants, row)
		}
	}
	bySession := map[int64][]requestRow{}
	for _, rq := range u.groups.Requests(st) {
		row := requestRow{Kind: workflow.KindLabel(rq.Message.Kind, g.Language), Status: requestStatus(rq)}
		if m := st.Member(rq.Message.MemberID); m != nil {
			row.Member = m.Name
		}
		for _, a := range rq.Answers {
			if strings.TrimSpace(a.Text) != "" {
				row.Answers = append(row.Answers, answerRow{Number: a.Number, Question: a.Question, Text: a.Text})
			}
		}
		bySession[rq.Message.SessionID] = append(bySession[rq.Message.SessionID], row)
	}
	v.Charter.Rows = bySession[0]
	for _, ss := range st.Sessions {
		v.Sessions = append(v.Sessions, u.sessionRow(st, ss, bySession[ss.ID]))
	}
	return v, nil
}

func (u *ui) sessionRow(st *workflow.State, ss *workflow.Session, reqs []requestRow) sessionRow {
	g, now := st.Group, u.groups.Now()
	row := sessionRow{
		Number: ss.Number, When: workflow.FormatWhen(g, ss.Start), Duration: ss.Duration.String(),
		StartInput: ss.Start.In(g.Location()).Format("2006-01-02T15:04"),
		Cancelled:  ss.Cancelled(), Past: !ss.Start.After(now), Sequence: ss.Sequence,
		Requests: requestBlock{Lang: g.Language, Rows: reqs},
	}
	row.Editable = !row.Cancelled && !row.Past
	row.Client = clientName(st, ss)
	for _, m := range st.Participants() {
		status := "none"
		if r := st.RSVP(ss.ID, m.ID); r != nil {
			switch r.PartStat {
			case workflow.RSVPAccepted:
				status = "accepted"
				row.Accepted++
			case workflow.RSVPDeclined:
				status = "declined"
			case workflow.RSVPTentative:
				status = "tentative"
			}
		}
		row.RSVPs = append(row.RSVPs, rsvpRow{Name: m.Name, Status: status})
	}
	for _, o := range st.Scheduled() {
		if o.Number != ss.Number && o.Start.After(now) {
			row.Others = append(row.Others, otherSession{Number: o.Number, Client: clientName(st, o)})
		}
	}
	return row
}

func clientName(st *workflow.State, ss *workflow.Session) string {
	if c := st.Member(ss.ClientID); c != nil && c.Active {
		return c.Name
	}
	return ""
}

// requestStatus is where an ask stands: answered, else reminded, else the
// status of its email.
func requestStatus(rq workflow.Request) string {
	switch {
	case rq.Answered:
		return "answered"
	case rq.Reminded:
		return "reminded"
	}
	return rq.Message.Status
}

func heldRows(g *workflow.Group, held []*workflow.Inbound) []heldRow {
	rows := make([]heldRow, 0, len(held))
	for _, in := range held {
		sender := in.Sender
		if sender == "" {
			sender = "?"
		}
		rows = append(rows, heldRow{ID: in.ID, Sender: sender, Received: workflow.FormatWhen(g, in.ReceivedAt), Reason: workflow.ReasonText(in.Reason, g.Language)})
	}
	return rows
}
