package devpage

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/codev-org/codev/workflow"
)

// groupView is a group on the overview.
type groupView struct {
	Name, Language, Timezone string
	FeedURL                  string
	Sessions                 []sessionView
	People                   []personView
}

type sessionView struct {
	Number    int
	When      string
	Client    string
	Cancelled bool
}

type personView struct {
	Name, Email, Role string
	Inbox             string // path of the inbox page
	Messages          int
	Digests           int
}

// inboxView is one participant's mailbox, with one message open.
type inboxView struct {
	Person   personView
	Group    string
	Messages []itemView
	Open     *openView
}

type itemView struct {
	N                   int
	Subject, Date, Kind string
	Status              string // "answered", the RSVP recorded, or ""
	Link                string
	Selected            bool
}

// openView is the open message.
type openView struct {
	N                                int
	Subject, From, To, ReplyTo, Date string
	Kind, Status                     string
	Text                             string
	HTML                             string // escaped into the frame's srcdoc
	Invite                           *inviteView
	ReplyPath, RSVPPath              string
}

type inviteView struct {
	Method, Summary, Day, Time, Link string
	Sequence                         int
}

func (p *Page) overview(r *http.Request, v *view, states []*workflow.State) error {
	for _, st := range states {
		g := st.Group
		loc := g.Location()
		gv := &groupView{Name: g.Name, Language: g.Language, Timezone: g.Timezone,
			FeedURL: p.cfg.BaseURL + "/cal/" + g.FeedToken + ".ics"}
		for _, s := range st.Sessions {
			sv := sessionView{Number: s.Number, When: formatTime(s.Start, loc), Cancelled: s.Cancelled()}
			if c := st.Member(s.ClientID); c != nil {
				sv.Client = c.Name
			}
			gv.Sessions = append(gv.Sessions, sv)
		}
		for _, m := range st.Participants() {
			gv.People = append(gv.People, p.person(st, m))
		}
		v.Groups = append(v.Groups, gv)
	}
	return nil
}

func (p *Page) person(st *workflow.State, m *workflow.Member) personView {
	pv := personView{Name: m.Name, Email: m.Email, Role: m.Role, Inbox: "/inbox/" + url.PathEscape(m.Email)}
	box := p.cfg.Mail.Mailbox(m.Email)
	pv.Messages = len(box)
	for _, raw := range box {
		if e, err := parseEmail(raw); err == nil {
			if msg := byMessageID(st, e.MessageID); msg != nil && msg.Kind == workflow.KindDigest {
				pv.Digests++
			}
		}
	}
	return pv
}

// byMessageID finds the recorded message an email is.
func byMessageID(st *workflow.State, id string) *workflow.Message {
	if id == "" {
		return nil
	}
	for _, m := range st.Messages {
		if m.MessageID == id {
			return m
		}
	}
	return nil
}

// status says what codev recorded of the participant's answer to msg.
func status(st *workflow.State, msg *workflow.Message) string {
	switch {
	case msg == nil:
		return ""
	case msg.Kind == workflow.KindInvitation:
		if r := st.RSVP(msg.SessionID, msg.MemberID); r != nil {
			return "RSVP recorded: " + strings.ToLower(r.PartStat)
		}
	case !msg.AnsweredAt.IsZero():
		return "answered"
	}
	return ""
}

func (p *Page) inbox(r *http.Request, v *view, states []*workflow.State) error {
	addr := r.PathValue("addr")
	m, st := member(states, addr)
	if m == nil {
		return fmt.Errorf("%s is not a participant: %w", addr, errNotFound)
	}
	loc := st.Group.Location()
	in := &inboxView{Person: p.person(st, m), Group: st.Group.Name}
	box := p.cfg.Mail.Mailbox(m.Email)
	open, _ := strconv.Atoi(r.URL.Query().Get("m"))
	if open < 1 || open > len(box) {
		open = len(box)
	}
	for i := len(box); i >= 1; i-- {
		e, err := parseEmail(box[i-1])
		if err != nil {
			continue
		}
		msg := byMessageID(st, e.MessageID)
		item := itemView{N: i, Subject: e.Subject, Date: formatTime(e.Date, loc), Status: status(st, msg),
			Link: in.Person.Inbox + "?m=" + strconv.Itoa(i), Selected: i == open}
		if msg != nil {
			item.Kind = string(msg.Kind)
		}
		in.Messages = append(in.Messages, item)
		if i == open {
			in.Open = openMessage(e, item, in.Person.Inbox, loc)
		}
	}
	v.Inbox = in
	return nil
}

