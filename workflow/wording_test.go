package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/templates"
)

// These tests check that Compose gives the templates what the wording
// needs: who the recipient is (the client, the animator), the old and the
// new date of a moved session, ratings with the group's decimal mark,
// reasons in the group's language.

const nbsp = templates.NBSP

// wordingState is a planned group: animator 1, Alice (2) client of session
// 10, Bob (3) client of session 11.
func wordingState(lang string) *State {
	return &State{
		Group: &Group{ID: 1, Name: "Managers Lyon", Language: lang, Timezone: "Europe/Paris", Mode: ModePlanned,
			Visio: "https://meet.example.org/lyon", CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
		Members: []*Member{
			{ID: 1, Role: RoleAnimator, Name: "Claire Martin", Email: "claire@example.org", Active: true},
			{ID: 2, Role: RoleMember, Name: "Alice Dupont", Email: "alice@example.org", Position: 1, Active: true},
			{ID: 3, Role: RoleMember, Name: "Bob Martin", Email: "bob@example.org", Position: 2, Active: true},
		},
		Sessions: []*Session{
			{ID: 10, Number: 1, Start: openS1.UTC(), Duration: 2 * time.Hour, Status: SessionScheduled, ClientID: 2},
			{ID: 11, Number: 2, Start: openS2.UTC(), Duration: 2 * time.Hour, Status: SessionScheduled, ClientID: 3},
		},
	}
}

func wordingService(t *testing.T) *Service {
	t.Helper()
	tpl, err := templates.New()
	require.NoError(t, err)
	return NewService(ServiceConfig{Mailbox: Address{Local: "codev", Domain: "example.org"}, BaseURL: "https://codev.example.org"},
		nil, nil, tpl, NewSigner([]byte("wording test secret")), nil)
}

func compose(t *testing.T, s *Service, st *State, kind Kind, sessionID, memberID int64, seq int) string {
	t.Helper()
	msg := &Message{ID: openNextID.Add(1), GroupID: 1, SessionID: sessionID, MemberID: memberID, Kind: kind,
		Sequence: seq, Key: MessageKey(kind, sessionID, memberID, seq), Status: MessagePending}
	e, err := s.Compose(st, msg, openS1.AddDate(0, 0, -30))
	require.NoError(t, err)
	return e.Subject + "\n" + e.Text
}

func TestComposeAddressesTheClientAndTheAnimator(t *testing.T) {
	t.Parallel()
	s, st := wordingService(t), wordingState(LangFR)

	alice := compose(t, s, st, KindInvitation, 10, 2, 0)
	require.Contains(t, alice, "Bonjour Alice,\n", "first name only")
	require.Contains(t, alice, "Vous êtes client·e de cette séance")
	require.Contains(t, alice, "Client·e"+nbsp+": vous")
	require.Contains(t, alice, "18"+nbsp+"h"+nbsp+"00")

	bob := compose(t, s, st, KindInvitation, 10, 3, 0)
	require.Contains(t, bob, "Bonjour Bob,\n")
	require.Contains(t, bob, "Client·e"+nbsp+": Alice Dupont")
	require.NotContains(t, bob, "Vous êtes client·e")
	require.Contains(t, bob, "pour que Claire Martin sache qui sera là")

	claire := compose(t, s, st, KindInvitation, 10, 1, 0)
	require.Contains(t, claire, "Bonjour Claire,\n")
	require.NotContains(t, claire, "pour que Claire Martin sache", "the animator is not told about herself")
	require.Contains(t, claire, "vous serez prévenu·e de chaque absence annoncée")

	reminder := compose(t, s, st, KindSessionReminder, 10, 1, 0)
	require.NotContains(t, reminder, "Claire Martin sera prévenu·e", "the animator is not told she will hear of her own decline")
	require.Contains(t, reminder, "Si vous ne pouvez finalement pas animer cette séance")
	require.Contains(t, compose(t, s, st, KindSessionReminder, 10, 2, 0), "Vous en êtes client·e")
	require.Contains(t, compose(t, s, st, KindSessionReminder, 10, 3, 0), "Claire Martin sera prévenu·e")

	// The animator's own decline is not notified to her; a member's is.
	_, err := s.Compose(st, &Message{ID: 900, GroupID: 1, SessionID: 10, MemberID: 1, Kind: KindNoticeDecline, Sequence: 1}, openS1)
	require.ErrorIs(t, err, ErrNothingToSend)
	require.Contains(t, compose(t, s, st, KindNoticeDecline, 11, 1, 2), "Alice Dupont a décliné l'invitation")
}

func TestComposeMovedSessionSaysBothDates(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{LangFR, LangEN} {
		s, st := wordingService(t), wordingState(lang)
		moved := st.Sessions[1]
		moved.MovedFrom, moved.Start, moved.Sequence = moved.Start, moved.Start.AddDate(0, 0, 7).Add(30*time.Minute), 1
		text := compose(t, s, st, KindInvitation, 11, 2, 1)
		old := templates.FormatDateTime(lang, moved.MovedFrom, st.Group.Location())
		now := templates.FormatDateTime(lang, moved.Start, st.Group.Location())
		want := map[string]string{
			LangFR: "Elle était prévue le " + old + " ; elle aura lieu le " + now + ".",
			LangEN: "It was planned for " + old + "; it will now take place on " + now + ".",
		}[lang]
		if lang == LangFR {
			want = strings.Replace(want, " ; ", nbsp+"; ", 1)
		}
		require.Contains(t, text, want, lang)

		// A change that does not move the session says so.
		moved.MovedFrom, moved.Sequence = time.Time{}, 2
		text = compose(t, s, st, KindInvitation, 11, 2, 2)
		require.Contains(t, text, map[string]string{LangFR: "Invitation mise à jour", LangEN: "Updated invitation"}[lang])
		require.NotContains(t, text, map[string]string{LangFR: "déplacée", LangEN: "moved"}[lang])
	}
}

func TestSummaryAverageUsesTheGroupsDecimalMark(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{LangFR: "4,3", LangEN: "4.3"} {
		s, st := wordingService(t), wordingState(lang)
		for i, r := range []string{"4", "4", "5"} {
			st.Answers = append(st.Answers, &Answer{SessionID: 10, MemberID: int64(i + 1), Kind: KindLearnings,
				Question: ratingQuestion(KindLearnings), Text: r})
		}
		sm := s.summary(st, st.Sessions[0])
		require.Equal(t, want, sm.AverageRating, lang)
		require.Contains(t, compose(t, s, st, KindSummary, 10, 1, 0), want+" ", lang)
	}
}

func TestDigestWording(t *testing.T) {
	t.Parallel()
	s, st := wordingService(t), wordingState(LangFR)
	st.Messages = append(st.Messages, &Message{ID: 1, GroupID: 1, MemberID: 2, Kind: KindWelcome, Status: MessageSent,
		SentAt: st.Group.CreatedAt})
	st.RSVPs = append(st.RSVPs, &RSVP{SessionID: 10, MemberID: 1, PartStat: RSVPAccepted})
	d := s.digest(st, st.Sessions[0])
	for _, r := range d.RSVPs {
		require.NotEqual(t, "Claire Martin", r.Name, "the animator's digest lists the members' answers")
	}
	require.Len(t, d.RSVPs, 2)
	require.Equal(t, "Accueil et tour de table", d.Agenda[0].Label, "session 1 in planned mode: no report, no choice of topic")
	require.Equal(t, []string{"Alice Dupont — bienvenue et charte (envoi du mardi 1er décembre 2026)"}, d.Unanswered)

	d = s.digest(st, st.Sessions[1])
	require.Equal(t, "Accueil et retour sur les expérimentations", d.Agenda[0].Label)
	st.Group.Mode = ModeOpen
	d = s.digest(st, st.Sessions[1])
	require.Contains(t, d.Agenda[0].Label, "choix du sujet", "open rotation: the topic may be chosen in session")
}

func TestHeldNoticeReasonInTheGroupsLanguage(t *testing.T) {
	t.Parallel()
	s, st := wordingService(t), wordingState(LangFR)
	msg := &Message{ID: 901, GroupID: 1, MemberID: 1, Kind: KindNoticeHeld, Sequence: 77,
		Reason: "no reply token: not an answer to a codev email", Status: MessagePending}
	e, err := s.Compose(st, msg, openS1)
	require.NoError(t, err)
	require.Contains(t, e.Text, "Motif"+nbsp+": ce message a été écrit directement à l'adresse du groupe")
	require.NotContains(t, e.Text, "reply token")

	msg.Reason = "a reason nobody wrote a translation for"
	e, err = s.Compose(st, msg, openS1)
	require.NoError(t, err)
	require.Contains(t, e.Text, "motif non détaillé")
	require.NotContains(t, e.Text, "nobody wrote")
}
