// Package jobs holds codev's River job arguments and thin workers that call
// workflow.Service. Kind strings are a stored format: never rename one.
package jobs

// ReconcileArgs runs the reconciler: it records every due message and
// enqueues its send job. It runs periodically and after every state change.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "reconcile" }

// SendArgs sends one recorded message.
type SendArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "send" }

// InboundArgs processes one stored inbound email.
type InboundArgs struct {
	InboundID int64 `json:"inbound_id"`
}

// Kind implements river.JobArgs.
func (InboundArgs) Kind() string { return "inbound" }
