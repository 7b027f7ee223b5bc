package inbound

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHTMLToText(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "BlocksAndBreaks", in: "<div>Bonjour,</div><div><br></div><div>Ligne 1<br>Ligne 2</div><p>Para</p>",
			want: "Bonjour,\n\nLigne 1\nLigne 2\n\nPara"},
		{name: "WhitespaceCollapsed", in: "<p>  un \n  deux&nbsp;&nbsp;trois </p>", want: "un deux trois"},
		{name: "Lists", in: "<ul><li>a</li><li>b<ol start=\"3\"><li>c</li></ol></li></ul>", want: "- a\n- b\n  3. c"},
		{name: "Links", in: `<a href="https://example.org/x">le lien</a> <a href="https://example.org">https://example.org</a> <a href="mailto:a@b.fr">Anne</a>`,
			want: "le lien (https://example.org/x) https://example.org Anne"},
		{name: "Blockquote", in: "<div>Oui</div><blockquote>Q1<blockquote>Q0</blockquote></blockquote>",
			want: "Oui\n> Q1\n> > Q0"},
		{name: "ScriptStyleHiddenDropped", in: `<style>p{}</style><script>x()</script><div style="display: none">pré-entête</div><p>Texte</p>`,
			want: "Texte"},
		{name: "Pre", in: "<pre>a\n  b</pre>", want: "a\n  b"},
		{name: "Table", in: "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", want: "A\tB\n1\t2"},
		{name: "GmailQuoteQuoted", in: `<div>Oui</div><div class="gmail_quote"><div class="gmail_attr">Le lun. 15 nov. 2021, X a écrit :<br></div><blockquote class="gmail_quote">Venez-vous ?</blockquote></div>`,
			want: "Oui\n> Le lun. 15 nov. 2021, X a écrit :\n> > Venez-vous ?"},
		{name: "GmailInlineReplyNotQuoted", in: `<div class="gmail_quote"><blockquote class="gmail_quote">1. Question ?</blockquote><div>Ma réponse</div></div>`,
			want: "> 1. Question ?\nMa réponse"},
		{name: "AppleCite", in: `Oui<div><br><blockquote type="cite"><div>Le 15 nov. 2021 à 19:42, X a écrit :</div><div>Venez</div></blockquote></div>`,
			want: "Oui\n\n> Le 15 nov. 2021 à 19:42, X a écrit :\n> Venez"},
		{name: "OutlookDivRplyFwdMsgAndRest", in: `<div>Oui</div><hr><div id="divRplyFwdMsg"><b>De :</b> X<br><b>Objet :</b> Y</div><div><p>Original</p></div>`,
			want: "Oui\n\n> De : X\n> Objet : Y\n>\n> Original"},
		{name: "WebCitationIsContent", in: `<p>Comme dit Huxley :</p><blockquote cite="https://example.org/q">Les mots</blockquote>`,
			want: "Comme dit Huxley :\n\nLes mots"},
		{name: "Image", in: `Logo <img src="x.png" alt="Miro"> <img src="y.png">`, want: "Logo [image: Miro]"},
		{name: "Empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, HTMLToText(tt.in))
		})
	}

	t.Run("TrimCutsGmailQuote", func(t *testing.T) {
		t.Parallel()
		in := `<div dir="ltr">Merci !</div><br><div class="gmail_quote"><div class="gmail_attr">Le lun. 15 nov. 2021 à 19:42, Codev &lt;<a href="mailto:c@example.org">c@example.org</a>&gt; a écrit&nbsp;:<br></div><blockquote class="gmail_quote">Bonjour</blockquote></div>`
		require.Equal(t, "Merci !", Trim(HTMLToText(in)))
	})

	t.Run("DeepNesting", func(t *testing.T) {
		t.Parallel()
		in := strings.Repeat("<div>", 5000) + "profond" + strings.Repeat("</div>", 5000)
		require.Equal(t, "profond", HTMLToText(in))
	})
}

func TestFlatHTMLText(t *testing.T) {
	t.Parallel()

	in := `<html><head><meta charset="utf-8"><title>t</title><style>p{}</style></head><body>` +
		`<p>Un<br>deux</p><script>x</script><div>trois</div></body></html>`
	require.Equal(t, "Un\ndeux\n\ntrois", flatHTMLText(in))
}

// TestHTMLQuoteDepthBounded checks that blockquotes nested deeper than
// maxQuoteDepth are rendered at that depth: still quoted, without a copy
// of their text per level.
func TestHTMLQuoteDepthBounded(t *testing.T) {
	t.Parallel()

	in := "<p>Oui</p>" + strings.Repeat("<blockquote>niveau", 15) + strings.Repeat("</blockquote>", 15)
	lines := strings.Split(HTMLToText(in), "\n")
	require.Equal(t, []string{"Oui", ""}, lines[:2])
	require.Len(t, lines, 17)
	for i, l := range lines[2:] {
		depth := min(i+1, maxQuoteDepth)
		require.Equal(t, strings.Repeat("> ", depth)+"niveau", l, "line %d", i+1)
	}
	require.Equal(t, "Oui", Trim(HTMLToText(in)))
}

// TestHTMLCostEstimate checks walkTooCostly both ways: a long Gmail thread
// (100 replies quoted inside each other, 14 kB each) keeps its structure,
// so Trim still cuts the quotes; list items under 190 nested lists, which
// cost html.Parse over a second per megabyte, are read flat.
func TestHTMLCostEstimate(t *testing.T) {
	t.Parallel()

	var b strings.Builder
	b.WriteString(`<div dir="ltr">Ma réponse en haut.</div><br>`)
	for i := range 100 {
		fmt.Fprintf(&b, `<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Le lun. %d janv. 2024 à 10:00, X &lt;<a href="mailto:x@example.org">x@example.org</a>&gt; a écrit :<br></div>`+
			`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">`, i+1)
		for range 100 {
			b.WriteString(`<div><span style="font-family:arial,sans-serif">Un paragraphe de la discussion, assez long pour être réel.</span></div><div><br></div>`)
		}
	}
	for range 100 {
		b.WriteString("</div></blockquote></div>")
	}
	thread := b.String()
	require.Greater(t, len(thread), walkCheckMin)
	require.False(t, walkTooCostly(thread, walkBudget(thread)))
	text, flat := htmlToText(thread)
	require.False(t, flat)
	require.Equal(t, "Ma réponse en haut.", Trim(text))

	lists := strings.Repeat("<ul><li>item", 190) + strings.Repeat("<li>x", 200000)
	require.True(t, walkTooCostly(lists, walkBudget(lists)))
	text, flat = htmlToText(lists)
	require.True(t, flat)
	require.Equal(t, 200000, strings.Count(text, "x"))
}
