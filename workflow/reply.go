package workflow

import "time"

// Inbound statuses.
const (
	InboundPending   = "pending"   // stored, processing job enqueued
	InboundProcessed = "processed" // understood and applied (or deliberately ignored); raw bytes deleted
	InboundHeld      = "held"      // kept for the animator with a reason
	InboundIgnored   = "ignored"   // dealt with by the animator, or an auto-reply; raw bytes deleted
)

// Inbound is one message read from the service mailbox. Raw holds its bytes
// until it is processed: it may carry third parties' data, so it is deleted as
// soon as the extracted answer is stored (DOMAIN.md §3 rule 8).
type Inbound struct {
	ID          int64
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string // RFC 5322 Message-ID, for deduplication
	Raw         []byte
	Size        int64
	ReceivedAt  time.Time
	Status      string
	Kind        MailKind
	Reason      string
	GroupID     int64 // 0 until matched
	MemberID    int64 // 0 until matched
	RequestID   int64 // the outgoing Message it answers, 0 until matched
	Sender      string
}

// Answer is what a participant answered to one question of a request.
// Applying the same answer twice changes nothing: answers are keyed by
// (request, question).
type Answer struct {
	ID        int64
	GroupID   int64
	SessionID int64
	MemberID  int64
	RequestID int64 // the outgoing Message that asked
	Kind      Kind  // kind of that message, names the question set
	Question  int   // 1-based question number; 0 for a free answer
	Text      string
	Shared    bool // the client allowed sharing this with the group
	InboundID int64
	CreatedAt time.Time
}

// RSVP statuses, as iTIP PARTSTAT.
const (
	RSVPNeedsAction = "NEEDS-ACTION"
	RSVPAccepted    = "ACCEPTED"
	RSVPDeclined    = "DECLINED"
	RSVPTentative   = "TENTATIVE"
)

// RSVP is a participant's answer to a session invitation. Only the newest by
// (Sequence, Stamp) is kept.
type RSVP struct {
	SessionID int64
	MemberID  int64
	PartStat  string
	Sequence  int
	Stamp     time.Time
}
