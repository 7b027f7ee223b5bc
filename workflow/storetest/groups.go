package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testGroups(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		want := newGroup("alpha")
		want.CreatedAt = inCET(day(2).Add(789 * time.Nanosecond)) // beyond microseconds
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			require.NoError(t, tx.CreateGroup(ctx, want))
		})
		require.NotZero(t, want.ID)
		require.Equal(t, day(2), want.CreatedAt, "CreatedAt is left as stored: UTC, microseconds")

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			got, err := tx.Group(ctx, want.ID)
			require.NoError(t, err)
			require.Equal(t, want, got)
			require.Equal(t, time.UTC, got.CreatedAt.Location())

			got, err = tx.GroupByName(ctx, "alpha")
			require.NoError(t, err)
			require.Equal(t, want, got)

			got, err = tx.GroupByFeedToken(ctx, want.FeedToken)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	})

	t.Run("CreatedAtDefaultsToNow", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		g := newGroup("alpha")
		g.CreatedAt = time.Time{}
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			require.NoError(t, tx.CreateGroup(ctx, g))
			require.WithinDuration(t, time.Now(), g.CreatedAt, time.Minute)
			got, err := tx.Group(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, g.CreatedAt, got.CreatedAt)
		})
	})

	t.Run("ZeroOffsetsRoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		g := newGroup("alpha")
		g.Offsets = workflow.Offsets{}
		g.FeedToken = ""
		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			require.NoError(t, tx.CreateGroup(ctx, g))
			got, err := tx.Group(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, g, got)
		})
	})

	t.Run("OrderedByName", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			for _, name := range []string{"beta", "Zeta", "alpha", "Alpha"} {
				createGroup(t, ctx, tx, name)
			}
			groups, err := tx.Groups(ctx)
			require.NoError(t, err)
			var names []string
			for _, g := range groups {
				names = append(names, g.Name)
			}
			require.Equal(t, []string{"Alpha", "Zeta", "alpha", "beta"}, names, "byte order")
		})
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			g.Name = "alpha2"
			g.Language = workflow.LangEN
			g.Timezone = "America/Montreal"
			g.Country = "CA-QC"
			g.Visio = "https://other.example/"
			g.Mode = workflow.ModeOpen
			g.MaxMembers = 8
			g.Offsets = workflow.Offsets{Review: 9}
			g.FeedToken = "new-token"
			require.NoError(t, tx.UpdateGroup(ctx, g))

			got, err := tx.Group(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, g, got)
			_, err = tx.GroupByName(ctx, "alpha")
			requireNotFound(t, err)
		})
	})

	t.Run("DuplicateNameConflicts", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			first := createGroup(t, ctx, tx, "alpha")
			dup := newGroup("alpha")
			dup.FeedToken = "other-token"
			requireConflict(t, tx.CreateGroup(ctx, dup))
			require.Zero(t, dup.ID)

			second := createGroup(t, ctx, tx, "beta")
			second.Name = "alpha"
			requireConflict(t, tx.UpdateGroup(ctx, second))

			// The transaction is still usable after a conflict.
			got, err := tx.Groups(ctx)
			require.NoError(t, err)
			require.Len(t, got, 2)
			require.Equal(t, first.ID, got[0].ID)
			require.Equal(t, "beta", got[1].Name)
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			g.FeedToken = ""
			require.NoError(t, tx.UpdateGroup(ctx, g))

			_, err := tx.Group(ctx, g.ID+100)
			requireNotFound(t, err)
			_, err = tx.GroupByName(ctx, "nope")
			requireNotFound(t, err)
			_, err = tx.GroupByFeedToken(ctx, "nope")
			requireNotFound(t, err)
			_, err = tx.GroupByFeedToken(ctx, "")
			requireNotFound(t, err)

			missing := newGroup("missing")
			missing.ID = g.ID + 100
			requireNotFound(t, tx.UpdateGroup(ctx, missing))
		})
	})

	t.Run("EmptyList", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			groups, err := tx.Groups(ctx)
			requireEmptyList(t, groups, err)
		})
	})
}
