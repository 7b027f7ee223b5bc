package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/templates"
)

func composeService(t *testing.T) *Service {
	t.Helper()
	tpl, err := templates.New()
	require.NoError(t, err)
	return NewService(ServiceConfig{Mailbox: Address{Local: "codev", Domain: "codev.test"}, BaseURL: "https://codev.test"},
		nil, nil, tpl, NewSigner([]byte("compose")), nil)
}

// composeMsg records a message of st as due and returns it.
func composeMsg(st *State, kind Kind, sessionID, memberID int64, seq int) *Message {
	m := &Message{ID: openNextID.Add(1), GroupID: 1, SessionID: sessionID, MemberID: memberID, Kind: kind, Sequence: seq,
		Key: MessageKey(kind, sessionID, memberID, seq), Status: MessagePending, MessageID: "m.x@codev.test"}
	st.Messages = append(st.Messages, m)
	return m
}

func TestCompose(t *testing.T) {
	t.Parallel()
	s := composeService(t)
	now := openDay(openS1, -21)
	st := plannedState()
	for _, s := range st.Sessions {
		s.UID = "uid-" + strings.Repeat("x", int(s.ID-9))
	}
	st.Group.Visio = "https://visio.example.org/lyon"

	e, err := s.Compose(st, composeMsg(st, KindPrepare, 10, 2, 0), now)
	require.NoError(t, err)
	require.Equal(t, KindPrepare, e.Kind)
	require.Equal(t, Person{Name: "Alice Dupont", Email: "alice@example.org"}, e.To)
	require.Equal(t, Person{Name: "Codev Managers Lyon", Email: "codev@codev.test"}, e.From)
	require.True(t, strings.HasPrefix(e.ReplyTo, "codev+") && strings.HasSuffix(e.ReplyTo, "@codev.test"))
	require.Equal(t, now, e.Date)
	require.Equal(t, LangFR, e.Lang)
	require.Contains(t, e.Subject, "Managers Lyon")
	require.Contains(t, e.Text, "Première formulation de votre demande au groupe")
	require.Nil(t, e.Invite)
	require.Empty(t, e.InReplyTo)

	// A reminder threads under the ask it follows up.
	prep := st.Messages[len(st.Messages)-1]
	prep.MessageID = "prep.1@codev.test"
	e, err = s.Compose(st, composeMsg(st, KindPrepareReminder, 10, 2, 0), now)
	require.NoError(t, err)
	require.Equal(t, []string{"prep.1@codev.test"}, e.InReplyTo)
	require.Equal(t, []string{"prep.1@codev.test"}, e.References)

	// Invitations carry the session's event; a CANCEL to a removed member
	// carries the message's raised SEQUENCE.
	e, err = s.Compose(st, composeMsg(st, KindInvitation, 11, 3, 0), now)
	require.NoError(t, err)
	require.Equal(t, &Invite{
		Event: Event{UID: "uid-xx", Start: openS2.UTC(), End: openS2.UTC().Add(2 * time.Hour),
			Summary: "Codev Managers Lyon – séance 2", Location: "https://visio.example.org/lyon",
			Description: "Groupe de codéveloppement Managers Lyon, séance 2, " +
				templates.FormatDateTime(LangFR, openS2, openParis) + ". Lien visio" + templates.NBSP + ": https://visio.example.org/lyon"},
		Method:    MethodRequest,
		Organizer: Person{Name: "Codev Managers Lyon", Email: "codev@codev.test"},
		Attendees: []Person{{Name: "Bob Martin", Email: "bob@example.org"}},
	}, e.Invite)
	st.Members[3].Active = false
	e, err = s.Compose(st, composeMsg(st, KindCancellation, 11, 4, 1), now)
	require.NoError(t, err)
	require.Equal(t, MethodCancel, e.Invite.Method)
	require.Equal(t, 1, e.Invite.Sequence)
	require.Equal(t, 0, st.Sessions[1].Sequence, "the session itself is unchanged")

	_, err = s.Compose(st, composeMsg(st, KindWelcome, 0, 99, 0), now)
	require.Equal(t, ENOTFOUND, ErrorCode(err))

	// Nothing to report: the digest is not sent empty.
	_, err = s.Compose(st, composeMsg(st, KindDigest, 10, 1, 0), now)
	require.ErrorIs(t, err, ErrNothingToSend)
	_, err = s.Compose(st, composeMsg(st, KindSummary, 10, 1, 0), now)
	require.ErrorIs(t, err, ErrNothingToSend)
}

