package hostile

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMark(t *testing.T) {
	t.Parallel()
	raw := "From: Alice <alice@example.org>\r\nSubject: Re: x\r\nContent-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n\r\n" +
		"preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n" +
		"--b1\r\nContent-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" +
		"--b1--\r\n"
	want := "From: Alice <alice@example.org> (MK)\r\nSubject: Re: x MK\r\nContent-Type: multipart/mixed;\r\n boundary=\"b1\"; x-mark=MK\r\n\r\n" +
		"preamble\r\nMK\r\n--b1\r\nContent-Type: text/plain; charset=utf-8; x-mark=MK\r\n\r\nBonjour\r\nMK\r\n" +
		"--b1\r\nContent-Type: text/calendar; method=REPLY; x-mark=MK\r\n\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nEND:VEVENT\r\nCOMMENT:MK\r\nEND:VCALENDAR\r\n" +
		"--b1--\r\nMK\r\n"
	require.Equal(t, want, string(Mark([]byte(raw), "MK")))
	// Every message of the corpus comes out with the marker in each field
	// of its header.
	cases, files := Corpus()
	for _, c := range cases {
		out := strings.ReplaceAll(string(Mark(files[c.File], "ZQXMARKZQX")), "\r\n", "\n")
		require.Contains(t, out, "ZQXMARKZQX", c.File)
		head, _, _ := strings.Cut(out, "\n\n")
		if !startsField([]byte(head)) {
			continue
		}
		head = strings.NewReplacer("\n ", " ", "\n\t", " ").Replace(head)
		for l := range strings.Lines(head) {
			if startsField([]byte(l)) {
				require.Contains(t, l, "ZQXMARKZQX", "%s: %q", c.File, l[:min(len(l), 80)])
			}
		}
	}
}
