package workflow

import "slices"

// Candidate is a member who may be client, in the order the rotation
// prefers (the group file's order).
type Candidate struct {
	ID          int64
	Unavailable []int // session numbers
}

// Rotate assigns clients to sessions 1..n so that each candidate is client at
// most once and never at a session they said they cannot attend. fixed holds
// assignments to keep as they are (sessions already held, swaps confirmed by
// the animator); their members are not assigned again.
//
// The result is deterministic: sessions are filled in order with the first
// candidate in file order, and a later session may take an earlier one's
// candidate only through an augmenting path (maximum bipartite matching), so
// re-applying an unchanged group file gives the same rotation. Sessions that
// cannot get anyone stay unassigned (0), and the animator chooses in session.
func Rotate(n int, candidates []Candidate, fixed map[int]int64) map[int]int64 {
	used := make(map[int64]bool, len(candidates))
	for _, id := range fixed {
		used[id] = true
	}
	owner := map[int64]int{} // candidate → session, for free sessions
	assign := map[int]int64{}
	var try func(session int, seen map[int64]bool) bool
	can := func(c Candidate, session int) bool {
		return !used[c.ID] && !slices.Contains(c.Unavailable, session)
	}
	take := func(c Candidate, session int) {
		owner[c.ID] = session
		assign[session] = c.ID
	}
	try = func(session int, seen map[int64]bool) bool {
		// A free candidate first, so that nobody moves without need...
		for _, c := range candidates {
			if _, taken := owner[c.ID]; !taken && can(c, session) {
				take(c, session)
				return true
			}
		}
		// ...then an augmenting path through the sessions already filled.
		for _, c := range candidates {
			if seen[c.ID] || !can(c, session) {
				continue
			}
			seen[c.ID] = true
			if try(owner[c.ID], seen) {
				take(c, session)
				return true
			}
		}
		return false
	}
	for s := 1; s <= n; s++ {
		if _, ok := fixed[s]; ok {
			continue
		}
		try(s, map[int64]bool{})
	}
	out := make(map[int]int64, n)
	for s := 1; s <= n; s++ {
		if id, ok := fixed[s]; ok {
			out[s] = id
		} else if id, ok := assign[s]; ok && owner[id] == s {
			out[s] = id
		}
	}
	return out
}
