package workflow

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRotate(t *testing.T) {
	t.Parallel()
	c := func(id int64, un ...int) Candidate { return Candidate{ID: id, Unavailable: un} }
	tests := []struct {
		name       string
		n          int
		candidates []Candidate
		fixed      map[int]int64
		want       map[int]int64
	}{
		{"InOrder", 3, []Candidate{c(1), c(2), c(3)}, nil, map[int]int64{1: 1, 2: 2, 3: 3}},
		{"HonoursUnavailable", 3, []Candidate{c(1, 1), c(2), c(3)}, nil, map[int]int64{1: 2, 2: 1, 3: 3}},
		{"AugmentingPath", 3, []Candidate{c(1, 2, 3), c(2), c(3, 3)}, nil, map[int]int64{1: 1, 2: 3, 3: 2}},
		{"KeepsFixed", 3, []Candidate{c(1), c(2), c(3)}, map[int]int64{1: 3}, map[int]int64{1: 3, 2: 1, 3: 2}},
		{"MoreSessionsThanMembers", 3, []Candidate{c(1), c(2)}, nil, map[int]int64{1: 1, 2: 2, 3: 0}},
		{"Impossible", 2, []Candidate{c(1, 1), c(2, 1)}, nil, map[int]int64{1: 0, 2: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Rotate(tt.n, tt.candidates, tt.fixed)
			want := map[int]int64{}
			for k, v := range tt.want {
				if v != 0 {
					want[k] = v
				}
			}
			require.Equal(t, want, got)
			// Deterministic and stable.
			require.Equal(t, got, Rotate(tt.n, tt.candidates, tt.fixed))
			seen := map[int64]bool{}
			for s, id := range got {
				require.False(t, seen[id], "member %d is client twice", id)
				seen[id] = true
				for _, cand := range tt.candidates {
					if cand.ID == id {
						require.NotContains(t, cand.Unavailable, s)
					}
				}
			}
		})
	}
}
