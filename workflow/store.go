package workflow

import (
	"context"
	"time"
)

// Store is codev's persistence, implemented by the postgres and sqlite
// packages and checked by one conformance suite (workflow/storetest).
type Store interface {
	// InTx runs fn in one transaction, committed when fn returns nil and rolled
	// back otherwise. Jobs enqueued through tx commit or roll back with it.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// TryLock takes a named lock held across processes sharing the database
	// (the IMAP watcher runs on one process at a time). ok is false when
	// another holder has it. release gives it back.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
	Close() error
}

// Tx is the set of reads and writes available inside a transaction. Methods
// that return one row return an error wrapping ErrNotFound when it is missing;
// lists return an empty slice, never nil with no error.
type Tx interface {
	// Groups returns every group, ordered by name.
	Groups(ctx context.Context) ([]*Group, error)
	Group(ctx context.Context, id int64) (*Group, error)
	GroupByName(ctx context.Context, name string) (*Group, error)
	GroupByFeedToken(ctx context.Context, token string) (*Group, error)
	// CreateGroup inserts g and sets its ID and CreatedAt. A duplicate name is
	// an ECONFLICT error.
	CreateGroup(ctx context.Context, g *Group) error
	UpdateGroup(ctx context.Context, g *Group) error
	// GroupsToReconcile returns, ordered by ID, the groups the reconciler
	// must look at now: those whose wake time is at or before now, and those
	// whose state changed since their wake time was set (any write to the
	// group, its members, sessions, messages, answers or RSVPs clears it).
	GroupsToReconcile(ctx context.Context, now time.Time) ([]int64, error)
	// LockGroup makes the transaction the only one changing the group's
	// state until it ends: changes in progress are waited for, and later ones
	// wait. The reconciler takes it before it reads a group, so that no
	// change slips between its reading and SetGroupWake.
	LockGroup(ctx context.Context, groupID int64) error
	// SetGroupWake records when the group next needs the reconciler; the
	// zero time means never, until its state changes.
	SetGroupWake(ctx context.Context, groupID int64, at time.Time) error

	// Members returns every participant of the group, animator included,
	// inactive ones included, ordered by role (animator first) then Position.
	Members(ctx context.Context, groupID int64) ([]*Member, error)
	Member(ctx context.Context, id int64) (*Member, error)
	MemberByFeedToken(ctx context.Context, token string) (*Member, error)
	// MembersByEmail returns the participants with that address in any group.
	MembersByEmail(ctx context.Context, email string) ([]*Member, error)
	// CreateMember inserts m and sets its ID. A duplicate (group, email) is an
	// ECONFLICT error.
	CreateMember(ctx context.Context, m *Member) error
	UpdateMember(ctx context.Context, m *Member) error

	// Sessions returns the group's sessions ordered by Number.
	Sessions(ctx context.Context, groupID int64) ([]*Session, error)
	Session(ctx context.Context, id int64) (*Session, error)
	SessionByUID(ctx context.Context, uid string) (*Session, error)
	CreateSession(ctx context.Context, s *Session) error
	UpdateSession(ctx context.Context, s *Session) error

	// Messages returns the group's recorded messages ordered by ID.
	Messages(ctx context.Context, groupID int64) ([]*Message, error)
	Message(ctx context.Context, id int64) (*Message, error)
	MessageByMessageID(ctx context.Context, messageID string) (*Message, error)
	// AddMessage records m under its unique Key and sets its ID. It returns
	// false, and changes nothing, when a message with that Key exists.
	AddMessage(ctx context.Context, m *Message) (bool, error)
	UpdateMessage(ctx context.Context, m *Message) error

	// EnqueueSend inserts the job that sends message id.
	EnqueueSend(ctx context.Context, messageID int64) error
	// EnqueueReconcile inserts a reconcile job, so a change takes effect now
	// rather than at the next periodic run.
	EnqueueReconcile(ctx context.Context) error
	// EnqueueInbound inserts the job that processes inbound message id.
	EnqueueInbound(ctx context.Context, inboundID int64) error
	// CompleteJob marks the running job jobID completed in this transaction.
	// ctx must be the worker's context.
	CompleteJob(ctx context.Context, jobID int64) error

	// AddInbound stores a message read from the mailbox and sets its ID. It
	// returns false, and changes nothing, when the same (Mailbox, UIDValidity,
	// UID) or the same non-empty MessageID was stored before.
	AddInbound(ctx context.Context, in *Inbound) (bool, error)
	Inbound(ctx context.Context, id int64) (*Inbound, error)
	// InboundByStatus lists inbound messages with that status, oldest first,
	// Raw not loaded.
	InboundByStatus(ctx context.Context, status string) ([]*Inbound, error)
	UpdateInbound(ctx context.Context, in *Inbound) error // Raw nil deletes the bytes
	// Cursor returns the UIDVALIDITY and the last UID stored for a mailbox;
	// zeros when none.
	Cursor(ctx context.Context, mailbox string) (uidValidity, uid uint32, err error)
	SetCursor(ctx context.Context, mailbox string, uidValidity, uid uint32) error

	// SaveAnswer inserts or replaces the answer keyed by (RequestID, Question).
	SaveAnswer(ctx context.Context, a *Answer) error
	Answers(ctx context.Context, groupID int64) ([]*Answer, error)
	// SaveRSVP inserts or replaces the RSVP keyed by (SessionID, MemberID).
	SaveRSVP(ctx context.Context, r *RSVP) error
	RSVPs(ctx context.Context, groupID int64) ([]*RSVP, error)

	// Secret returns the key that signs reply and link tokens, created by
	// the migration.
	Secret(ctx context.Context) ([]byte, error)

	Eraser
	Logins
	RequestTexts
}

// Eraser removes personal data. It is part of Tx; split out to document the
// privacy rules it serves (DOMAIN.md §3 rules 6 to 8).
type Eraser interface {
	// DeleteAnswers deletes the answers of a group, or of one member of it
	// when memberID is not 0, and returns how many it deleted.
	DeleteAnswers(ctx context.Context, groupID, memberID int64) (int64, error)
	// DeleteInbound deletes the inbound messages matched to a group, or to
	// one member of it when memberID is not 0, raw bytes included.
	DeleteInbound(ctx context.Context, groupID, memberID int64) (int64, error)
}

// Logins stores one-time sign-in links for the animators' pages.
type Logins interface {
	// CreateLogin stores a sign-in link by the hash of its token.
	CreateLogin(ctx context.Context, l *Login) error
	// ConsumeLogin marks the link with that token hash used and returns it.
	// A link that is unknown, already used or expired at now returns an
	// error wrapping ErrNotFound: the caller cannot tell which, by design.
	ConsumeLogin(ctx context.Context, tokenHash string, now time.Time) (*Login, error)
}

// Login is a one-time sign-in link sent by email.
type Login struct {
	TokenHash string // SHA-256 of the token, hex; the token itself is never stored
	Email     string // lowercased
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}
