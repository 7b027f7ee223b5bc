package workflow

import (
	"fmt"
	"time"
)

// Kind names a message of the cycle (DOMAIN.md §2.1). Kinds are stored: never
// rename one without a migration.
type Kind string

// The kinds of outgoing messages.
const (
	KindWelcome          Kind = "welcome"
	KindCharterReminder  Kind = "charter_reminder"
	KindInvitation       Kind = "invitation"
	KindCancellation     Kind = "cancellation"
	KindRotationPlan     Kind = "rotation_plan"
	KindPrepare          Kind = "prepare"
	KindPrepareReminder  Kind = "prepare_reminder"
	KindCallForTopics    Kind = "call_for_topics"
	KindFollowup         Kind = "followup"
	KindFollowupReminder Kind = "followup_reminder"
	KindDigest           Kind = "digest"
	KindSessionReminder  Kind = "session_reminder"
	KindClientPlan       Kind = "client_plan"
	KindPlanReminder     Kind = "plan_reminder"
	KindLearnings        Kind = "learnings"
	KindSummary          Kind = "summary"
	KindNudge            Kind = "nudge"
	KindReview           Kind = "review"
	KindRetentionWarning Kind = "retention_warning"
	KindAnimatorNotice   Kind = "animator_notice"
)

// Message statuses. A message is recorded once, under its Key, when it becomes
// due; the send job moves it from pending to sending to sent (or failed).
// Skipped messages were due but too late to be useful (a reminder after the
// session, say): they are recorded so that they are never reconsidered.
const (
	MessagePending = "pending"
	MessageSending = "sending"
	MessageSent    = "sent"
	MessageFailed  = "failed"
	MessageSkipped = "skipped"
)

// Message is one email of the cycle to one participant: the outbox row that
// makes sending exactly-once. Sequence is the session's calendar SEQUENCE that
// an invitation or cancellation carries.
type Message struct {
	ID         int64
	GroupID    int64
	SessionID  int64 // 0 for group-wide messages (welcome)
	MemberID   int64
	Kind       Kind
	Sequence   int
	Key        string // business key, unique: kind, session, member, sequence
	DueAt      time.Time
	Status     string
	Reason     string // why skipped or failed; never content
	MessageID  string // RFC 5322 Message-ID without brackets, set when sent
	SentAt     time.Time
	Attempts   int
	AnsweredAt time.Time // first answer applied from a reply to this message
}

// MessageKey is the business key of a message: at most one message per kind,
// session, member and calendar sequence, whatever the number of reconciles.
func MessageKey(kind Kind, sessionID, memberID int64, seq int) string {
	return fmt.Sprintf("%s:%d:%d:%d", kind, sessionID, memberID, seq)
}
