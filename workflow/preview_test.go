package workflow_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestPreview walks a whole cycle in memory: no store, every message in
// order, each composed when it becomes due.
func TestPreview(t *testing.T) {
	t.Parallel()
	tpl, err := tplSet()
	require.NoError(t, err)
	svc := workflow.NewService(workflow.ServiceConfig{Mailbox: mailbox, BaseURL: baseURL}, nil, nil, tpl,
		workflow.NewSigner([]byte("preview")), &generator{})
	items, err := svc.Preview(newSpec(), start)
	require.NoError(t, err)

	byKind := map[workflow.Kind]int{}
	skipped := map[workflow.Kind]int{}
	var ids []int64
	for i, it := range items {
		if i > 0 {
			require.False(t, it.At.Before(items[i-1].At), "in order")
		}
		require.NotNil(t, it.Member)
		require.Equal(t, it.Member.ID, it.Message.MemberID)
		ids = append(ids, it.Message.ID)
		if it.Email == nil {
			skipped[it.Message.Kind]++
			require.Equal(t, workflow.MessageSkipped, it.Message.Status)
			continue
		}
		byKind[it.Message.Kind]++
		require.Equal(t, it.Member.Email, it.Email.To.Email)
		require.Equal(t, it.At, it.Email.Date)
	}
	require.Equal(t, 3, byKind[workflow.KindWelcome])
	require.Equal(t, 3, byKind[workflow.KindCharterReminder], "nobody answers in a preview")
	require.Equal(t, 12, byKind[workflow.KindInvitation])
	require.Equal(t, 3, byKind[workflow.KindPrepare])
	require.Equal(t, 2, byKind[workflow.KindFollowup], "before sessions 2 and 3")
	require.Equal(t, 12, byKind[workflow.KindSessionReminder])
	require.Equal(t, 3, byKind[workflow.KindReview])
	require.Equal(t, 3, skipped[workflow.KindSummary], "nobody answered: nothing to sum up")
	require.Equal(t, int64(1), items[0].Message.GroupID, "rows are numbered as a database would")
	for i, id := range ids {
		require.Equal(t, int64(i+1), id)
	}

	bad := newSpec()
	bad.Sessions = nil
	_, err = svc.Preview(bad, start)
	require.True(t, workflow.IsInvalid(err))
}
