package workflow

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/codev-org/codev/templates"
)

// ServiceConfig configures a Service.
type ServiceConfig struct {
	// Mailbox is the service address (CODEV_FROM): the From of every email,
	// the ORGANIZER of invitations, and the base of reply addresses.
	Mailbox Address
	// BaseURL is the public URL of `codev serve` (CODEV_BASE_URL), without a
	// trailing slash, for feed and preference links.
	BaseURL string
	Logger  *slog.Logger
	Clock   Clock
	// Parser reads inbound mail (mail/inbound through an adapter).
	Parser Parser
	// ReplyParser reads a reply knowing the text of the request it
	// answers. When set, the text of every request is kept until it is
	// answered (request_text.go); nil reads replies with Parser only.
	ReplyParser ReplyParser
	// Metrics counts sends and inbound messages; optional.
	Metrics Metrics
	// Admins are the addresses (CODEV_ADMINS, lowercased) that may sign in
	// to the animators' pages and see every group, animators or not.
	Admins []string
	// WorkingDays is the calendar of public holidays that send times keep
	// to (package holidays); nil means WeekendsOnly, which knows none.
	WorkingDays WorkingDays
}

// Service carries out codev's use cases over a Store. It is safe for
// concurrent use: all state lives in the store.
type Service struct {
	cfg       ServiceConfig
	store     Store
	mailer    Mailer
	templates *templates.Set
	signer    *Signer
	gen       Generator
	log       *slog.Logger
	clock     Clock
	parser    Parser
	metrics   Metrics
	// reconciled is set once a reconcile pass looked at every group.
	reconciled atomic.Bool
}

