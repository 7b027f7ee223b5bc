package workflow

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(s *GroupSpec)
		want string // a problem the error lists; "" for valid
	}{
		{"Valid", func(*GroupSpec) {}, ""},
		{"OpenMode", func(s *GroupSpec) { s.Mode = ModeOpen }, ""},
		{"NoName", func(s *GroupSpec) { s.Name = "" }, "name: is required"},
		{"LineBreakInName", func(s *GroupSpec) { s.Name = "Lyon\r\nBcc: x@example.org" }, "name: contains a control character"},
		{"BidiInName", func(s *GroupSpec) { s.Name = "Lyon\u202e" }, "name: contains a bidirectional control character"},
		{"AngleInName", func(s *GroupSpec) { s.Name = "<b>Lyon</b>" }, `name: must not contain <, > or "`},
		{"LongName", func(s *GroupSpec) { s.Name = strings.Repeat("a", 101) }, "name: is longer than 100 characters"},
		{"BadUTF8", func(s *GroupSpec) { s.Animator.Name = "\xff" }, "animator.name: is not valid UTF-8"},
		{"Language", func(s *GroupSpec) { s.Language = "de" }, `language: "de" is not supported`},
		{"NoTimezone", func(s *GroupSpec) { s.Timezone = "" }, "timezone: is required"},
		{"LocalTimezone", func(s *GroupSpec) { s.Timezone = "Local" }, `timezone: "Local" is not an IANA time zone`},
		{"NoVisio", func(s *GroupSpec) { s.Visio = "" }, "visio: is required"},
		{"VisioNotHTTP", func(s *GroupSpec) { s.Visio = "ftp://visio.example.org" }, "must be an http(s) link"},
		{"VisioWithSpace", func(s *GroupSpec) { s.Visio = "https://visio.example.org/a b" }, "is not a URL"},
		{"VisioTooLong", func(s *GroupSpec) { s.Visio = "https://v.example/" + strings.Repeat("a", 500) }, "visio: is longer than 500 characters"},
		{"Mode", func(s *GroupSpec) { s.Mode = "random" }, `rotation: "random" is not a rotation mode`},
		{"MaxMembers", func(s *GroupSpec) { s.MaxMembers = 9 }, "max_members: 9 is out of range"},
		{"AnimatorEmail", func(s *GroupSpec) { s.Animator.Email = "claire" }, `animator.email: "claire" is not an email address`},
		{"EmailWithName", func(s *GroupSpec) { s.Members[0].Email = "Alice <alice@example.org>" }, "members[0].email"},
		{"EmailWithoutDot", func(s *GroupSpec) { s.Members[0].Email = "alice@localhost" }, "is not an email address"},
		{"NoEmail", func(s *GroupSpec) { s.Members[0].Email = "" }, "members[0].email: is required"},
		{"NoMembers", func(s *GroupSpec) { s.Members = nil }, "members: a group needs at least one member"},
		{"TooManyMembers", func(s *GroupSpec) { s.Members = manyMembers(7) }, "set max_members (up to 8)"},
		{"MoreThanMax", func(s *GroupSpec) { s.MaxMembers, s.Members = 5, manyMembers(6) }, "6 members is more than max_members (5)"},
		{"DuplicateMember", func(s *GroupSpec) { s.Members[1].Email = "ALICE@example.org" }, "members[1].email: ALICE@example.org is also members[0]"},
		{"AnimatorIsMember", func(s *GroupSpec) { s.Members[1].Email = "claire@example.org" }, "is the animator's address"},
		{"Unavailable", func(s *GroupSpec) { s.Members[0].Unavailable = []int{4} }, "members[0].unavailable: session 4 does not exist"},
		{"NoSessions", func(s *GroupSpec) { s.Sessions = nil }, "sessions: at least one session is required"},
		{"TooManySessions", func(s *GroupSpec) {
			s.Sessions = nil
			for i := range 25 {
				s.Sessions = append(s.Sessions, applyS1.AddDate(0, 0, 7*i))
			}
		}, "sessions.count: 25 sessions is more than 24"},
		{"SessionsTooClose", func(s *GroupSpec) { s.Sessions[1] = applyS1.Add(48 * time.Hour) }, "session 2 starts less than a week after session 1"},
		{"Duration", func(s *GroupSpec) { s.Duration = 5 * time.Hour }, "sessions.duration: 5h0m0s is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := applySpec()
			tc.edit(s)
			err := s.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
			require.True(t, IsInvalid(err))
			require.True(t, strings.HasPrefix(err.Error(), "invalid group: "))
		})
	}
}

func manyMembers(n int) []MemberSpec {
	var out []MemberSpec
	for i := range n {
		out = append(out, MemberSpec{Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("m%d@example.org", i)})
	}
	return out
}

// TestValidateBoundsTheError checks that a hostile file cannot make an
// error of hundreds of kilobytes.
func TestValidateBoundsTheError(t *testing.T) {
	t.Parallel()
	s := applySpec()
	s.MaxMembers = 8
	for i := range 1000 {
		s.Members = append(s.Members, MemberSpec{Name: "", Email: fmt.Sprintf("bad%d", i)})
	}
	err := s.Validate()
	require.ErrorContains(t, err, "more problems")
	require.Less(t, len(err.Error()), 3000)
	require.Equal(t, "abc…", truncate("abcdef", 3))
	require.Equal(t, "é…", truncate("éé", 3), "cut on a rune boundary")
}

func TestErrors(t *testing.T) {
	t.Parallel()
	require.Equal(t, "", ErrorCode(nil))
	require.Equal(t, EINTERNAL, ErrorCode(errors.New("boom")))
	wrapped := fmt.Errorf("loading: %w", Errorf(ECONFLICT, "taken %d", 1))
	require.Equal(t, ECONFLICT, ErrorCode(wrapped))
	require.Equal(t, "loading: taken 1", wrapped.Error())
	require.ErrorIs(t, fmt.Errorf("x: %w", Errorf(ENOTFOUND, "no group 3")), ErrNotFound, "any not-found error is ErrNotFound")
	require.NotErrorIs(t, Errorf(EINVALID, "bad"), ErrNotFound)
	require.False(t, IsInvalid(errors.New("bad")))
}

func TestParseAddress(t *testing.T) {
	t.Parallel()
	a, err := ParseAddress("codev@Example.ORG")
	require.NoError(t, err)
	require.Equal(t, Address{Local: "codev", Domain: "example.org"}, a)
	require.Equal(t, "codev@example.org", a.String())
	require.Equal(t, "codev+tok@example.org", a.Tagged("tok"))
	for _, bad := range []string{"", "codev", "@example.org", "codev@", "Codev <codev@example.org>", "codev@example.org\r\n"} {
		_, err := ParseAddress(bad)
		require.Equal(t, EINVALID, ErrorCode(err), "%q", bad)
	}
}
