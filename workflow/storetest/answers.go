package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testAnswers(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("SaveReplacesByRequestAndQuestion", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			in := newInbound(1, "a@example.org")
			addInbound(t, ctx, tx, in)
			newAnswer := func(question int, text string) *workflow.Answer {
				return &workflow.Answer{
					GroupID:   w.group.ID,
					SessionID: w.sessions[0].ID,
					MemberID:  w.members[0].ID,
					RequestID: w.message.ID,
					Kind:      w.message.Kind,
					Question:  question,
					Text:      text,
					Shared:    true,
					InboundID: in.ID,
					CreatedAt: inCET(day(9)),
				}
			}

			q1 := newAnswer(1, "first")
			require.NoError(t, tx.SaveAnswer(ctx, q1))
			require.NotZero(t, q1.ID)
			require.Equal(t, day(9), q1.CreatedAt, "CreatedAt is left as stored")
			q2 := newAnswer(2, "second")
			q2.Shared = false
			q2.SessionID, q2.InboundID = 0, 0
			require.NoError(t, tx.SaveAnswer(ctx, q2))

			replaced := newAnswer(1, "first, amended")
			replaced.Shared = false
			replaced.CreatedAt = day(10)
			require.NoError(t, tx.SaveAnswer(ctx, replaced))
			require.Equal(t, q1.ID, replaced.ID, "a replaced answer keeps its ID")

			answers, err := tx.Answers(ctx, w.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Answer{replaced, q2}, answers)
		})
	})

	t.Run("CreatedAtDefaultsToNow", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			a := &workflow.Answer{GroupID: w.group.ID, RequestID: w.message.ID, Kind: w.message.Kind, Text: "free"}
			require.NoError(t, tx.SaveAnswer(ctx, a))
			require.WithinDuration(t, time.Now(), a.CreatedAt, time.Minute)
			answers, err := tx.Answers(ctx, w.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Answer{a}, answers)
		})
	})

	t.Run("ByGroup", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			other := createWorld(t, ctx, tx, "beta")
			require.NoError(t, tx.SaveAnswer(ctx, &workflow.Answer{
				GroupID: w.group.ID, RequestID: w.message.ID, Kind: w.message.Kind, Question: 1, Text: "x",
			}))
			answers, err := tx.Answers(ctx, other.group.ID)
			requireEmptyList(t, answers, err)
		})
	})
}

func testRSVPs(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("SaveReplacesBySessionAndMember", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			s1, s2 := w.sessions[0], w.sessions[1]
			m1, m2 := w.members[0], w.members[1]

			later := &workflow.RSVP{SessionID: s2.ID, MemberID: m1.ID, PartStat: workflow.RSVPTentative}
			first := &workflow.RSVP{SessionID: s1.ID, MemberID: m2.ID, PartStat: workflow.RSVPAccepted, Sequence: 1, Stamp: inCET(day(2))}
			for _, r := range []*workflow.RSVP{later, first} {
				require.NoError(t, tx.SaveRSVP(ctx, r))
			}
			replaced := &workflow.RSVP{SessionID: s1.ID, MemberID: m2.ID, PartStat: workflow.RSVPDeclined, Sequence: 2, Stamp: day(3)}
			require.NoError(t, tx.SaveRSVP(ctx, replaced))

			rsvps, err := tx.RSVPs(ctx, w.group.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.RSVP{replaced, later}, rsvps, "by session number, one per member")
		})
	})

	t.Run("ByGroup", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			other := createWorld(t, ctx, tx, "beta")
			require.NoError(t, tx.SaveRSVP(ctx, &workflow.RSVP{
				SessionID: w.sessions[0].ID, MemberID: w.members[0].ID, PartStat: workflow.RSVPAccepted,
			}))
			rsvps, err := tx.RSVPs(ctx, other.group.ID)
			requireEmptyList(t, rsvps, err)
		})
	})
}
