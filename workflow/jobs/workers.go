package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/codev-org/codev/workflow"
)

// Service is the part of workflow.Service the workers call.
type Service interface {
	Reconcile(ctx context.Context) (int, error)
	Send(ctx context.Context, messageID, jobID int64) error
	ProcessInbound(ctx context.Context, inboundID int64) error
}

// ReconcileWorker runs the reconciler.
type ReconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	Service Service
}

// Work implements river.Worker.
func (w *ReconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	_, err := w.Service.Reconcile(ctx)
	return err
}

// SendWorker sends one message; the service completes the job in the
// transaction that records the message as sent.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service Service
}

// Work implements river.Worker. A permanent failure (5xx) cancels the job:
// retrying cannot help, and the failure is recorded on the message.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	err := w.Service.Send(ctx, job.Args.MessageID, job.ID)
	if errors.Is(err, workflow.ErrPermanent) {
		return river.JobCancel(err)
	}
	return err
}

// Timeout bounds one send: dial, TLS and the SMTP transaction.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return 2 * time.Minute }

// InboundWorker processes one stored inbound email.
type InboundWorker struct {
	river.WorkerDefaults[InboundArgs]
	Service Service
}

// Work implements river.Worker.
func (w *InboundWorker) Work(ctx context.Context, job *river.Job[InboundArgs]) error {
	return w.Service.ProcessInbound(ctx, job.Args.InboundID)
}

// Workers registers codev's workers.
func Workers(svc Service) *river.Workers {
	ws := river.NewWorkers()
	river.AddWorker(ws, &ReconcileWorker{Service: svc})
	river.AddWorker(ws, &SendWorker{Service: svc})
	river.AddWorker(ws, &InboundWorker{Service: svc})
	return ws
}

// Config returns the River configuration codev runs with: the workers, the
// default queue, and the periodic reconciler.
//
// River keeps the real clock even when the service runs on a test or dev
// clock: every codev job is meant to run as soon as it is inserted, and what
// is due is decided by the service's clock inside Reconcile, so River never
// needs to know the domain's time.
func Config(svc Service, every time.Duration) *river.Config {
	return &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		// River fetches jobs at most every FetchCooldown, up to MaxWorkers
		// at a time: its default of 100 ms capped sending at 100 messages
		// a second, whatever the SMTP server could take (bench/).
		FetchCooldown: 5 * time.Millisecond,
		Workers:       Workers(svc),
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(every),
				func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	}
}
