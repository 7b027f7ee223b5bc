package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// cetOffset is the offset of a fixed zone, so that tests need no time zone
// database.
const cetOffset = 3600

// inCET returns a time in a UTC+1 zone: stores must give it back in UTC.
func inCET(t time.Time) time.Time { return t.In(time.FixedZone("CET", cetOffset)) }

// day is a time with microseconds, which every store keeps.
func day(n int) time.Time {
	return time.Date(2026, time.March, n, 9, 30, 15, 123456000, time.UTC)
}

// newGroup returns a group with every field set.
func newGroup(name string) *workflow.Group {
	return &workflow.Group{
		Name:       name,
		Language:   workflow.LangFR,
		Timezone:   "Europe/Paris",
		Country:    "BE",
		Visio:      "https://visio.example/" + name,
		Mode:       workflow.ModePlanned,
		MaxMembers: 6,
		Offsets:    workflow.Offsets{Prepare: -20, Nudge: 10, NudgeEnabled: true, RetentionMonths: 3},
		FeedToken:  "group-token-" + name,
		CreatedAt:  day(1),
	}
}

func createGroup(t *testing.T, ctx context.Context, tx workflow.Tx, name string) *workflow.Group {
	t.Helper()
	g := newGroup(name)
	require.NoError(t, tx.CreateGroup(ctx, g))
	return g
}

// newMember returns a member of group with every field set.
func newMember(groupID int64, role, email string, position int) *workflow.Member {
	return &workflow.Member{
		GroupID:     groupID,
		Role:        role,
		Name:        "Name of " + email,
		Email:       email,
		Position:    position,
		Unavailable: []int{2, 5},
		Timezone:    "America/Montreal",
		Active:      true,
		Paused:      false,
		Bounced:     false,
		FeedToken:   fmt.Sprintf("member-token-%d-%s", groupID, email),
	}
}

func createMember(t *testing.T, ctx context.Context, tx workflow.Tx, groupID int64, role, email string, position int) *workflow.Member {
	t.Helper()
	m := newMember(groupID, role, email, position)
	require.NoError(t, tx.CreateMember(ctx, m))
	return m
}

// newSession returns session number of group with every field set.
func newSession(groupID, clientID int64, number int) *workflow.Session {
	return &workflow.Session{
		GroupID:  groupID,
		Number:   number,
		Start:    day(number),
		Duration: workflow.DefaultDuration,
		ClientID: clientID,
		Status:   workflow.SessionScheduled,
		Sequence: number,
		UID:      fmt.Sprintf("session-%d-%d@codev.test", groupID, number),
	}
}

func createSession(t *testing.T, ctx context.Context, tx workflow.Tx, groupID, clientID int64, number int) *workflow.Session {
	t.Helper()
	s := newSession(groupID, clientID, number)
	require.NoError(t, tx.CreateSession(ctx, s))
	return s
}

// newMessage returns a pending, unsent message.
func newMessage(groupID, sessionID, memberID int64, kind workflow.Kind) *workflow.Message {
	return &workflow.Message{
		GroupID:   groupID,
		SessionID: sessionID,
		MemberID:  memberID,
		Kind:      kind,
		Sequence:  1,
		Key:       workflow.MessageKey(kind, sessionID, memberID, 1),
		DueAt:     day(3),
		Status:    workflow.MessagePending,
	}
}

func addMessage(t *testing.T, ctx context.Context, tx workflow.Tx, groupID, sessionID, memberID int64, kind workflow.Kind) *workflow.Message {
	t.Helper()
	m := newMessage(groupID, sessionID, memberID, kind)
	added, err := tx.AddMessage(ctx, m)
	require.NoError(t, err)
	require.True(t, added)
	return m
}

// world is a group with an animator, two members, two sessions and a
// message, for tests that need rows to refer to.
type world struct {
	group    *workflow.Group
	animator *workflow.Member
	members  []*workflow.Member
	sessions []*workflow.Session
	message  *workflow.Message
}

func createWorld(t *testing.T, ctx context.Context, tx workflow.Tx, name string) *world {
	t.Helper()
	w := &world{group: createGroup(t, ctx, tx, name)}
	w.animator = createMember(t, ctx, tx, w.group.ID, workflow.RoleAnimator, "animator@"+name+".test", 0)
	w.members = []*workflow.Member{
		createMember(t, ctx, tx, w.group.ID, workflow.RoleMember, "a@"+name+".test", 1),
		createMember(t, ctx, tx, w.group.ID, workflow.RoleMember, "b@"+name+".test", 2),
	}
	w.sessions = []*workflow.Session{
		createSession(t, ctx, tx, w.group.ID, w.members[0].ID, 1),
		createSession(t, ctx, tx, w.group.ID, w.members[1].ID, 2),
	}
	w.message = addMessage(t, ctx, tx, w.group.ID, w.sessions[0].ID, w.members[0].ID, workflow.KindPrepare)
	return w
}