func openMessage(e *email, item itemView, inbox string, loc *time.Location) *openView {
	o := &openView{N: item.N, Subject: e.Subject, From: addresses(e.From), To: addresses(e.To),
		ReplyTo: addresses(e.ReplyTo), Date: item.Date, Kind: item.Kind, Status: item.Status,
		Text: e.Text, HTML: e.HTML,
		ReplyPath: fmt.Sprintf("%s/%d/reply", inbox, item.N), RSVPPath: fmt.Sprintf("%s/%d/rsvp", inbox, item.N)}
	if inv := e.Invite; inv != nil {
		start, end := inv.Start.In(loc), inv.End.In(loc)
		o.Invite = &inviteView{Method: inv.Method, Summary: inv.Summary, Sequence: inv.Sequence, Link: inv.link(),
			Day: start.Format("Monday 2 January 2006"), Time: start.Format("15:04") + "–" + end.Format("15:04 MST")}
	}
	return o
}

func addresses(list []*mail.Address) string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.String()
	}
	return strings.Join(out, ", ")
}

// reply sends the participant's answer to the open message's Reply-To.
func (p *Page) reply(w http.ResponseWriter, r *http.Request) {
	p.act(w, r, "reply", func(m *workflow.Member, st *workflow.State, e *email) (string, []byte, error) {
		body := strings.TrimSpace(r.FormValue("body"))
		if body == "" {
			return "", nil, errEmpty
		}
		return composeReply(m, st.Group.Language, st.Group.Location(), e, body, p.cfg.Clock.Now())
	})
}

// rsvp answers the open invitation from the participant's calendar.
func (p *Page) rsvp(w http.ResponseWriter, r *http.Request) {
	p.act(w, r, "rsvp", func(m *workflow.Member, st *workflow.State, e *email) (string, []byte, error) {
		partstat := r.FormValue("partstat")
		if e.Invite == nil || e.Invite.Method != "REQUEST" || (partstat != partAccepted && partstat != partDeclined) {
			return "", nil, errEmpty
		}
		return composeRSVP(m, st.Group.Language, e.Invite, partstat, p.cfg.Clock.Now())
	})
}

var errEmpty = errors.New("devpage: nothing to send")

// act composes a message as the participant and sends it through SMTP.
func (p *Page) act(w http.ResponseWriter, r *http.Request, what string, compose func(*workflow.Member, *workflow.State, *email) (string, []byte, error)) {
	ctx := r.Context()
	states, err := p.cfg.Service.Groups(ctx)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	m, st := member(states, r.PathValue("addr"))
	if m == nil {
		http.NotFound(w, r)
		return
	}
	e, n, err := p.message(m.Email, r.PathValue("n"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	to, raw, err := compose(m, st, e)
	if errors.Is(err, errEmpty) {
		http.Error(w, "nothing to send: write an answer, or answer an invitation with ACCEPTED or DECLINED", http.StatusBadRequest)
		return
	} else if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.cfg.Mail.Send(ctx, m.Email, []string{to}, raw); err != nil {
		p.fail(w, r, err)
		return
	}
	p.log.InfoContext(ctx, "devpage: Sent as a participant", slog.String("what", what), slog.Int64("member_id", m.ID))
	redirect(w, r, "/inbox/"+url.PathEscape(m.Email)+"?m="+strconv.Itoa(n), what)
}
