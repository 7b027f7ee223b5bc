package workflow

import (
	"context"
	"fmt"
)

// State is everything the timeline needs to know about one group: the input of
// Due, loaded in one transaction.
type State struct {
	Group    *Group
	Members  []*Member // animator included
	Sessions []*Session
	Messages []*Message
	Answers  []*Answer
	RSVPs    []*RSVP
	// WorkingDays is the calendar send times keep to (sendtime.go): not
	// loaded but given by the Service (ServiceConfig.WorkingDays); nil
	// means WeekendsOnly.
	WorkingDays WorkingDays
}

// LoadState reads a group's state.
func LoadState(ctx context.Context, tx Tx, groupID int64) (*State, error) {
	g, err := tx.Group(ctx, groupID)
	if err != nil {
		return nil, fmt.Errorf("error loading group %d: %w", groupID, err)
	}
	st := &State{Group: g}
	if st.Members, err = tx.Members(ctx, groupID); err != nil {
		return nil, fmt.Errorf("error loading members of group %d: %w", groupID, err)
	}
	if st.Sessions, err = tx.Sessions(ctx, groupID); err != nil {
		return nil, fmt.Errorf("error loading sessions of group %d: %w", groupID, err)
	}
	if st.Messages, err = tx.Messages(ctx, groupID); err != nil {
		return nil, fmt.Errorf("error loading messages of group %d: %w", groupID, err)
	}
	if st.Answers, err = tx.Answers(ctx, groupID); err != nil {
		return nil, fmt.Errorf("error loading answers of group %d: %w", groupID, err)
	}
	if st.RSVPs, err = tx.RSVPs(ctx, groupID); err != nil {
		return nil, fmt.Errorf("error loading RSVPs of group %d: %w", groupID, err)
	}
	return st, nil
}

// Animator returns the group's active animator, or nil.
func (st *State) Animator() *Member {
	for _, m := range st.Members {
		if m.Role == RoleAnimator && m.Active {
			return m
		}
	}
	return nil
}

// Peers returns the active members, animator excluded, in file order.
func (st *State) Peers() []*Member {
	var out []*Member
	for _, m := range st.Members {
		if m.Role == RoleMember && m.Active {
			out = append(out, m)
		}
	}
	return out
}

// Participants returns the active members and the animator: everyone who is
// invited to the sessions.
func (st *State) Participants() []*Member {
	var out []*Member
	for _, m := range st.Members {
		if m.Active {
			out = append(out, m)
		}
	}
	return out
}

// Member returns the member with that ID, or nil.
func (st *State) Member(id int64) *Member {
	for _, m := range st.Members {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// Session returns the session with that ID, or nil.
func (st *State) Session(id int64) *Session {
	for _, s := range st.Sessions {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// SessionNumber returns the session with that number, or nil.
func (st *State) SessionNumber(n int) *Session {
	for _, s := range st.Sessions {
		if s.Number == n {
			return s
		}
	}
	return nil
}

// Scheduled returns the sessions that are not cancelled, in order.
func (st *State) Scheduled() []*Session {
	var out []*Session
	for _, s := range st.Sessions {
		if !s.Cancelled() {
			out = append(out, s)
		}
	}
	return out
}

// Message returns the recorded message with that key, or nil.
func (st *State) Message(key string) *Message {
	for _, m := range st.Messages {
		if m.Key == key {
			return m
		}
	}
	return nil
}

// RSVP returns a member's answer to a session's invitation, or nil.
func (st *State) RSVP(sessionID, memberID int64) *RSVP {
	for _, r := range st.RSVPs {
		if r.SessionID == sessionID && r.MemberID == memberID {
			return r
		}
	}
	return nil
}
