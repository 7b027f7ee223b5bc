package workflow

import (
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/templates"
)

var openParis = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Session 1 on Tuesday 12 January 2027 at 18:00 in Paris, session 2 four
// weeks later.
var (
	openS1 = time.Date(2027, 1, 12, 18, 0, 0, 0, openParis)
	openS2 = time.Date(2027, 2, 9, 18, 0, 0, 0, openParis)
)

// openDay is the session start moved by n days at the same local time, plus
// one minute so that what is due at that moment is due.
func openDay(start time.Time, n int) time.Time { return Days(n).At(start, openParis).Add(time.Minute) }

// openState is an open-mode group: animator 1, members 2 to 4, sessions 10
// and 11 without clients; every welcome and invitation already recorded, so
// that Due shows only the session's timeline. Every day is a working day
// here, so that the steps fall on their offsets (sendtime_test.go tests
// the moves).
func openState() *State {
	st := &State{
		WorkingDays: everyDay{},
		Group: &Group{ID: 1, Name: "Managers Lyon", Language: LangFR, Timezone: "Europe/Paris", Mode: ModeOpen,
			CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		Members: []*Member{
			{ID: 1, Role: RoleAnimator, Name: "Claire Martin", Email: "claire@example.org", Active: true},
			{ID: 2, Role: RoleMember, Name: "Alice Dupont", Email: "alice@example.org", Position: 1, Active: true},
			{ID: 3, Role: RoleMember, Name: "Bob Martin", Email: "bob@example.org", Position: 2, Active: true},
			{ID: 4, Role: RoleMember, Name: "Chloé Bernard", Email: "chloe@example.org", Position: 3, Active: true},
		},
		Sessions: []*Session{
			{ID: 10, Number: 1, Start: openS1.UTC(), Duration: 2 * time.Hour, Status: SessionScheduled},
			{ID: 11, Number: 2, Start: openS2.UTC(), Duration: 2 * time.Hour, Status: SessionScheduled},
		},
	}
	for _, m := range st.Members {
		if m.Role == RoleMember {
			st.Messages = append(st.Messages, openSent(KindWelcome, 0, m.ID, st.Group.CreatedAt))
		}
		for _, s := range st.Sessions {
			st.Messages = append(st.Messages, openSent(KindInvitation, s.ID, m.ID, st.Group.CreatedAt))
		}
	}
	for _, m := range st.Messages {
		m.AnsweredAt = st.Group.CreatedAt // the charter is accepted: no reminder
	}
	return st
}

// openNextID numbers the messages the tests record.
var openNextID atomic.Int64

func openSent(kind Kind, sessionID, memberID int64, at time.Time) *Message {
	return &Message{ID: openNextID.Add(1), GroupID: 1, SessionID: sessionID, MemberID: memberID, Kind: kind,
		Key: MessageKey(kind, sessionID, memberID, 0), DueAt: at, Status: MessageSent, SentAt: at}
}

// openRecord marks every message due at now as sent, as the reconciler and the
// send job would.
func openRecord(st *State, now time.Time) {
	for _, m := range Due(st, now) {
		m.ID = openNextID.Add(1)
		if m.Status == MessagePending {
			m.Status, m.SentAt = MessageSent, now
		}
		st.Messages = append(st.Messages, m)
	}
}

// openKinds are the messages around the choice of a client.
var openKinds = []Kind{KindCallForTopics, KindNoticeTopics, KindPrepare, KindPrepareReminder}

// openDue lists "kind/session/member status" for each message of openKinds
// due at now.
func openDue(st *State, now time.Time) []string {
	var out []string
	for _, m := range Due(st, now) {
		if slices.Contains(openKinds, m.Kind) {
			out = append(out, string(m.Kind)+"/"+strconv.FormatInt(m.SessionID, 10)+"/"+
				strconv.FormatInt(m.MemberID, 10)+" "+m.Status)
		}
	}
	return out
}

func TestTimelineOpenMode(t *testing.T) {
	t.Parallel()
	type step struct {
		do   func(st *State) // a change before the step, if any
		at   time.Time
		want []string // due at `at`, then recorded as sent
	}
	tests := []struct {
		name  string
		setup func(st *State)
		steps []step
	}{
		{
			name: "CallThenListAtDMinus10",
			steps: []step{
				{at: openDay(openS1, -15), want: nil},
				{at: openDay(openS1, -14), want: []string{"call_for_topics/10/2 pending", "call_for_topics/10/3 pending", "call_for_topics/10/4 pending"}},
				{at: openDay(openS1, -11), want: nil},
				{at: openDay(openS1, -10), want: []string{"notice_topics/10/1 pending"}},
				{at: openDay(openS1, -3), want: nil},
			},
		},
		{
			name: "ChosenClientIsAskedToPrepareAtOnce",
			setup: func(st *State) {
				st.Sessions[0].ClientID, st.Sessions[0].Pinned = 3, true
			},
			steps: []step{
				// No list once the client is chosen, and the preparation
				// questionnaire, due since D−21, is still useful until D−2.
				{at: openDay(openS1, -14), want: []string{"prepare/10/3 pending", "call_for_topics/10/2 pending", "call_for_topics/10/3 pending", "call_for_topics/10/4 pending"}},
				{at: openDay(openS1, -10), want: []string{"prepare_reminder/10/3 pending"}},
			},
		},
		{
			name: "ChoiceAfterTheList",
			steps: []step{
				{at: openDay(openS1, -14), want: []string{"call_for_topics/10/2 pending", "call_for_topics/10/3 pending", "call_for_topics/10/4 pending"}},
				{at: openDay(openS1, -10), want: []string{"notice_topics/10/1 pending"}},
				// Chosen at D−9: the questionnaire goes at once, its
				// reminder two days later.
				{do: func(st *State) { st.Sessions[0].ClientID, st.Sessions[0].Pinned = 4, true },
					at: openDay(openS1, -9), want: []string{"prepare/10/4 pending"}},
				{at: openDay(openS1, -7).Add(-2 * time.Minute), want: nil},
				{at: openDay(openS1, -7), want: []string{"prepare_reminder/10/4 pending"}},
			},
		},
		{
			name: "OneTurnPerCycle",
			setup: func(st *State) {
				st.Sessions[0].ClientID = 3
				st.Messages = append(st.Messages, openSent(KindPrepare, 10, 3, openDay(openS1, -21)))
				st.Messages[len(st.Messages)-1].AnsweredAt = openDay(openS1, -20)
			},
			steps: []step{
				{at: openDay(openS1, -14), want: []string{"call_for_topics/10/2 pending", "call_for_topics/10/3 pending", "call_for_topics/10/4 pending"}},
				// Bob had his turn at session 1: no call for session 2.
				{at: openDay(openS2, -14), want: []string{"call_for_topics/11/2 pending", "call_for_topics/11/4 pending"}},
				{at: openDay(openS2, -10), want: []string{"notice_topics/11/1 pending"}},
			},
		},
		{
			name: "TooLateAfterDowntime",
			steps: []step{
				{at: openDay(openS1, -1), want: []string{
					"call_for_topics/10/2 skipped", "call_for_topics/10/3 skipped", "call_for_topics/10/4 skipped",
					"notice_topics/10/1 skipped"}},
			},
		},
		{
			name:  "PausedAnimator",
			setup: func(st *State) { st.Members[0].Paused = true },
			steps: []step{
				{at: openDay(openS1, -14), want: []string{"call_for_topics/10/2 pending", "call_for_topics/10/3 pending", "call_for_topics/10/4 pending"}},
				{at: openDay(openS1, -10), want: nil},
			},
		},
		{
			name: "PlannedModeHasNeither",
			setup: func(st *State) {
				st.Group.Mode = ModePlanned
				st.Sessions[0].ClientID = 2
				st.Messages = append(st.Messages, openSent(KindPrepare, 10, 2, openDay(openS1, -21)))
			},
			steps: []step{
				{at: openDay(openS1, -14), want: nil},
				{at: openDay(openS1, -10), want: []string{"prepare_reminder/10/2 pending"}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := openState()
			if tc.setup != nil {
				tc.setup(st)
			}
			for _, s := range tc.steps {
				if s.do != nil {
					s.do(st)
				}
				require.ElementsMatch(t, s.want, openDue(st, s.at), "due at %s", s.at)
				openRecord(st, s.at)
			}
		})
	}
}

// TestTimelineOpenModeWindow checks the list's moment and window: D−10 at
// the session's local time, useless after the digest (D−2); Next finds it.
func TestTimelineOpenModeWindow(t *testing.T) {
	t.Parallel()
	st := openState()
	openRecord(st, openDay(openS1, -14))
	want := Days(-10).At(openS1, openParis)
	require.Equal(t, want, Next(st, openDay(openS1, -14)), "the list is the next message after the calls")
	var list *Message
	for _, m := range Due(st, want) {
		if m.Kind == KindNoticeTopics {
			list = m
		}
	}
	require.NotNil(t, list)
	require.Equal(t, want, list.DueAt)
	require.Equal(t, int64(1), list.MemberID, "to the animator")
	require.Equal(t, MessagePending, list.Status)
	late := Due(st, Days(-2).At(openS1, openParis).Add(time.Minute))
	for _, m := range late {
		if m.Kind == KindNoticeTopics {
			require.Equal(t, MessageSkipped, m.Status)
		}
	}
	// A group file that moves the call moves the list with it.
	st = openState()
	st.Group.Offsets.CallForTopics = -20
	require.Equal(t, Days(-20).At(openS1, openParis), Next(st, openDay(openS1, -30)))
	openRecord(st, openDay(openS1, -20))
	require.Equal(t, Days(-16).At(openS1, openParis), Next(st, openDay(openS1, -20)))
}

// openAnswer files a member's answer to the call for topics of session 10.
func openAnswer(st *State, id, member int64, q int, text string) {
	st.Answers = append(st.Answers, &Answer{ID: id, GroupID: 1, SessionID: 10, MemberID: member,
		Kind: KindCallForTopics, Question: q, Text: text})
}

func TestTopicsNotice(t *testing.T) {
	t.Parallel()
	s := &Service{}
	st := openState()
	sess := st.Sessions[0]
	require.Nil(t, s.topicsNotice(st, sess), "no proposal: nothing to send")

	st.Members = append(st.Members, &Member{ID: 5, Role: RoleMember, Name: "David Petit", Email: "david@example.org", Position: 4, Active: true})
	openAnswer(st, 21, 4, 1, "Un collaborateur qui conteste mes décisions\nplus de détails")
	openAnswer(st, 22, 4, 2, "Oui, bien sûr")
	openAnswer(st, 23, 2, 0, "Préparer un entretien de recadrage\n\nAlice")
	openAnswer(st, 24, 3, 2, "non") // consent without a title: no proposal
	openAnswer(st, 25, 5, 1, "Reprendre une équipe")
	openAnswer(st, 20, 3, 1, "") // an empty title is no proposal either
	n := s.topicsNotice(st, sess)
	require.Equal(t, &templates.Notice{Type: templates.NoticeTopics, Topics: []templates.Topic{
		{Number: 1, Name: "Chloé Bernard", Title: "Un collaborateur qui conteste mes décisions", Shared: true},
		{Number: 2, Name: "Alice Dupont", Title: "Préparer un entretien de recadrage"},
		{Number: 3, Name: "David Petit", Title: "Reprendre une équipe"},
	}}, n)

	// David leaves the group and Alice becomes client of session 2: their
	// numbers are not reused.
	st.Members[4].Active = false
	st.Sessions[1].ClientID = 2
	n = s.topicsNotice(st, sess)
	require.Len(t, n.Topics, 1)
	require.Equal(t, 1, n.Topics[0].Number)

	// Once the client is chosen there is nothing to send.
	sess.ClientID = 4
	require.Nil(t, s.topicsNotice(st, sess))
}

func TestPickMember(t *testing.T) {
	t.Parallel()
	st := openState()
	st.Members = append(st.Members,
		&Member{ID: 5, Role: RoleMember, Name: "Émilie Roux", Email: "emilie@example.org", Position: 4, Active: true},
		&Member{ID: 6, Role: RoleMember, Name: "Émilie Durand", Email: "emilie.d@example.org", Position: 5, Active: true},
		&Member{ID: 7, Role: RoleMember, Name: "Zoé Left", Email: "zoe@example.org", Position: 6},
	)
	openAnswer(st, 30, 4, 1, "Titre de Chloé")
	openAnswer(st, 31, 2, 1, "Titre d'Alice")
	openAnswer(st, 32, 7, 1, "Titre de Zoé")
	props := proposals(st, 10)
	tests := []struct {
		reply string
		want  int64  // member chosen, 0 for none
		why   Reason // why none was chosen (without the session number)
	}{
		{"2", 2, Reason{}},
		{"« 2 »", 2, Reason{}},
		{"n°2", 2, Reason{}},
		{"N° 1.", 4, Reason{}},
		{"no. 1", 4, Reason{}},
		{"numéro 2", 2, Reason{}},
		{"#2", 2, Reason{}},
		{"2 - Alice", 2, Reason{}},
		{"1\n\nClaire", 4, Reason{}},
		{"Bonjour,\n\n2\n\nClaire", 2, Reason{}},
		{"alice", 2, Reason{}},
		{"ALICE DUPONT", 2, Reason{}},
		{"Chloe", 4, Reason{}},
		{"chloé bernard, merci", 4, Reason{}},
		{"Bob", 3, Reason{}},                         // not a proposer, but a member without a topic by email
		{"Émilie Durand", 6, Reason{}},               // full name settles a shared first name
		{"Emilie", 0, reason(ReasonChoiceAmbiguous)}, // ambiguous
		{"4", 0, reason(ReasonChoiceNoProposal, 4, 3)},
		{"3", 0, reason(ReasonChoiceMemberLeft, 3)},
		{"Zoé", 0, reason(ReasonChoiceNoMatch)}, // a former member is nobody
		{"Je choisis Alice", 0, reason(ReasonChoiceNoMatch)},
		{"2027", 0, reason(ReasonChoiceNoMatch)},
		{"", 0, reason(ReasonChoiceEmpty)},
	}
	for _, tc := range tests {
		m, why := pickMember(st, props, tc.reply)
		if tc.want == 0 {
			require.Nil(t, m, "%q", tc.reply)
			require.Equal(t, tc.why, why, "%q", tc.reply)
			continue
		}
		require.NotNil(t, m, "%q: %s", tc.reply, why)
		require.Equal(t, tc.want, m.ID, "%q", tc.reply)
	}
}

func TestUnansweredChoice(t *testing.T) {
	t.Parallel()
	s := &Service{}
	st := openState()
	list := openSent(KindNoticeTopics, 10, 1, openDay(openS1, -10))
	st.Messages = []*Message{list}
	require.Equal(t, []string{"Claire Martin — choix du ou de la client·e parmi les sujets proposés (envoi du samedi 2 janvier 2027)"},
		s.unanswered(st, st.Sessions[0]), "the digest of session 1 says the choice is awaited")
	require.Empty(t, s.unanswered(st, st.Sessions[1]), "not in the next session's digest")
	st.Sessions[0].ClientID = 3
	require.Empty(t, s.unanswered(st, st.Sessions[0]), "not once the client is chosen")
}
