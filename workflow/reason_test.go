package workflow

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// reasonCodes lists the ReasonCode constants declared in reason.go.
func reasonCodes(t *testing.T) []ReasonCode {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "reason.go", nil, 0)
	require.NoError(t, err)
	var codes []ReasonCode
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		if id, ok := spec.Type.(*ast.Ident); ok && id.Name == "ReasonCode" {
			for _, v := range spec.Values {
				lit := v.(*ast.BasicLit)
				codes = append(codes, ReasonCode(strings.Trim(lit.Value, `"`)))
			}
		}
		return true
	})
	require.Greater(t, len(codes), 30)
	return codes
}

// TestReasonCodes: every code has French and English words, and a stored
// reason reads back as the code and numbers it was written with.
func TestReasonCodes(t *testing.T) {
	t.Parallel()
	for _, c := range reasonCodes(t) {
		r := reason(c, 12, 3, 7)
		got, ok := ParseReason(r.String())
		require.True(t, ok, "%s has no words in templates/reasons.go", c)
		require.Equal(t, r, got)
		fr, en := ReasonText(r.String(), LangFR), ReasonText(r.String(), LangEN)
		require.NotContains(t, fr, "motif non détaillé", "%s: French words", c)
		require.NotContains(t, en, "reason not detailed", "%s: English words", c)
		require.NotEqual(t, fr, en, "%s: English words", c)
		require.NotContains(t, fr+en, "$", c)
		require.NotContains(t, fr+en, "?", "%s: three numbers are enough for every reason", c)
	}
	// The member a reason names is shown by name elsewhere: its number is
	// never in the words.
	for c, at := range map[ReasonCode]int{ReasonSenderNotMember: 0, ReasonBounceRecorded: 0, ReasonRSVPSenderNotAttendee: 0,
		ReasonAppliedByAnimator: 0, ReasonChoiceSameClient: 0, ReasonChoiceHasClient: 1, ReasonChoiceHadTurn: 0, ReasonClientChosen: 1} {
		args := []int64{3, 3}
		args[at] = 999
		for _, lang := range []string{LangFR, LangEN} {
			text := ReasonText(reason(c, args...).String(), lang)
			require.NotContains(t, text, "999", "%s: a member's number means nothing to the animator", c)
			require.NotContains(t, text, "?", c)
		}
	}
	require.Equal(t, "sender_not_member 12", reason(ReasonSenderNotMember, 12).String())
	require.Equal(t, "l'expéditeur n'est pas la personne à qui la demande avait été envoyée",
		ReasonText("sender_not_member 12", LangFR))
	require.Equal(t, "the message (14.5 MB) is over the size limit; only its header was read",
		ReasonText(reason(ReasonOversize, 15204352).String(), LangEN), "sizes are written for people")
	require.Equal(t, "la séance 4 a déjà un·e client·e\u00a0: ce choix ne se change pas par e-mail",
		ReasonText(reason(ReasonChoiceHasClient, 4, 7).String(), LangFR), "French spacing, the session number kept")
	require.Equal(t, "swap confirmed by the facilitator: sessions ? and ?", ReasonText("swap_confirmed", LangEN),
		"a missing number is shown as ?")
	// Text stored before reasons had codes is worded too, never shown as is.
	for _, old := range []string{"answers recorded", "sender_not_member twelve", "too late: its moment passed"} {
		_, ok := ParseReason(old)
		require.False(t, ok, old)
		require.NotEqual(t, old, ReasonText(old, LangFR))
	}
	require.Equal(t, "l'expéditeur n'est pas la personne à qui la demande avait été envoyée",
		ReasonText("sender is not the member the request went to (member 12)", LangFR), "a sentence stored before codes")
	require.Empty(t, ReasonText("", LangFR))
}
