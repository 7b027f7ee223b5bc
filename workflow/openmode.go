package workflow

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/codev-org/codev/templates"
)

// Open rotation mode (DOMAIN.md §1.6, §2.1 #5): before each session the
// members who have not had their turn get a call for topics (D−14) and
// answer with a one-line title (question 1) and whether it may be shared
// with the group (question 2). Four days later (D−10) the animator gets the
// proposals, numbered, and chooses the client by replying with a number or
// a name; the chosen member is then asked to prepare at once.

// KindNoticeTopics is the animator's list of the topics proposed for a
// session, sent when the session has no client yet. Unlike the other
// notices it comes from the timeline (Sequence 0) and waits for an answer:
// the animator's choice.
const KindNoticeTopics Kind = "notice_topics"

// topicChoiceDelay is how long after the call for topics the animator gets
// the proposals: D−10 with the default call at D−14. It follows the call
// when a group file moves it rather than having an offset of its own.
const topicChoiceDelay Days = 4

// Questions of the call for topics (the wording lives in templates): the
// title, and the yes/no question whether it may be shared (consent.go).
const (
	questionTopicTitle   = 1
	questionTopicConsent = 2
)

// proposal is one member's answer to a session's call for topics.
type proposal struct {
	number int // what the animator replies to choose it
	member *Member
	title  string
	shared bool  // the author answered an explicit yes to the consent question
	first  int64 // lowest answer ID: the order of arrival
}

// proposals lists the answers to the call for topics of a session, numbered
// in order of arrival. A replaced answer keeps its row ID, so the numbers
// the animator read stay valid when a proposal is corrected or another one
// arrives after the notice. Members who left the group keep their number,
// so the others do not move. The title is the first line of the answer to
// question 1, or of a free answer when the reply was not numbered.
func proposals(st *State, sessionID int64) []proposal {
	byMember := map[int64]*proposal{}
	free := map[int64]string{}
	var order []*proposal
	for _, a := range st.Answers {
		if a.Kind != KindCallForTopics || a.SessionID != sessionID {
			continue
		}
		p := byMember[a.MemberID]
		if p == nil {
			m := st.Member(a.MemberID)
			if m == nil {
				continue
			}
			p = &proposal{member: m, first: a.ID}
			byMember[a.MemberID] = p
			order = append(order, p)
		}
		p.first = min(p.first, a.ID)
		switch a.Question {
		case questionTopicTitle:
			p.title = titleLine(a.Text)
		case questionTopicConsent:
			p.shared = Consents(a.Text)
		case 0:
			free[a.MemberID] = titleLine(a.Text)
		}
	}
	slices.SortFunc(order, func(a, b *proposal) int { return cmp.Compare(a.first, b.first) })
	var out []proposal
	for _, p := range order {
		if p.title == "" {
			p.title = free[p.member.ID]
		}
		if p.title == "" {
			continue
		}
		p.number = len(out) + 1
		out = append(out, *p)
	}
	return out
}

// topicsNotice is the data of the animator's list of proposals: every
// title, whatever its author's consent (the animator chooses from them),
// with that consent stated. Members who left the group or already had
// their turn are left out; their numbers are not reused. nil means there is
// nothing to send: no proposal, or a client already chosen.
func (s *Service) topicsNotice(st *State, sess *Session) *templates.Notice {
	if sess == nil {
		return nil
	}
	if c := st.Member(sess.ClientID); c != nil && c.Active {
		return nil
	}
	n := &templates.Notice{Type: templates.NoticeTopics}
	for _, p := range proposals(st, sess.ID) {
		if !p.member.Active || turnOf(st, p.member, sess) != nil {
			continue
		}
		n.Topics = append(n.Topics, templates.Topic{Number: p.number, Name: p.member.Name, Title: p.title, Shared: p.shared})
	}
	if len(n.Topics) == 0 {
		return nil
	}
	return n
}

// turnOf returns the other session, not cancelled, of which m is or was
// the client: each member has one turn per cycle.
func turnOf(st *State, m *Member, s *Session) *Session {
	for _, o := range st.Sessions {
		if o.ID != s.ID && !o.Cancelled() && o.ClientID == m.ID {
			return o
		}
	}
	return nil
}

