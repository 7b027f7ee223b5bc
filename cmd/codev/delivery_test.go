package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/workflow"
)

// TestDeliveryFailures: temporary SMTP failures (451, dropped connections)
// are retried until the message goes out once; a permanent refusal (550)
// is recorded on the message with its reason and never retried.
func TestDeliveryFailures(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates[:3])
	// Three sessions: 6 welcomes + 21 invitations = 27 messages. The first
	// RCPT is refused for good, two more are refused for now, one
	// connection drops in the middle of DATA.
	e.smtp.FailNext(smtptest.CmdRcpt, 1, 550)
	e.smtp.FailNext(smtptest.CmdRcpt, 2, 451)
	e.smtp.DropNext(smtptest.CmdData, 1)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)

	var st *workflow.State
	require.Eventually(t, func() bool {
		st = e.state(t, a)
		for _, m := range st.Messages {
			if m.Status != workflow.MessageSent && m.Status != workflow.MessageFailed {
				return false
			}
		}
		return len(st.Messages) == 27
	}, 60*time.Second, 20*time.Millisecond)
	failed := 0
	for _, m := range st.Messages {
		if m.Status == workflow.MessageFailed {
			failed++
			require.Contains(t, m.Reason, "550")
		}
	}
	require.Equal(t, 1, failed, "the 550 is recorded as a permanent failure")
	got := e.smtp.Messages()
	seen := map[string]bool{}
	for _, r := range got {
		ent, err := message.Read(bytes.NewReader(r.Data))
		require.NoError(t, err)
		id := ent.Header.Get("Message-Id")
		require.False(t, seen[id], "%s delivered twice", id)
		seen[id] = true
	}
	require.Len(t, got, 26, "every other message delivered once")
	time.Sleep(300 * time.Millisecond)
	n, err := a.svc.Reconcile(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "a failed message is not recorded again")
	require.Len(t, e.smtp.Messages(), 26, "nor retried")
}
