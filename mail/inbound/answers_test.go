package inbound

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExtractAnswers(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		body string
		want map[int]string
	}{
		{name: "None", body: "Merci, à jeudi.", want: map[int]string{}},
		{name: "TopDots", body: "1. Oui\n2. Non\n3. Peut-être", want: map[int]string{1: "Oui", 2: "Non", 3: "Peut-être"}},
		{name: "TopParensDashesColons", body: "1) Oui\n2 - Non\n3 : Bof\nQ4 : Top\nQuestion 5 : Fin",
			want: map[int]string{1: "Oui", 2: "Non", 3: "Bof", 4: "Top", 5: "Fin"}},
		{name: "TopMultiLineAndIntro", body: "Bonjour,\nvoici :\n\n1.\nPremière ligne\nseconde ligne\n\n2. Deux",
			want: map[int]string{1: "Première ligne\nseconde ligne", 2: "Deux"}},
		{name: "TopNestedListStaysInAnswer", body: "1. Trois idées :\n1. a\n2. b\n2. Fin",
			want: map[int]string{1: "Trois idées :\n1. a", 2: "b\n2. Fin"}},
		{name: "TopDashNeedsSpaces", body: "1 - Oui\n1-2 fois par mois", want: map[int]string{1: "Oui\n1-2 fois par mois"}},
		{name: "TopSignOffDropped", body: "1. Oui\n2. Non\n\nCordialement,\nMarie", want: map[int]string{1: "Oui", 2: "Non"}},
		{name: "TopQuotedQuestionsIgnored", body: "1. Oui\n2. Non\n\nLe 3 mars 2024 à 10:00, X <x@example.org> a écrit :\n> 1. Q1 ?\n> 2. Q2 ?",
			want: map[int]string{1: "Oui", 2: "Non"}},
		{name: "Inline", body: "> 1. Question un ?\nRéponse un\nsur deux lignes\n\n> 2. Question deux\n> qui continue ?\n\nRéponse deux\n> Répondez au-dessus",
			want: map[int]string{1: "Réponse un\nsur deux lignes", 2: "Réponse deux"}},
		{name: "InlineSkipsUnanswered", body: "> 1. Q1\n> 2. Q2\nR2\n> 3. Q3", want: map[int]string{2: "R2"}},
		{name: "InlineFooterRemoved", body: "> 1. Q1\nOui\n\nEnvoyé de mon iPhone", want: map[int]string{1: "Oui"}},
		{name: "NumbersAboveLimitIgnored", body: "1. Oui\n150. Non", want: map[int]string{1: "Oui\n150. Non"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ExtractAnswers(tt.body))
		})
	}

	t.Run("QuestionsLimit", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, map[int]string{1: "Oui\n3. Non"}, extractAnswers("1. Oui\n3. Non", 2))
	})
}

func TestParseRating(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		want int // 0: nil
	}{
		{"4", 4}, {"4/5", 4}, {"4 / 5", 4}, {"Note : 4", 4}, {"note: 4 sur 5", 4}, {"4 sur 5", 4},
		{"Score: 4", 4}, {"4.", 4}, {"5 étoiles", 5}, {"★★★★☆", 4}, {"1", 1}, {"4 out of 5", 4},
		{"4\nC'était très utile.", 4}, {"Je dirais 4/5, c'était utile", 4}, {"Note\u00a0: 3", 3},
		{"0", 0}, {"6", 0}, {"6/5", 0}, {"4/10", 0}, {"3,5", 0}, {"3.5", 0}, {"3 ou 4", 0}, {"3-4", 0},
		{"", 0}, {"bien", 0}, {"4\n5", 0}, {"2 séances sur 3 et 4/5", 0},
	}
	for _, tt := range tests {
		got := ParseRating(tt.in)
		if tt.want == 0 {
			require.Nil(t, got, "%q", tt.in)
			continue
		}
		require.NotNil(t, got, "%q", tt.in)
		require.Equal(t, tt.want, *got, "%q", tt.in)
	}
}

func TestExplicitRating(t *testing.T) {
	t.Parallel()

	require.Equal(t, 4, *explicitRating("Merci.\nNote : 4\nMarie"))
	require.Equal(t, 5, *explicitRating("Super séance, 5/5"[len("Super séance, "):]))
	require.Nil(t, explicitRating("J'ai 3 enfants.\n4"), "bare numbers in prose are not ratings")
}

func TestExtractAnswersDropsNameSignature(t *testing.T) {
	t.Parallel()
	got := ExtractAnswers("1. Je n'arrive pas à déléguer.\n7. J'aimerais que le groupe m'aide.\n\nAlice\n")
	require.Equal(t, map[int]string{1: "Je n'arrive pas à déléguer.", 7: "J'aimerais que le groupe m'aide."}, got)
	got = ExtractAnswers("1. Une réponse.\n\nSur deux paragraphes, avec une phrase.\n")
	require.Equal(t, "Une réponse.\n\nSur deux paragraphes, avec une phrase.", got[1], "a real paragraph stays")
	got = ExtractAnswers("1. Premier point.\n\nOui\n")
	require.Equal(t, "Premier point.\n\nOui", got[1], "a lone word answer stays")
}
