package mailroom_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/inbound"
	"github.com/codev-org/codev/mail/mailroom"
	"github.com/codev-org/codev/workflow"
)

// TestParseReply reads an Outlook reply whose answers are typed inside the
// unmarked quote: without the request's text there are no answers, with
// it each answer is under its question and codev's lines are gone.
func TestParseReply(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "inbound", "testdata", "replies")
	raw, err := os.ReadFile(filepath.Join(dir, "outlook-desktop-inline-unmarked.eml"))
	require.NoError(t, err)
	req, err := os.ReadFile(filepath.Join(dir, "requests", "prepare.eml"))
	require.NoError(t, err)

	require.Empty(t, mailroom.Parse(raw).Answers)
	p := mailroom.ParseReply(raw, inbound.RequestText(req))
	require.Equal(t, workflow.MailReply, p.Kind)
	require.Equal(t, "alice@example.org", p.From)
	require.Equal(t, map[int]string{1: "Je n'arrive pas à déléguer.", 2: "Six personnes, un client exigeant.",
		3: "Depuis septembre.", 8: "Ma relation avec mon directeur."}, p.Answers)
	require.NotContains(t, p.Text, "Vous êtes client·e")
	require.Equal(t, mailroom.Parse(raw).Recipients, p.Recipients, "the token is found as without the request")
}
