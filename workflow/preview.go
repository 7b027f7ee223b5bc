package workflow

import (
	"fmt"
	"time"
)

// PreviewItem is one message a cycle would send, with when it would go out.
type PreviewItem struct {
	At      time.Time
	Message *Message
	Email   *Email // nil when skipped
	Member  *Member
}

// Preview walks a group's whole cycle from now, in memory, as the reconciler
// and the send jobs would if nobody ever replied: every message in order,
// each composed at the moment it becomes due. It needs no store: it is the
// timeline (Due, Next) and Compose, nothing else.
func (s *Service) Preview(spec *GroupSpec, now time.Time) ([]PreviewItem, error) {
	change, err := ApplySpec(nil, spec, now, s.gen)
	if err != nil {
		return nil, err
	}
	if err := change.write(&memoryRows{}); err != nil {
		return nil, err
	}
	st := change.State
	st.WorkingDays = s.cfg.WorkingDays
	var out []PreviewItem
	var nextID int64
	for t, steps := now, 0; !t.IsZero() && steps < 10000; t, steps = Next(st, t), steps+1 {
		for _, m := range Due(st, t) {
			nextID++
			m.ID = nextID
			item := PreviewItem{At: t, Message: m, Member: st.Member(m.MemberID)}
			if m.Status == MessagePending {
				m.MessageID = s.signer.Sign(TokenReply, m.ID) + ".preview@" + s.cfg.Mailbox.Domain
				e, err := s.Compose(st, m, t)
				switch {
				case err == ErrNothingToSend:
					m.Status, m.Reason = MessageSkipped, "nothing new to report"
				case err != nil:
					return nil, fmt.Errorf("error composing %s for member %d: %w", m.Kind, m.MemberID, err)
				default:
					m.Status, m.SentAt = MessageSent, t
					item.Email = e
				}
			}
			st.Messages = append(st.Messages, m)
			out = append(out, item)
		}
	}
	return out, nil
}

// memoryRows numbers new rows as a database would.
type memoryRows struct{ next int64 }

func (w *memoryRows) create(id *int64) error {
	w.next++
	*id = w.next
	return nil
}

func (w *memoryRows) createGroup(g *Group) error     { return w.create(&g.ID) }
func (w *memoryRows) updateGroup(*Group) error       { return nil }
func (w *memoryRows) createMember(m *Member) error   { return w.create(&m.ID) }
func (w *memoryRows) updateMember(*Member) error     { return nil }
func (w *memoryRows) createSession(s *Session) error { return w.create(&s.ID) }
func (w *memoryRows) updateSession(*Session) error   { return nil }
