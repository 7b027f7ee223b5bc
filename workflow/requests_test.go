package workflow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAsks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind Kind
		want bool
	}{
		{KindWelcome, true},
		{KindPrepare, true},
		{KindClientPlan, true},
		{KindLearnings, true},
		{KindPrepareReminder, false},
		{KindCharterReminder, false},
		{KindInvitation, false},
		{KindDigest, false},
		{KindSignIn, false},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, Asks(tc.kind))
		})
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	st := &State{
		Group:   &Group{ID: 1, Language: LangFR},
		Members: []*Member{{ID: 10, Role: RoleMember, Active: true}, {ID: 11, Role: RoleMember, Active: true}},
		Messages: []*Message{
			{ID: 1, Kind: KindPrepare, SessionID: 5, MemberID: 10, Status: MessageSent, Key: MessageKey(KindPrepare, 5, 10, 0)},
			{ID: 2, Kind: KindPrepareReminder, SessionID: 5, MemberID: 10, Status: MessageSent, Key: MessageKey(KindPrepareReminder, 5, 10, 0)},
			{ID: 3, Kind: KindWelcome, MemberID: 11, Status: MessageSent, Key: MessageKey(KindWelcome, 0, 11, 0), AnsweredAt: now},
			{ID: 4, Kind: KindInvitation, SessionID: 5, MemberID: 11, Status: MessageSent, Key: MessageKey(KindInvitation, 5, 11, 0)},
			{ID: 5, Kind: KindWelcome, MemberID: 10, Status: MessagePending, Key: MessageKey(KindWelcome, 0, 10, 0)},
		},
		Answers: []*Answer{{GroupID: 1, MemberID: 11, RequestID: 3, Kind: KindWelcome, Question: 0, Text: "J'accepte la charte."}},
	}
	s := NewService(ServiceConfig{}, nil, nil, nil, nil, nil)
	got := s.Requests(st)
	require.Len(t, got, 3, "asks only: not the reminder, not the invitation")
	require.Equal(t, int64(1), got[0].Message.ID)
	require.True(t, got[0].Reminded)
	require.False(t, got[0].Answered)
	require.Equal(t, int64(3), got[1].Message.ID)
	require.True(t, got[1].Answered)
	require.Equal(t, "J'accepte la charte.", got[1].Answers[0].Text)
	require.Equal(t, MessagePending, got[2].Message.Status)
	require.False(t, got[2].Reminded || got[2].Answered)
}
