package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/codev-org/codev/workflow"
	"github.com/codev-org/codev/workflow/jobs"
)

// Jobs inserts and completes River jobs in one transaction.
type Jobs interface {
	// Insert inserts a job.
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	// Complete marks the running job id completed. ctx must be the context
	// River gave the worker: it carries the client.
	Complete(ctx context.Context, id int64) error
}

// NewJobs returns the Jobs of transaction tx: client (an insert-only client
// is enough) inserts jobs, and completion goes through the worker's client
// found in ctx, with TDriver, the client's driver type.
func NewJobs[TDriver riverdriver.Driver[TTx], TTx any](client *river.Client[TTx], tx TTx) Jobs {
	return &riverJobs[TDriver, TTx]{client: client, tx: tx}
}

// riverJobs is Jobs over a River client.
type riverJobs[TDriver riverdriver.Driver[TTx], TTx any] struct {
	client *river.Client[TTx]
	tx     TTx
}

func (j *riverJobs[TDriver, TTx]) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := j.client.InsertTx(ctx, j.tx, args, opts)
	return err
}

func (j *riverJobs[TDriver, TTx]) Complete(ctx context.Context, id int64) error {
	// JobCompleteTx panics without a client in ctx: check first.
	if _, err := river.ClientFromContextSafely[TTx](ctx); err != nil {
		return err
	}
	// JobCompleteTx needs only the ID and the running state; the row it
	// updates is matched by ID and state.
	job := &river.Job[jobs.SendArgs]{JobRow: &rivertype.JobRow{ID: id, State: rivertype.JobStateRunning}}
	_, err := river.JobCompleteTx[TDriver](ctx, j.tx, job)
	return err
}

// EnqueueSend implements workflow.Tx.
func (tx *Tx) EnqueueSend(ctx context.Context, messageID int64) error {
	if err := tx.jobs.Insert(ctx, jobs.SendArgs{MessageID: messageID}, nil); err != nil {
		return fmt.Errorf("error enqueuing send of message %d: %w", messageID, err)
	}
	return nil
}

// EnqueueReconcile implements workflow.Tx. It inserts a reconcile job
// unless one is already waiting: a waiting reconcile has not read the state
// yet, so it will see this transaction's change. A running one may have read
// it already, which is why River's unique jobs (whose ByState must include
// running) are not used: with them, a change committed while a reconcile
// runs would wait for the next periodic one. Two transactions racing past
// the check insert two jobs, which is harmless: reconciling is idempotent.
func (tx *Tx) EnqueueReconcile(ctx context.Context) error {
	var waiting int
	err := tx.ex.QueryRow(ctx, `SELECT count(*) FROM river_job
		WHERE kind = $1 AND state IN ('available', 'pending', 'scheduled', 'retryable')`,
		jobs.ReconcileArgs{}.Kind()).Scan(&waiting)
	if err != nil {
		return fmt.Errorf("error looking for a waiting reconcile: %w", err)
	}
	if waiting > 0 {
		return nil
	}
	if err := tx.jobs.Insert(ctx, jobs.ReconcileArgs{}, nil); err != nil {
		return fmt.Errorf("error enqueuing reconcile: %w", err)
	}
	return nil
}

// EnqueueInbound implements workflow.Tx.
func (tx *Tx) EnqueueInbound(ctx context.Context, inboundID int64) error {
	if err := tx.jobs.Insert(ctx, jobs.InboundArgs{InboundID: inboundID}, nil); err != nil {
		return fmt.Errorf("error enqueuing processing of inbound message %d: %w", inboundID, err)
	}
	return nil
}

// CompleteJob implements workflow.Tx. ctx must be the worker's context.
func (tx *Tx) CompleteJob(ctx context.Context, jobID int64) error {
	err := tx.jobs.Complete(ctx, jobID)
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("error completing job %d, missing or not running: %w", jobID, workflow.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("error completing job %d: %w", jobID, err)
	}
	return nil
}
