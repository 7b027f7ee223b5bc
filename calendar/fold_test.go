package calendar

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestFoldWriter(t *testing.T) {
	t.Parallel()

	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "Empty", in: "", want: ""},
		{name: "Short", in: "SUMMARY:séance\r\n", want: "SUMMARY:séance\r\n"},
		{name: "Exactly75", in: a(75) + "\r\n", want: a(75) + "\r\n"},
		{name: "ASCII76", in: a(76) + "\r\n", want: a(75) + "\r\n a\r\n"},
		{
			name: "ThreeLines",
			in:   a(75+74+10) + "\r\n",
			want: a(75) + "\r\n " + a(74) + "\r\n " + a(10) + "\r\n",
		},
		{
			name: "ContinuationExactlyFull",
			in:   a(75+74) + "\r\n",
			want: a(75) + "\r\n " + a(74) + "\r\n",
		},
		{
			name: "AccentAtBoundary",
			// "é" is 2 octets: octets 75-76 would split it, so it moves down.
			in:   a(74) + "é" + "\r\n",
			want: a(74) + "\r\n é\r\n",
		},
		{
			name: "AccentFitsExactly",
			in:   a(73) + "é" + "b\r\n",
			want: a(73) + "é\r\n b\r\n",
		},
		{
			name: "EuroSignThreeOctets",
			in:   a(73) + "€" + "\r\n",
			want: a(73) + "\r\n €\r\n",
		},
		{
			name: "EmojiFourOctets",
			in:   a(72) + "🎉" + "\r\n",
			want: a(72) + "\r\n 🎉\r\n",
		},
		{
			name: "EmojiSequenceOnContinuation",
			// Each 👩‍💻 is 11 octets: 👩 (4) ZWJ (3) 💻 (4). Runes are never split;
			// the grapheme may be, which unfolding reverses exactly.
			in:   strings.Repeat("👩‍💻", 8) + "\r\n",
			want: "👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩\u200d\r\n 💻👩‍💻\r\n",
		},
		{
			name: "FrenchDescription",
			in: "DESCRIPTION:Codev Managers Lyon – séance 2/6 – jeudi 12 mars 2026 à 18 h 00" +
				" (heure de Paris) – visioconférence : https://visio.example.org/réunion\r\n",
			want: "DESCRIPTION:Codev Managers Lyon – séance 2/6 – jeudi 12 mars 2026 à 1\r\n" +
				" 8 h 00 (heure de Paris) – visioconférence : https://visio.example.org/r\r\n" +
				" éunion\r\n",
		},
		{
			name: "EachLineFoldedOnItsOwn",
			in:   a(80) + "\r\n" + a(80) + "\r\n",
			want: a(75) + "\r\n " + a(5) + "\r\n" + a(75) + "\r\n " + a(5) + "\r\n",
		},
		{
			name: "CRLFNotCounted",
			in:   a(75) + "\r\n" + a(75) + "\r\n",
			want: a(75) + "\r\n" + a(75) + "\r\n",
		},
		{
			name: "NoTrailingNewline",
			in:   a(76),
			want: a(75) + "\r\n a",
		},
		{
			name: "InvalidUTF8StillFolded",
			in:   a(74) + "\xff\xfe" + "\r\n",
			want: a(74) + "\xff\r\n \xfe\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var buf bytes.Buffer
			n, err := NewFoldWriter(&buf).Write([]byte(tt.in))
			require.NoError(t, err)
			require.Equal(t, len(tt.in), n)
			require.Equal(t, tt.want, buf.String())
			if utf8.ValidString(tt.in) {
				requireFolded(t, tt.in, buf.String())
			}

			// One byte per Write, splitting runes and CRLFs across calls,
			// must give the same output.
			var split bytes.Buffer
			fw := NewFoldWriter(&split)
			for i := range len(tt.in) {
				n, err := fw.Write([]byte{tt.in[i]})
				require.NoError(t, err)
				require.Equal(t, 1, n)
			}
			require.Equal(t, tt.want, split.String())
		})
	}
}

func TestFoldWriterError(t *testing.T) {
	t.Parallel()

	errBoom := errors.New("boom")
	w := &failingWriter{left: 10, err: errBoom}
	n, err := NewFoldWriter(w).Write([]byte(strings.Repeat("a", 100)))
	require.ErrorIs(t, err, errBoom)
	require.Equal(t, 10, n, "bytes of p consumed before the failure")
}

func FuzzFoldWriter(f *testing.F) {
	f.Add("SUMMARY:Codev Managers Lyon – séance 2/6\r\n", 1)
	f.Add(strings.Repeat("é", 100)+"\r\n"+strings.Repeat("🎉", 40)+"\r\n", 7)
	f.Add(strings.Repeat("a", 74)+"€\r\n", 75)
	f.Fuzz(func(t *testing.T, in string, chunk int) {
		if !utf8.ValidString(in) || strings.ContainsRune(in, '\r') {
			t.Skip()
		}
		in = strings.ReplaceAll(in, "\n", "\r\n")
		chunk = max(1, chunk%128)
		var buf bytes.Buffer
		fw := NewFoldWriter(&buf)
		for rest := in; rest != ""; {
			k := min(chunk, len(rest))
			_, err := fw.Write([]byte(rest[:k]))
			require.NoError(t, err)
			rest = rest[k:]
		}
		requireFolded(t, in, buf.String())
	})
}

// requireFolded checks that out is folded into lines of at most 75 octets,
// each valid UTF-8, and that unfolding out gives in back.
func requireFolded(t *testing.T, in, out string) {
	t.Helper()

	for line := range strings.SplitSeq(out, "\r\n") {
		require.LessOrEqual(t, len(line), maxLineOctets, "line %q", line)
		require.True(t, utf8.ValidString(line), "line %q splits a rune", line)
	}
	require.Equal(t, in, strings.ReplaceAll(out, "\r\n ", ""))
}

// failingWriter accepts left bytes, then fails with err.
type failingWriter struct {
	left int
	err  error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.left {
		w.left -= len(p)
		return len(p), nil
	}
	n := w.left
	w.left = 0
	return n, w.err
}
