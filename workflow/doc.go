// Package workflow is codev's domain: groups, members, sessions, the rotation of
// the client role, the messages of a cycle and the timeline that decides when
// each one is due.
//
// It is unrelated to River Pro's "workflow" feature. It imports the standard
// library and templates only: stores, mail, calendar and job queue are adapters
// that implement or call the interfaces declared here (Store, Mailer, Clock), so
// the rules can be tested without any of them.
//
// Files are by noun: the group and its file (group.go, spec.go, apply.go,
// rotation.go), the state and the timeline (state.go, timeline.go,
// offsets.go), messages and what is sent (message.go, compose.go, digest.go,
// email.go, event.go, feed.go, preview.go, token.go), replies (reply.go,
// inbound*.go, openmode.go, changes_email.go), changes by command
// (changes.go), the animators' pages (animator.go, signin.go, held.go,
// requests.go), privacy (privacy.go, export.go), and the Service with what
// it consumes (service.go, store.go, clock.go, metrics.go, errors.go).
//
// # Timeline
//
// The messages of a cycle are a pure function of the group's state and the
// current time (Due). A reconciler evaluates it periodically and records each
// due message once, under a business key, in the same transaction that enqueues
// its send job. Reschedules, cancellations, swaps, pauses and catch-up after
// downtime are therefore all the same problem: change the state, and the next
// reconcile does the rest.
package workflow
