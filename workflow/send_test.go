package workflow_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// metrics counts what the service reports.
type metrics struct {
	mu     sync.Mutex
	counts map[string]int
}

func (m *metrics) add(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]int{}
	}
	m.counts[key]++
}

func (m *metrics) get(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts[key]
}

func (m *metrics) MessageSent(k workflow.Kind) { m.add("sent " + string(k)) }
func (m *metrics) MessageFailed(k workflow.Kind, permanent bool) {
	m.add(fmt.Sprintf("failed %s permanent=%t", k, permanent))
}
func (m *metrics) InboundProcessed(kind, status string) { m.add("inbound " + kind + " " + status) }

// pending records the group's first messages without sending them and
// returns Alice's welcome.
func pending(t *testing.T, h *harness) *workflow.Message {
	t.Helper()
	id := h.apply(newSpec())
	_, err := h.svc.Reconcile(h.ctx)
	require.NoError(t, err)
	st := h.state(id)
	w := h.message(id, workflow.KindWelcome, member(t, st, alice).ID, 0)
	require.Equal(t, workflow.MessagePending, w.Status)
	return w
}

// reload loads a message again.
func (h *harness) reload(m *workflow.Message) *workflow.Message {
	h.t.Helper()
	var out *workflow.Message
	h.tx(func(tx workflow.Tx) error {
		var err error
		out, err = tx.Message(h.ctx, m.ID)
		return err
	})
	return out
}

func TestSendTemporaryFailureThenSuccess(t *testing.T) {
	t.Parallel()
	m := &metrics{}
	h := newHarness(t, start, withMetrics(m))
	w := pending(t, h)

	h.mail.failWith(fmt.Errorf("451 try again later"))
	err := h.svc.Send(h.ctx, w.ID, 0)
	require.ErrorContains(t, err, "451 try again later")
	require.NotErrorIs(t, err, workflow.ErrPermanent)
	w1 := h.reload(w)
	require.Equal(t, workflow.MessageSending, w1.Status, "River retries it")
	require.Equal(t, 1, w1.Attempts)
	require.NotEmpty(t, w1.MessageID, "the Message-ID is fixed before the first attempt")
	require.Equal(t, 1, m.get("failed welcome permanent=false"))

	h.mail.failWith(nil)
	h.clock.Advance(time.Minute)
	require.NoError(t, h.svc.Send(h.ctx, w.ID, 0))
	w2 := h.reload(w)
	require.Equal(t, workflow.MessageSent, w2.Status)
	require.Equal(t, 2, w2.Attempts)
	require.Equal(t, w1.MessageID, w2.MessageID, "a retry keeps the Message-ID")
	require.Equal(t, h.clock.Now(), w2.SentAt)
	sent := h.mail.take()
	require.Len(t, sent, 1)
	require.Equal(t, w1.MessageID, sent[0].MessageID)
	require.Equal(t, 1, m.get("sent welcome"))

	// A job retried after the send sends nothing.
	require.NoError(t, h.svc.Send(h.ctx, w.ID, 0))
	require.Empty(t, h.mail.take())
}

func TestSendPermanentFailure(t *testing.T) {
	t.Parallel()
	m := &metrics{}
	h := newHarness(t, start, withMetrics(m))
	w := pending(t, h)
	h.mail.failWith(fmt.Errorf("%w: 550 no such user", workflow.ErrPermanent))
	err := h.svc.Send(h.ctx, w.ID, 0)
	require.ErrorIs(t, err, workflow.ErrPermanent)
	w1 := h.reload(w)
	require.Equal(t, workflow.MessageFailed, w1.Status)
	require.Equal(t, "permanent delivery failure: 550 no such user", w1.Reason)
	require.Equal(t, 1, m.get("failed welcome permanent=true"))
	h.mail.failWith(nil)
	require.NoError(t, h.svc.Send(h.ctx, w.ID, 0), "a failed message is left alone")
	require.Empty(t, h.mail.take())

	require.ErrorIs(t, h.svc.Send(h.ctx, 999999, 0), workflow.ErrNotFound)
}

// TestSummaryWithNothingIsSkipped: a summary nobody answered for is
// recorded as skipped when its send job runs, never sent empty.
func TestSummaryWithNothingIsSkipped(t *testing.T) {
	t.Parallel()
	m := &metrics{}
	g := newGroup(t, withMetrics(m))
	g.walk(day(s1, 2))
	sum := g.message(g.id, workflow.KindSummary, g.m(claire).ID, g.state.SessionNumber(1).ID)
	require.Equal(t, workflow.MessageSkipped, sum.Status)
	require.Equal(t, "nothing new to report", sum.Reason)
	require.Empty(t, g.mail.to(claire, workflow.KindSummary))
	require.Positive(t, m.get("sent digest"), "the digest had news: the RSVPs awaited and the unanswered asks")
}

// TestDowntimeCatchUp: after a long stop, what is stale is recorded as
// skipped with its reason, and only what is still useful goes out.
func TestDowntimeCatchUp(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	g.at(day(s1, -1))
	st := g.harness.state(g.id)
	prep := g.message(g.id, workflow.KindPrepare, g.m(alice).ID, st.SessionNumber(1).ID)
	require.Equal(t, workflow.MessageSkipped, prep.Status)
	require.Contains(t, prep.Reason, "too late: its moment passed on ")
	require.Len(t, g.mail.to(alice, workflow.KindSessionReminder), 1, "the reminder of tomorrow's session is still useful")
}