// chooseClient handles the animator's reply to the list of proposals: a
// number or a name on its first line makes that member the session's
// client, pinned so that re-applying the group file keeps it; the
// reconciler then sends them the preparation questionnaire. A reply that
// names nobody, or a member who already had their turn, is held for the
// animator with the reason. It never stores the reply as answers.
func (p *processing) chooseClient(req *Message, from *Member) (bool, error) {
	st, err := LoadState(p.ctx, p.tx, req.GroupID)
	if err != nil {
		return false, err
	}
	sess := st.Session(req.SessionID)
	now := p.s.clock.Now()
	held := func(code ReasonCode, args ...int64) (bool, error) {
		return true, p.holdAndTell(req.GroupID, reason(code, args...))
	}
	switch {
	case from.Role != RoleAnimator || !from.Active:
		return held(ReasonChoiceNotAnimator)
	case sess == nil || sess.Cancelled():
		return held(ReasonChoiceCancelled)
	case !sess.Start.After(now):
		return held(ReasonChoiceStarted, int64(sess.Number))
	}
	chosen, why := pickMember(st, proposals(st, sess.ID), p.p.Text)
	if chosen == nil {
		return held(why.Code, append([]int64{int64(sess.Number)}, why.Args...)...)
	}
	if cur := st.Member(sess.ClientID); cur != nil && cur.Active {
		if cur.ID == chosen.ID {
			p.finish(InboundProcessed, reason(ReasonChoiceSameClient, chosen.ID, int64(sess.Number)))
			return true, nil
		}
		return held(ReasonChoiceHasClient, int64(sess.Number), cur.ID)
	}
	if other := turnOf(st, chosen, sess); other != nil {
		return held(ReasonChoiceHadTurn, chosen.ID, int64(other.Number))
	}
	sess.ClientID, sess.Pinned = chosen.ID, true
	if err := p.tx.UpdateSession(p.ctx, sess); err != nil {
		return false, fmt.Errorf("error choosing the client of session %d: %w", sess.Number, err)
	}
	if req.AnsweredAt.IsZero() {
		req.AnsweredAt = now
		if err := p.tx.UpdateMessage(p.ctx, req); err != nil {
			return false, err
		}
	}
	p.finish(InboundProcessed, reason(ReasonClientChosen, int64(sess.Number), chosen.ID))
	return true, nil
}

// reChoiceNumber reads « 2 », "n°2", "No. 2", "#2", « numéro 2 », "2 - Bob".
var reChoiceNumber = regexp.MustCompile(`^(?:(?:le|la|the)\s+)?(?:n\s*[°º]|no\.?|num[ée]ro|number|#)?\s*(\d{1,3})(?:$|[^\pL\d])`)

// choiceGreetings are first lines skipped before the choice (« Bonjour, »).
var choiceGreetings = []string{"bonjour", "bonsoir", "salut", "hello", "hi", "dear", "cher", "chere"}

// pickMember reads the animator's choice in a reply: the first line that
// is not a greeting holds a proposal's number, or the full name or first
// name of a proposer (case and accents ignored) or, failing that, of
// another active member who has not proposed a topic by email. It returns
// nil and why when the line names nobody or more than one person: a
// choice_* code whose Args lack the session number, which the caller puts
// first; why never quotes the reply.
func pickMember(st *State, props []proposal, text string) (*Member, Reason) {
	line := ""
	for l := range strings.Lines(text) {
		l = strings.Trim(strings.TrimSpace(l), "«»\"'“”‘’ \u00a0.,;:!?()[]")
		if l == "" {
			continue
		}
		if w := strings.Fields(foldName(l)); len(w) > 0 && slices.Contains(choiceGreetings, w[0]) && len(w) <= 3 {
			continue
		}
		line = l
		break
	}
	if line == "" {
		return nil, reason(ReasonChoiceEmpty)
	}
	if m := reChoiceNumber.FindStringSubmatch(strings.ToLower(line)); m != nil {
		n, _ := strconv.Atoi(m[1])
		for _, p := range props {
			if p.number == n {
				if !p.member.Active {
					return nil, reason(ReasonChoiceMemberLeft, int64(n))
				}
				return p.member, Reason{}
			}
		}
		return nil, reason(ReasonChoiceNoProposal, int64(n), int64(len(props)))
	}
	var proposers, others []*Member
	for _, p := range props {
		if p.member.Active {
			proposers = append(proposers, p.member)
		}
	}
	for _, m := range st.Peers() {
		if !slices.Contains(proposers, m) {
			others = append(others, m)
		}
	}
	words := strings.Fields(foldName(line))
	for _, group := range [][]*Member{proposers, others} {
		if m, ambiguous := matchName(group, words); ambiguous {
			return nil, reason(ReasonChoiceAmbiguous)
		} else if m != nil {
			return m, Reason{}
		}
	}
	return nil, reason(ReasonChoiceNoMatch)
}

// matchName finds the member whose full name starts the line, or else
// whose first name is the line's first word. ambiguous is true when that
// first name belongs to more than one of them.
func matchName(members []*Member, words []string) (m *Member, ambiguous bool) {
	for _, c := range members {
		full := strings.Fields(foldName(c.Name))
		if len(full) > 0 && len(words) >= len(full) && slices.Equal(words[:len(full)], full) {
			return c, false
		}
	}
	var found []*Member
	for _, c := range members {
		full := strings.Fields(foldName(c.Name))
		if len(full) > 0 && len(words) > 0 && words[0] == full[0] {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return nil, false
	case 1:
		return found[0], false
	}
	return nil, true
}

// foldAccents maps the accented letters of French and its neighbours to
// their base letter (the workflow package keeps to the standard library).
var foldAccents = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a", "ã", "a", "å", "a", "æ", "ae",
	"ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ì", "i", "ñ", "n",
	"ô", "o", "ö", "o", "ó", "o", "ò", "o", "õ", "o", "ø", "o", "œ", "oe",
	"ù", "u", "û", "u", "ü", "u", "ú", "u", "ý", "y", "ÿ", "y",
)

// foldName lowercases s, removes accents and turns everything but letters and
// digits into spaces, so that « Chloé-Anne » and "chloe anne" compare equal.
func foldName(s string) string {
	s = foldAccents.Replace(strings.ToLower(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
}

// titleLine is the first non-blank line of s, trimmed: titles are one line.
func titleLine(s string) string {
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
