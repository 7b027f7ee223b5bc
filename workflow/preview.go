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
	mem := &memoryPersister{}
	st, _, err := ApplySpec(nil, spec, now, s.gen, mem)
	if err != nil {
		return nil, err
	}
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

// memoryPersister numbers rows as a database would.
type memoryPersister struct{ next int64 }

func (p *memoryPersister) id(v *int64) {
	if *v == 0 {
		p.next++
		*v = p.next
	}
}

func (p *memoryPersister) SaveGroup(g *Group) error     { p.id(&g.ID); return nil }
func (p *memoryPersister) SaveMember(m *Member) error   { p.id(&m.ID); return nil }
func (p *memoryPersister) SaveSession(s *Session) error { p.id(&s.ID); return nil }
