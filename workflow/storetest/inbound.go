package storetest

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// newInbound returns a pending inbound message with every field set but
// the matched IDs.
func newInbound(uid uint32, messageID string) *workflow.Inbound {
	return &workflow.Inbound{
		Mailbox:     "INBOX",
		UIDValidity: math.MaxUint32,
		UID:         uid,
		MessageID:   messageID,
		Raw:         []byte("From: ada@example.org\r\n\r\n\x00\xff binary-safe"),
		Size:        1234,
		ReceivedAt:  day(7),
		Status:      workflow.InboundPending,
		Kind:        "reply",
		Reason:      "",
		Sender:      "ada@example.org",
	}
}

func addInbound(t *testing.T, ctx context.Context, tx workflow.Tx, in *workflow.Inbound) {
	t.Helper()
	added, err := tx.AddInbound(ctx, in)
	require.NoError(t, err)
	require.True(t, added)
	require.NotZero(t, in.ID)
}

func testInbound(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			w := createWorld(t, ctx, tx, "alpha")
			in := newInbound(math.MaxUint32-1, "reply-1@example.org")
			addInbound(t, ctx, tx, in)

			got, err := tx.Inbound(ctx, in.ID)
			require.NoError(t, err)
			require.Equal(t, in, got)

			in.Status = workflow.InboundProcessed
			in.Kind = "calendar_reply"
			in.Reason = "applied"
			in.GroupID = w.group.ID
			in.MemberID = w.members[0].ID
			in.RequestID = w.message.ID
			in.Raw = nil // processed: the bytes go
			require.NoError(t, tx.UpdateInbound(ctx, in))

			got, err = tx.Inbound(ctx, in.ID)
			require.NoError(t, err)
			require.Nil(t, got.Raw)
			require.Equal(t, in, got)
		})
	})

	t.Run("DuplicateUIDNotAdded", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			addInbound(t, ctx, tx, newInbound(1, "a@example.org"))

			dup := newInbound(1, "b@example.org")
			added, err := tx.AddInbound(ctx, dup)
			require.NoError(t, err)
			require.False(t, added)
			require.Zero(t, dup.ID)

			// The same UID under another UIDVALIDITY or mailbox is another
			// message.
			other := newInbound(1, "c@example.org")
			other.UIDValidity = 7
			addInbound(t, ctx, tx, other)
			other = newInbound(1, "d@example.org")
			other.Mailbox = "Archive"
			addInbound(t, ctx, tx, other)
		})
	})

	t.Run("DuplicateMessageIDNotAdded", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			addInbound(t, ctx, tx, newInbound(1, "a@example.org"))

			dup := newInbound(2, "a@example.org")
			dup.Mailbox = "Archive"
			added, err := tx.AddInbound(ctx, dup)
			require.NoError(t, err)
			require.False(t, added)

			// An empty Message-ID deduplicates nothing.
			addInbound(t, ctx, tx, newInbound(3, ""))
			addInbound(t, ctx, tx, newInbound(4, ""))

			pending, err := tx.InboundByStatus(ctx, workflow.InboundPending)
			require.NoError(t, err)
			require.Len(t, pending, 3)
		})
	})

	t.Run("ByStatusOldestFirstWithoutRaw", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			late := newInbound(1, "late@example.org")
			late.ReceivedAt = day(9)
			early := newInbound(2, "early@example.org")
			early.ReceivedAt = inCET(day(8))
			held := newInbound(3, "held@example.org")
			held.Status = workflow.InboundHeld
			held.ReceivedAt = day(1)
			for _, in := range []*workflow.Inbound{late, early, held} {
				addInbound(t, ctx, tx, in)
			}

			pending, err := tx.InboundByStatus(ctx, workflow.InboundPending)
			require.NoError(t, err)
			require.Len(t, pending, 2)
			require.Equal(t, []int64{early.ID, late.ID}, []int64{pending[0].ID, pending[1].ID})
			for _, in := range pending {
				require.Nil(t, in.Raw, "Raw is not loaded")
			}
			want := *late
			want.Raw = nil
			require.Equal(t, &want, pending[1])

			list, err := tx.InboundByStatus(ctx, workflow.InboundIgnored)
			requireEmptyList(t, list, err)
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			in := newInbound(1, "a@example.org")
			addInbound(t, ctx, tx, in)
			_, err := tx.Inbound(ctx, in.ID+100)
			requireNotFound(t, err)
			in.ID += 100
			requireNotFound(t, tx.UpdateInbound(ctx, in))
		})
	})

	t.Run("Cursor", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			validity, uid, err := tx.Cursor(ctx, "INBOX")
			require.NoError(t, err)
			require.Zero(t, validity)
			require.Zero(t, uid)

			require.NoError(t, tx.SetCursor(ctx, "INBOX", math.MaxUint32, 41))
			require.NoError(t, tx.SetCursor(ctx, "Archive", 3, 4))
			require.NoError(t, tx.SetCursor(ctx, "INBOX", math.MaxUint32, math.MaxUint32))

			validity, uid, err = tx.Cursor(ctx, "INBOX")
			require.NoError(t, err)
			require.Equal(t, uint32(math.MaxUint32), validity)
			require.Equal(t, uint32(math.MaxUint32), uid)

			validity, uid, err = tx.Cursor(ctx, "Archive")
			require.NoError(t, err)
			require.Equal(t, []uint32{3, 4}, []uint32{validity, uid})
		})
	})
}
