package workflow

// Requests: the messages that ask their recipient something, and where each
// one stands, for the animator's pages.

import "github.com/codev-org/codev/templates"

// Asks reports whether a kind of message asks its recipient something they
// answer by replying: the welcome (the charter) and every questionnaire.
// Reminders are not asks: answers to them are filed under the ask.
func Asks(k Kind) bool {
	if _, ok := remindedKind[k]; ok {
		return false
	}
	return k == KindWelcome || len(templates.Questions(templates.Kind(k), LangFR)) > 0
}

// Request is where one ask stands, for the animator's pages.
type Request struct {
	Message  *Message
	Reminded bool // a reminder of it was sent
	Answered bool
	Answers  []templates.Answer // with the question texts, in order
}

// Requests lists the asks sent (or due) in a group with their reminders and
// answers, in the order they were recorded. The animator sees every answer
// of their group (DOMAIN.md §3 rule 1: 3P text goes to the animator).
func (s *Service) Requests(st *State) []Request {
	reminderOf := map[Kind]Kind{}
	for r, k := range remindedKind {
		reminderOf[k] = r
	}
	var out []Request
	for _, m := range st.Messages {
		if !Asks(m.Kind) {
			continue
		}
		r := Request{Message: m, Answered: !m.AnsweredAt.IsZero()}
		if rk, ok := reminderOf[m.Kind]; ok {
			rm := st.Message(MessageKey(rk, m.SessionID, m.MemberID, 0))
			r.Reminded = rm != nil && rm.Status == MessageSent
		}
		r.Answers = s.answersTo(st, m.Kind, m.SessionID, m.MemberID)
		r.Answered = r.Answered || len(r.Answers) > 0
		out = append(out, r)
	}
	return out
}