func TestComposeDigestAndSummary(t *testing.T) {
	t.Parallel()
	s := composeService(t)
	st := plannedState()
	answer := func(kind Kind, session, member int64, q int, text string) {
		st.Answers = append(st.Answers, &Answer{ID: int64(len(st.Answers) + 1), GroupID: 1, SessionID: session,
			MemberID: member, Kind: kind, Question: q, Text: text})
	}
	answer(KindPrepare, 10, 2, 1, "Un conflit d'équipe")
	answer(KindPrepare, 10, 2, questionContract, "M'aider à trancher")
	st.RSVPs = []*RSVP{{SessionID: 10, MemberID: 4, PartStat: RSVPDeclined}}
	e, err := s.Compose(st, composeMsg(st, KindDigest, 10, 1, 0), openDay(openS1, -2))
	require.NoError(t, err)
	require.Contains(t, e.Text, "M'aider à trancher")
	require.Contains(t, e.Text, "Un conflit d'équipe")
	require.Equal(t, "Claire Martin", e.To.Name, "the digest goes to the animator")

	answer(KindClientPlan, 10, 2, 1, "Parler à mon équipe lundi")
	answer(KindClientPlan, 10, 2, 5, "5")
	answer(KindLearnings, 10, 3, 1, "Poser des questions ouvertes")
	answer(KindLearnings, 10, 3, questionRegulation, "Trop de conseils en clarification")
	answer(KindLearnings, 10, 3, 4, "4")
	e, err = s.Compose(st, composeMsg(st, KindSummary, 10, 1, 0), openDay(openS1, 2))
	require.NoError(t, err)
	for _, want := range []string{"Réponses reçues" + templates.NBSP + ": 2", "Note moyenne" + templates.NBSP + ": 4,5 sur 5", "Poser des questions ouvertes",
		"Trop de conseils en clarification", "Parler à mon équipe lundi"} {
		require.Contains(t, e.Text, want)
	}

	// The next digest recalls the previous client's plan and regulation.
	e, err = s.Compose(st, composeMsg(st, KindDigest, 11, 1, 0), openDay(openS2, -2))
	require.NoError(t, err)
	require.Contains(t, e.Text, "Parler à mon équipe lundi")
	require.Contains(t, e.Text, "Trop de conseils en clarification")

	// The review is the member's own history only.
	e, err = s.Compose(st, composeMsg(st, KindReview, 0, 3, 0), openDay(openS2, 7))
	require.NoError(t, err)
	require.Contains(t, e.Text, "Poser des questions ouvertes")
	require.NotContains(t, e.Text, "Parler à mon équipe lundi", "never another member's answers")

	e, err = s.Compose(st, composeMsg(st, KindRetentionWarning, 0, 3, 0), openDay(openS2, 170))
	require.NoError(t, err)
	require.Contains(t, e.Text, "9 août 2027")
}

func TestComposeNotices(t *testing.T) {
	t.Parallel()
	s := composeService(t)
	st := plannedState()
	notice := func(kind Kind, session int64, subject int64) *templates.Notice {
		m := &Message{Kind: kind, SessionID: session, MemberID: 1, Sequence: int(subject), Reason: "le motif"}
		return s.noticeData(st, m, st.Session(session))
	}
	require.Equal(t, &templates.Notice{Type: "bounce", Member: "Bob Martin", Address: "bob@example.org"},
		notice(KindNoticeBounce, 0, 3), "a bounce's reason lists the addresses the notice names")
	require.Equal(t, &templates.Notice{Type: "held", Reason: "le motif"}, notice(KindNoticeHeld, 0, 77))
	require.Equal(t, &templates.Notice{Type: "decline", Member: "Chloé Bernard", Reason: "le motif"}, notice(KindNoticeDecline, 10, 4))
	require.Equal(t, &templates.Notice{Type: "client_decline", Member: "Alice Dupont", SwapWith: "Bob Martin", Reason: "le motif"},
		notice(KindNoticeDecline, 10, 2), "the client of the next session is proposed")
	st.RSVPs = []*RSVP{{SessionID: 10, MemberID: 3, PartStat: RSVPDeclined}}
	require.Empty(t, notice(KindNoticeDecline, 10, 2).SwapWith, "not someone who cannot come either")

	for _, k := range []Kind{KindNoticeBounce, KindNoticeHeld, KindNoticeDecline} {
		e, err := s.Compose(st, &Message{ID: 5, GroupID: 1, SessionID: 10, MemberID: 1, Kind: k, Sequence: 2, Reason: "le motif"},
			openDay(openS1, -5))
		require.NoError(t, err, "%s", k)
		require.Equal(t, "claire@example.org", e.To.Email)
	}
}

func TestEventInEnglish(t *testing.T) {
	t.Parallel()
	g := &Group{Name: "Leads", Language: LangEN, Timezone: "Europe/Paris", Visio: "https://v.example/x"}
	s := &Session{UID: "u", Number: 2, Sequence: 3, Start: openS1.UTC(), Duration: 90 * time.Minute}
	ev := SessionEvent(g, s)
	require.Equal(t, "Codev Leads – session 2", ev.Summary)
	require.True(t, strings.HasPrefix(ev.Description, "Co-development group Leads, session 2, "))
	require.True(t, strings.HasSuffix(ev.Description, ". Video link: https://v.example/x"))
	require.Equal(t, 3, ev.Sequence)
	require.Equal(t, s.Start.Add(90*time.Minute), ev.End)
	require.False(t, ev.Cancelled)

	f := FeedOf(&State{Group: g, Sessions: []*Session{
		{UID: "old", Number: 1, Start: openS1.AddDate(0, -5, 0), Duration: time.Hour},
		{UID: "c", Number: 2, Start: openS1, Duration: time.Hour, Status: SessionCancelled, Sequence: 1},
	}}, openS1.AddDate(0, -1, 0))
	require.Equal(t, "Codev Leads", f.Name)
	require.Len(t, f.Events, 1, "sessions older than three months are left out")
	require.Equal(t, "Cancelled: Codev Leads – session 2", f.Events[0].Summary)
	require.True(t, f.Events[0].Cancelled)
}

// TestSwapConfirmation: the animator's answer to a swap proposal confirms
// it only when its first line (after a greeting) is an explicit yes.
func TestSwapConfirmation(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{
		"Oui":                      true,
		"  oui, merci !":           true,
		"YES please":               true,
		"ok":                       true,
		"Bonjour,\n\nOui.\nClaire": true,
		"Je dirais oui":            true,
		"Non":                      false,
		"Oui… enfin non":           false,
		"oui mais pas maintenant":  false,
		"Oui ?":                    false,
		"":                         false,
		"« Oui » bien sûr":         true,
		"ouistiti":                 false,
	} {
		require.Equal(t, want, Consents(firstLine(text)), "%q", text)
	}
}
