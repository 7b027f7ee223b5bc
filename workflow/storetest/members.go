package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

func testMembers(t *testing.T, setup func(t *testing.T) *testBundle) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			want := newMember(g.ID, workflow.RoleMember, "ada@example.org", 3)
			want.Active, want.Paused, want.Bounced = false, true, true
			require.NoError(t, tx.CreateMember(ctx, want))
			require.NotZero(t, want.ID)

			got, err := tx.Member(ctx, want.ID)
			require.NoError(t, err)
			require.Equal(t, want, got)

			got, err = tx.MemberByFeedToken(ctx, want.FeedToken)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	})

	t.Run("NoUnavailabilityReadsNil", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			m := newMember(g.ID, workflow.RoleMember, "ada@example.org", 1)
			m.Unavailable = []int{}
			require.NoError(t, tx.CreateMember(ctx, m))
			got, err := tx.Member(ctx, m.ID)
			require.NoError(t, err)
			require.Nil(t, got.Unavailable)
		})
	})

	t.Run("OrderedAnimatorFirstThenPosition", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			other := createGroup(t, ctx, tx, "beta")
			createMember(t, ctx, tx, other.ID, workflow.RoleMember, "zz@example.org", 0)
			third := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "c@example.org", 3)
			animator := createMember(t, ctx, tx, g.ID, workflow.RoleAnimator, "anim@example.org", 9)
			first := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "a@example.org", 1)
			second := newMember(g.ID, workflow.RoleMember, "b@example.org", 2)
			second.Active = false // inactive members are listed too
			require.NoError(t, tx.CreateMember(ctx, second))

			members, err := tx.Members(ctx, g.ID)
			require.NoError(t, err)
			require.Equal(t, []*workflow.Member{animator, first, second, third}, members)
		})
	})

	t.Run("ByEmailAcrossGroups", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g1 := createGroup(t, ctx, tx, "alpha")
			g2 := createGroup(t, ctx, tx, "beta")
			m1 := createMember(t, ctx, tx, g1.ID, workflow.RoleMember, "ada@example.org", 1)
			createMember(t, ctx, tx, g1.ID, workflow.RoleMember, "bob@example.org", 2)
			m2 := createMember(t, ctx, tx, g2.ID, workflow.RoleAnimator, "ada@example.org", 0)

			members, err := tx.MembersByEmail(ctx, "ada@example.org")
			require.NoError(t, err)
			require.Equal(t, []*workflow.Member{m1, m2}, members)

			members, err = tx.MembersByEmail(ctx, "nobody@example.org")
			requireEmptyList(t, members, err)
		})
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			m := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "ada@example.org", 1)
			m.Role = workflow.RoleAnimator
			m.Name = "Ada L."
			m.Email = "ada@example.com"
			m.Position = 4
			m.Unavailable = []int{1}
			m.Timezone = "Europe/Zurich"
			m.Active, m.Paused, m.Bounced = false, true, true
			m.FeedToken = "new-token"
			require.NoError(t, tx.UpdateMember(ctx, m))

			got, err := tx.Member(ctx, m.ID)
			require.NoError(t, err)
			require.Equal(t, m, got)
		})
	})

	t.Run("DuplicateEmailInGroupConflicts", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			other := createGroup(t, ctx, tx, "beta")
			createMember(t, ctx, tx, g.ID, workflow.RoleMember, "ada@example.org", 1)

			dup := newMember(g.ID, workflow.RoleMember, "ada@example.org", 2)
			dup.FeedToken = "other-token"
			requireConflict(t, tx.CreateMember(ctx, dup))
			require.Zero(t, dup.ID)

			// The same address in another group is fine, and the transaction
			// is still usable after the conflict.
			createMember(t, ctx, tx, other.ID, workflow.RoleMember, "ada@example.org", 1)

			bob := createMember(t, ctx, tx, g.ID, workflow.RoleMember, "bob@example.org", 2)
			bob.Email = "ada@example.org"
			requireConflict(t, tx.UpdateMember(ctx, bob))

			members, err := tx.Members(ctx, g.ID)
			require.NoError(t, err)
			require.Len(t, members, 2)
			require.Equal(t, "bob@example.org", members[1].Email)
		})
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		bundle := setup(t)

		bundle.inTx(t, func(ctx context.Context, tx workflow.Tx) {
			g := createGroup(t, ctx, tx, "alpha")
			m := newMember(g.ID, workflow.RoleMember, "ada@example.org", 1)
			m.FeedToken = ""
			require.NoError(t, tx.CreateMember(ctx, m))

			_, err := tx.Member(ctx, m.ID+100)
			requireNotFound(t, err)
			_, err = tx.MemberByFeedToken(ctx, "nope")
			requireNotFound(t, err)
			_, err = tx.MemberByFeedToken(ctx, "")
			requireNotFound(t, err)

			m.ID += 100
			requireNotFound(t, tx.UpdateMember(ctx, m))

			members, err := tx.Members(ctx, g.ID+100)
			requireEmptyList(t, members, err)
		})
	})
}