// NewService returns a Service. mailer may be nil for commands that never send.
func NewService(cfg ServiceConfig, store Store, mailer Mailer, tpl *templates.Set, signer *Signer, gen Generator) *Service {
	return &Service{
		cfg: cfg, store: store, mailer: mailer, templates: tpl, signer: signer, gen: gen,
		log:   cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		clock: cmp.Or[Clock](cfg.Clock, SystemClock{}), parser: cfg.Parser,
		metrics: cmp.Or[Metrics](cfg.Metrics, nopMetrics{}),
	}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Signer returns the token signer, for the web package's links.
func (s *Service) Signer() *Signer { return s.signer }

// ApplyResult says what applying a group file changed.
type ApplyResult struct {
	GroupID int64
	Changes []string // empty when the file changed nothing
}

// ApplyGroup creates or updates a group from its file, in one transaction
// with the reconcile job that sends what the change calls for. Only the rows
// that changed are written: applying the same file twice writes nothing, so
// the group's wake time stays set. A spec that breaks a rule returns an
// EINVALID error and stores nothing.
func (s *Service) ApplyGroup(ctx context.Context, spec *GroupSpec) (*ApplyResult, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	var res ApplyResult
	err := s.store.InTx(ctx, func(tx Tx) error {
		var cur *State
		g, err := tx.GroupByName(ctx, spec.Name)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return fmt.Errorf("error looking up group %q: %w", spec.Name, err)
		default:
			if cur, err = LoadState(ctx, tx, g.ID); err != nil {
				return err
			}
		}
		change, err := ApplySpec(cur, spec, s.clock.Now(), s.gen)
		if err != nil {
			return err
		}
		if err := change.write(txRows{ctx: ctx, tx: tx}); err != nil {
			return err
		}
		res = ApplyResult{GroupID: change.State.Group.ID, Changes: change.Changes}
		if len(change.Changes) == 0 {
			return nil
		}
		return tx.EnqueueReconcile(ctx)
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "service: Applied group", slog.Int64("group_id", res.GroupID), slog.Int("changes", len(res.Changes)))
	return &res, nil
}

// txRows writes a GroupChange in a transaction.
type txRows struct {
	ctx context.Context
	tx  Tx
}

func (w txRows) createGroup(g *Group) error     { return w.tx.CreateGroup(w.ctx, g) }
func (w txRows) updateGroup(g *Group) error     { return w.tx.UpdateGroup(w.ctx, g) }
func (w txRows) createMember(m *Member) error   { return w.tx.CreateMember(w.ctx, m) }
func (w txRows) updateMember(m *Member) error   { return w.tx.UpdateMember(w.ctx, m) }
func (w txRows) createSession(s *Session) error { return w.tx.CreateSession(w.ctx, s) }
func (w txRows) updateSession(s *Session) error { return w.tx.UpdateSession(w.ctx, s) }

// Groups lists every group with its state.
func (s *Service) Groups(ctx context.Context) ([]*State, error) {
	var out []*State
	err := s.store.InTx(ctx, func(tx Tx) error {
		groups, err := tx.Groups(ctx)
		if err != nil {
			return fmt.Errorf("error listing groups: %w", err)
		}
		out = out[:0]
		for _, g := range groups {
			st, err := LoadState(ctx, tx, g.ID)
			if err != nil {
				return err
			}
			st.WorkingDays = s.cfg.WorkingDays
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// Reconcile records every message that is due now, in every group, and
// enqueues its send job in the same transaction. It returns how many messages
// it recorded. One transaction per group keeps transactions short (SQLite has
// one writer) and lets one broken group not block the others.
//
// Each group's wake time (when its next message falls due, or its free
// text is to be purged) is stored as it is reconciled, and any change to
// the group clears it, so a pass only loads the groups that are due or
// changed: at 10,000 groups, loading every one takes seconds, and nearly
// always finds nothing. The first pass of a process looks at every group
// all the same, so that a new version of the timeline applies at once.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	now := s.clock.Now()
	full := !s.reconciled.Load()
	var ids []int64
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if !full {
			if ids, err = tx.GroupsToReconcile(ctx, now); err != nil {
				return err
			}
			return nil
		}
		groups, err := tx.Groups(ctx)
		if err != nil {
			return fmt.Errorf("error listing groups: %w", err)
		}
		ids = ids[:0]
		for _, g := range groups {
			ids = append(ids, g.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, id := range ids {
		n, err := s.reconcileGroup(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("error reconciling group %d: %w", id, err))
		}
		total += n
	}
	if full && len(errs) == 0 {
		s.reconciled.Store(true)
	}
	return total, errors.Join(errs...)
}

func (s *Service) reconcileGroup(ctx context.Context, groupID int64) (int, error) {
	now := s.clock.Now()
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		n = 0
		if err := tx.LockGroup(ctx, groupID); err != nil {
			return err
		}
		st, err := LoadState(ctx, tx, groupID)
		if err != nil {
			return err
		}
		st.WorkingDays = s.cfg.WorkingDays
		for _, m := range Due(st, now) {
			added, err := tx.AddMessage(ctx, m)
			if err != nil {
				return fmt.Errorf("error recording message %s: %w", m.Key, err)
			}
			st.Messages = append(st.Messages, m) // recorded now, or by another process before
			if !added {
				continue
			}
			n++
			if m.Status == MessagePending {
				if err := tx.EnqueueSend(ctx, m.ID); err != nil {
					return fmt.Errorf("error enqueueing message %d: %w", m.ID, err)
				}
			} else {
				s.log.InfoContext(ctx, "reconciler: Skipped message", slog.Int64("message_id", m.ID),
					slog.String("kind", string(m.Kind)), slog.String("reason", m.Reason))
			}
		}
		if err := s.purge(ctx, tx, st, now); err != nil {
			return err
		}
		return tx.SetGroupWake(ctx, groupID, wakeAt(st, now))
	})
	return n, err
}

// wakeAt is when the group next needs the reconciler, given that every
// message due at now is recorded in st: when its next message falls due, or
// its free text is to be purged, whichever comes first; zero for never.
func wakeAt(st *State, now time.Time) time.Time {
	wake := Next(st, now)
	if sch := st.Scheduled(); len(sch) > 0 {
		if p := PurgeAt(st.Group, sch[len(sch)-1]); p.After(now) && (wake.IsZero() || p.Before(wake)) {
			wake = p
		}
	}
	return wake
}

// Send delivers one recorded message. A message already sent, skipped or
// failed is left alone, so a retried job never sends twice. The message is
// marked sending and given its Message-ID before the SMTP transaction, then
// marked sent in the same transaction that completes the job (jobID, 0
// outside a job worker). If the process dies between the SMTP transaction and
// that commit, the retry sends again: a rare duplicate, harmless for
// invitations (same UID and SEQUENCE), preferred to a lost message.
func (s *Service) Send(ctx context.Context, messageID, jobID int64) error {
	var email *Email
	var msg *Message
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if msg, err = tx.Message(ctx, messageID); err != nil {
			return fmt.Errorf("error loading message %d: %w", messageID, err)
		}
		if msg.Status != MessagePending && msg.Status != MessageSending {
			email = nil
			return s.completeJob(ctx, tx, jobID)
		}
		st, err := LoadState(ctx, tx, msg.GroupID)
		if err != nil {
			return err
		}
		if msg.MessageID == "" {
			msg.MessageID = s.newMessageID(msg.ID)
		}
		email, err = s.Compose(st, msg, s.clock.Now())
		if errors.Is(err, ErrNothingToSend) {
			msg.Status, msg.Reason, email = MessageSkipped, "nothing new to report", nil
			if err := tx.UpdateMessage(ctx, msg); err != nil {
				return err
			}
			return s.completeJob(ctx, tx, jobID)
		}
		if err != nil {
			return fmt.Errorf("error composing message %d: %w", msg.ID, err)
		}
		msg.Status = MessageSending
		msg.Attempts++
		return tx.UpdateMessage(ctx, msg)
	})
	if err != nil || email == nil {
		return err
	}
	sendErr := s.mailer.Send(ctx, email)
	if sendErr != nil && !errors.Is(sendErr, ErrPermanent) {
		s.metrics.MessageFailed(msg.Kind, false)
		s.log.WarnContext(ctx, "sender: Temporary failure", slog.Int64("message_id", msg.ID), slog.String("error", sendErr.Error()))
		return fmt.Errorf("error sending message %d: %w", msg.ID, sendErr)
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		if sendErr != nil {
			msg.Status, msg.Reason = MessageFailed, truncate(sendErr.Error(), 300)
		} else {
			msg.Status, msg.SentAt = MessageSent, s.clock.Now()
		}
		if err := tx.UpdateMessage(ctx, msg); err != nil {
			return err
		}
		if sendErr == nil {
			if err := s.recordText(ctx, tx, msg, email); err != nil {
				return err
			}
			return s.completeJob(ctx, tx, jobID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("error recording message %d: %w", msg.ID, err)
	}
	if sendErr != nil {
		s.metrics.MessageFailed(msg.Kind, true)
		s.log.ErrorContext(ctx, "sender: Permanent failure", slog.Int64("message_id", msg.ID), slog.String("error", sendErr.Error()))
		return fmt.Errorf("error sending message %d: %w", msg.ID, sendErr)
	}
	s.metrics.MessageSent(msg.Kind)
	s.log.InfoContext(ctx, "sender: Sent message", slog.Int64("message_id", msg.ID), slog.String("kind", string(msg.Kind)))
	return nil
}

func (s *Service) completeJob(ctx context.Context, tx Tx, jobID int64) error {
	if jobID == 0 {
		return nil
	}
	return tx.CompleteJob(ctx, jobID)
}

// newMessageID returns "TOKEN.nonce@domain": the reply token comes back in
// In-Reply-To when a server drops the sub-address of Reply-To.
func (s *Service) newMessageID(id int64) string {
	return s.signer.Sign(TokenReply, id) + "." + rand.Text()[:10] + "@" + s.cfg.Mailbox.Domain
}

// NextDue returns when the next message of any group becomes due after now,
// or the zero time when nothing is planned. The dev clock jumps there.
func (s *Service) NextDue(ctx context.Context) (time.Time, error) {
	states, err := s.Groups(ctx)
	if err != nil {
		return time.Time{}, err
	}
	now := s.clock.Now()
	var next time.Time
	for _, st := range states {
		if t := Next(st, now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next, nil
}

// EnqueueReconcile asks for a reconcile now: after the clock moved (dev
// mode) or a change made outside a transaction that enqueued one.
func (s *Service) EnqueueReconcile(ctx context.Context) error {
	return s.store.InTx(ctx, func(tx Tx) error { return tx.EnqueueReconcile(ctx) })
}

// Ping runs an empty transaction: the database answers.
func (s *Service) Ping(ctx context.Context) error {
	return s.store.InTx(ctx, func(Tx) error { return nil })
}
