package groupfile

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// hostileGroup is a valid group file whose fields the cases below replace.
const hostileGroup = `name: NAME
language: fr
timezone: TZ
visio: VISIO
animator: {name: ANIMATOR, email: ANIMAIL}
members:
  - {name: MEMBER, email: MEMAIL}
  - {name: Bob, email: bob@example.org}
sessions: {first: "2027-01-12 18:00", every: EVERY, count: 3}
`

func hostileFile(repl ...string) string {
	def := map[string]string{"NAME": "G", "TZ": "Europe/Paris", "VISIO": "https://meet.example.org/g",
		"ANIMATOR": "Claire", "ANIMAIL": "claire@example.org", "MEMBER": "Alice", "MEMAIL": "alice@example.org", "EVERY": "month"}
	for i := 0; i+1 < len(repl); i += 2 {
		def[repl[i]] = repl[i+1]
	}
	s := hostileGroup
	for k, v := range def {
		s = strings.Replace(s, k, v, 1)
	}
	return s
}

// TestParseHostile feeds group files that try to smuggle headers, line
// breaks, oversized values, huge member lists, YAML bombs and runaway
// schedules into codev. Each must be refused, quickly, with an EINVALID
// error that names the field, is bounded in length and echoes no raw
// control character.
func TestParseHostile(t *testing.T) {
	t.Parallel()
	many := func(n int, short bool) string {
		var b strings.Builder
		b.WriteString("name: G\nlanguage: fr\ntimezone: Europe/Paris\nvisio: https://meet.example.org/g\n" +
			"animator: {name: C, email: c@example.org}\nsessions: {first: \"2027-01-12 18:00\", count: 3}\nmembers:\n")
		for i := range n {
			if short {
				fmt.Fprintf(&b, "- {name: m, email: m%d@x.io}\n", i)
			} else {
				fmt.Fprintf(&b, "  - {name: Member %d, email: member%d@example.org}\n", i, i)
			}
		}
		return b.String()
	}
	tests := []struct {
		name, file string
		field      string // the field (or phrase) the error must name
	}{
		{"NameCRLF", hostileFile("NAME", `"G\r\nBcc: victim@evil.example"`), "name: contains a control character"},
		{"NameLF", hostileFile("NAME", `"G\nSubject: x"`), "name: contains a control character"},
		{"NameNUL", hostileFile("NAME", `"G\0"`), "name: contains a control character"},
		{"NameAngle", hostileFile("NAME", `"G <victim@evil.example>"`), "name: must not contain"},
		{"NameOversized", hostileFile("NAME", strings.Repeat("n", 10000)), "name: is longer than 100"},
		{"NameInvalidUTF8", hostileFile("NAME", "\"G \xff\""), "group file"},
		{"NameBidi", hostileFile("NAME", "\"G \u202e\""), "name: contains a bidirectional control character"},
		{"AnimatorNameCRLF", hostileFile("ANIMATOR", `"Claire\r\nBcc: victim@evil.example"`), "animator.name: contains a control character"},
		{"AnimatorEmailCRLF", hostileFile("ANIMAIL", `"claire@example.org\r\nBcc: victim@evil.example"`), "animator.email"},
		{"MemberNameCRLF", hostileFile("MEMBER", `"Alice\r\nBcc: victim@evil.example"`), "members[0].name: contains a control character"},
		{"MemberEmailCRLF", hostileFile("MEMAIL", `"alice@example.org\r\nBcc: victim@evil.example"`), "members[0].email"},
		{"MemberEmailLF", hostileFile("MEMAIL", `"alice@example.org\nBcc: victim@evil.example"`), "members[0].email"},
		{"MemberEmailComma", hostileFile("MEMAIL", `"alice@example.org, victim@evil.example"`), "members[0].email"},
		{"MemberEmailAngle", hostileFile("MEMAIL", `"Alice <alice@example.org>"`), "members[0].email"},
		{"MemberEmailQuotedLocal", hostileFile("MEMAIL", `'"a\r\nb"@example.org'`), "members[0].email"},
		{"MemberEmailOversized", hostileFile("MEMAIL", strings.Repeat("a", 300)+"@example.org"), "members[0].email"},
		{"MemberEmailNoDomain", hostileFile("MEMAIL", "alice@localhost"), "members[0].email"},
		{"MemberEmailIsAnimator", hostileFile("MEMAIL", "CLAIRE@example.org"), "is the animator's address"},
		{"VisioJavascript", hostileFile("VISIO", `"javascript:alert(1)"`), "visio"},
		{"VisioCRLF", hostileFile("VISIO", `"https://meet.example.org/g\r\nBcc: x"`), "visio"},
		{"VisioOversized", hostileFile("VISIO", "https://meet.example.org/"+strings.Repeat("a", 1000)), "visio: is longer than 500"},
		{"VisioDataURL", hostileFile("VISIO", `"data:text/html,<script>alert(1)</script>"`), "visio"},
		{"TimezonePath", hostileFile("TZ", "../../../../etc/passwd"), "timezone"},
		{"TimezoneLocal", hostileFile("TZ", "Local"), "timezone"},
		{"EveryInjection", hostileFile("EVERY", `"FREQ=MONTHLY\r\nBcc: x"`), "sessions.every"},
		{"EverySecondly", hostileFile("EVERY", `"FREQ=SECONDLY"`), "FREQ must be WEEKLY or MONTHLY"},
		{"EveryNeverMatches", hostileFile("EVERY", `"FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30"`), "FREQ must be WEEKLY or MONTHLY"},
		{"EveryMinutelyYears", hostileFile("EVERY", `"FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;BYHOUR=1"`), "FREQ must be WEEKLY or MONTHLY"},
		{"EveryWeeklyNeverMatches", hostileFile("EVERY", `"FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30"`), "sessions.every"},
		{"EveryDailyNeverMatches", hostileFile("EVERY", `"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"`), "FREQ must be WEEKLY or MONTHLY"},
		{"EveryWithCount", hostileFile("EVERY", `"FREQ=MONTHLY;COUNT=1000000000"`), "sessions.every"},
		{"UnknownField", hostileFile() + "admin: true\n", "field admin not found"},
		{"TenThousandMembers", many(10000, true), "larger than 256 KiB"},
		{"FiveThousandMembers", many(5000, false), "larger than 256 KiB"},
		{"ThousandMembers", many(1000, true), "members: 1000 members is more than"},
		{"DuplicateKey", hostileFile() + "name: H\n", "name"},
		{"YAMLAliasBomb", `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
`, "group file"},
		{"YAMLAliasBombInField", `name: G
language: fr
timezone: Europe/Paris
visio: https://meet.example.org/g
animator: {name: C, email: c@example.org}
x: &a [{name: m, email: m@example.org}, {name: m, email: m@example.org}, {name: m, email: m@example.org}, {name: m, email: m@example.org}]
y: &b [*a, *a, *a, *a, *a, *a, *a, *a]
members: &c [*b, *b, *b, *b, *b, *b, *b, *b]
sessions: {first: "2027-01-12 18:00"}
`, "group file"},
		{"YAMLMergeMembers", `name: G
language: fr
timezone: Europe/Paris
visio: https://meet.example.org/g
animator: &p {name: C, email: c@example.org}
members: [*p, *p]
sessions: {first: "2027-01-12 18:00"}
`, "is the animator's address"},
		{"YAMLDeepNesting", "name: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n", "group file"},
		{"YAMLBinaryTag", hostileFile("NAME", "!!binary Rw0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl"), "name: contains a control character"},
		{"YAMLHugeInt", hostileFile() + "max_members: 99999999999999999999999\n", "group file"},
		{"YAMLNegative", hostileFile() + "max_members: -1\n", "max_members"},
		{"Unavailable", strings.Replace(hostileFile(), "{name: Bob, email: bob@example.org}", "{name: Bob, email: bob@example.org, unavailable: [0, -1, 99999999]}", 1), "members[1].unavailable"},
		{"DatesHuge", `name: G
language: fr
timezone: Europe/Paris
visio: https://meet.example.org/g
animator: {name: C, email: c@example.org}
members: [{name: A, email: a@example.org}]
sessions: {dates: [` + strings.Repeat(`"2027-01-12 18:00", `, 5000) + `"2027-01-12 18:00"]}
`, "and 4981 more problems"},
		{"Binary", "\x00\x01\x02\xff\xfe", "group file"},
		{"Empty", "", "group file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				spec *workflow.GroupSpec
				err  error
			}
			done := make(chan result, 1)
			go func() {
				spec, err := Parse(strings.NewReader(tt.file))
				done <- result{spec, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(time.Minute): // generous: CI machines are shared and slow under -race
				t.Fatal("Parse did not return within a minute")
			}
			require.Error(t, r.err, "a hostile file was accepted")
			require.Nil(t, r.spec)
			require.True(t, workflow.IsInvalid(r.err), "not an EINVALID error: %v", r.err)
			msg := r.err.Error()
			require.Contains(t, msg, tt.field)
			require.Less(t, len(msg), 4000, "the error echoes too much: %d bytes", len(msg))
			require.False(t, strings.ContainsAny(msg, "\r\x00"), "the error echoes a raw control character: %q", msg)
			require.NotContains(t, msg, "\nBcc", "the error echoes an injected line")
		})
	}
}
