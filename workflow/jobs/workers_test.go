package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// service records the calls of the workers and returns err.
type service struct {
	calls []string
	err   error
}

func (s *service) Reconcile(context.Context) (int, error) {
	s.calls = append(s.calls, "reconcile")
	return 0, s.err
}

func (s *service) Send(_ context.Context, messageID, jobID int64) error {
	s.calls = append(s.calls, fmt.Sprintf("send %d in job %d", messageID, jobID))
	return s.err
}

func (s *service) ProcessInbound(_ context.Context, id int64) error {
	s.calls = append(s.calls, fmt.Sprintf("inbound %d", id))
	return s.err
}

func TestWorkers(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc := &service{}
	require.NoError(t, (&ReconcileWorker{Service: svc}).Work(ctx, &river.Job[ReconcileArgs]{}))
	send := &SendWorker{Service: svc}
	require.NoError(t, send.Work(ctx, &river.Job[SendArgs]{JobRow: &rivertype.JobRow{ID: 9}, Args: SendArgs{MessageID: 4}}))
	require.NoError(t, (&InboundWorker{Service: svc}).Work(ctx, &river.Job[InboundArgs]{Args: InboundArgs{InboundID: 7}}))
	require.Equal(t, []string{"reconcile", "send 4 in job 9", "inbound 7"}, svc.calls,
		"the send job is passed on, so the service completes it with the message")
	require.Equal(t, 2*time.Minute, send.Timeout(nil))

	// A permanent failure cancels the job; any other is retried.
	svc.err = fmt.Errorf("%w: 550", workflow.ErrPermanent)
	err := send.Work(ctx, &river.Job[SendArgs]{JobRow: &rivertype.JobRow{ID: 9}})
	var cancel *river.JobCancelError
	require.ErrorAs(t, err, &cancel)
	require.ErrorIs(t, err, workflow.ErrPermanent)
	svc.err = errors.New("451")
	err = send.Work(ctx, &river.Job[SendArgs]{JobRow: &rivertype.JobRow{ID: 9}})
	require.EqualError(t, err, "451")
	require.False(t, errors.As(err, &cancel))
}

func TestConfig(t *testing.T) {
	t.Parallel()
	cfg := Config(&service{}, time.Minute)
	require.Len(t, cfg.PeriodicJobs, 1, "the periodic reconciler")
	require.Equal(t, 10, cfg.Queues[river.QueueDefault].MaxWorkers)
	require.NotNil(t, cfg.Workers)
	require.Equal(t, "reconcile", ReconcileArgs{}.Kind())
	require.Equal(t, "send", SendArgs{}.Kind())
	require.Equal(t, "inbound", InboundArgs{}.Kind())
}
