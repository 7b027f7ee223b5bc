package workflow_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// aligner is the test's ReplyParser: it records the request text it is
// given and reads the reply as the first parser did, except its text and
// answers, which say that the aligned reading was used.
type aligner struct {
	h    *harness
	mu   sync.Mutex
	seen []string // request texts, in order
}

func (a *aligner) parse(raw []byte, request string) *workflow.ParsedMail {
	p := a.h.parse(raw)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, request)
	p.Kind, p.Text, p.Answers = workflow.MailReply, "aligned", map[int]string{1: "aligned answer"}
	return p
}

func (a *aligner) requests() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

func withReplyParser(p workflow.ReplyParser) harnessOption {
	return func(c *workflow.ServiceConfig, _ *workflow.Store) { c.ReplyParser = p }
}

func (h *harness) requestText(m *workflow.Message) string {
	h.t.Helper()
	var text string
	h.tx(func(tx workflow.Tx) error {
		var err error
		text, err = tx.RequestText(h.ctx, m.ID)
		return err
	})
	return text
}

// TestRequestText follows the text of a request: kept when sent for kinds
// that ask questions, given to the ReplyParser with the reply (the
// reminded request's when the reminder has none), forgotten once answered.
func TestRequestText(t *testing.T) {
	t.Parallel()
	al := &aligner{}
	g := newGroup(t, withReplyParser(al.parse))
	al.h = g.harness
	require.Empty(t, g.requestText(g.welcome(alice)), "a welcome asks no numbered question: no text")
	require.Empty(t, g.requestText(g.invitation(alice, 1)))

	g.walk(day(s1, -21))
	sent := g.mail.to(alice, workflow.KindPrepare)
	require.Len(t, sent, 1)
	prep := g.message(g.id, workflow.KindPrepare, g.m(alice).ID, g.state.SessionNumber(1).ID)
	require.Equal(t, sent[0].Text, g.requestText(prep), "the plain text as sent")

	// The reminder keeps its own text; a reply to it is read with it.
	g.walk(day(s1, -3))
	rem := g.message(g.id, workflow.KindPrepareReminder, g.m(alice).ID, g.state.SessionNumber(1).ID)
	remText := g.requestText(rem)
	require.NotEmpty(t, remText)
	require.NotEqual(t, g.requestText(prep), remText)

	// Without it (sent before the texts were kept), the reminded request's
	// text is used.
	g.tx(func(tx workflow.Tx) error { return tx.SetRequestText(g.ctx, rem.ID, "") })
	in := g.reply(rem, alice, workflow.ParsedMail{Text: "> 1. En une phrase\nUn conflit"})
	require.Equal(t, workflow.InboundProcessed, in.Status, in.Reason)
	require.Equal(t, []string{sent[0].Text}, al.requests())
	st := g.harness.state(g.id)
	require.Len(t, st.Answers, 1)
	require.Equal(t, "aligned answer", st.Answers[0].Text, "the aligned reading is what is filed")
	require.Equal(t, prep.ID, st.Answers[0].RequestID, "under the original request")
	require.Empty(t, g.requestText(prep), "forgotten once answered")

	// A second reply is read as before: the text is gone.
	in = g.reply(prep, alice, workflow.ParsedMail{Text: "7. Savoir dire non", Answers: map[int]string{7: "Savoir dire non"}})
	require.Equal(t, workflow.InboundProcessed, in.Status)
	require.Len(t, al.requests(), 1, "no text, no realignment")
}

// TestRequestTextTurnsUnknownIntoReply: a message the first reading found
// no text in (answers typed inside an HTML quote) is a reply once aligned
// with its request, and the sender check still applies to it.
func TestRequestTextTurnsUnknownIntoReply(t *testing.T) {
	t.Parallel()
	al := &aligner{}
	g := newGroup(t, withReplyParser(al.parse))
	al.h = g.harness
	g.walk(day(s1, -21))
	g.mail.take()
	prep := g.message(g.id, workflow.KindPrepare, g.m(alice).ID, g.state.SessionNumber(1).ID)

	in := g.reply(prep, bob, workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "no reply text in text/html"})
	require.Equal(t, workflow.InboundHeld, in.Status)
	require.Contains(t, in.Reason, string(workflow.ReasonSenderNotMember), "aligned or not, a reply from someone else is held")
	require.NotEmpty(t, g.requestText(prep), "a held reply answers nothing")

	in = g.reply(prep, alice, workflow.ParsedMail{Kind: workflow.MailUnknown, Reason: "no reply text in text/html"})
	require.Equal(t, workflow.InboundProcessed, in.Status, in.Reason)
	require.Equal(t, workflow.MailReply, in.Kind)
	require.Equal(t, "aligned answer", g.harness.state(g.id).Answers[0].Text)
	require.Empty(t, g.requestText(prep))
}

// TestRequestTextNeedsReplyParser: without a ReplyParser no text is kept.
func TestRequestTextNeedsReplyParser(t *testing.T) {
	t.Parallel()
	g := newGroup(t)
	g.walk(day(s1, -21))
	require.Len(t, g.mail.to(alice, workflow.KindPrepare), 1)
	prep := g.message(g.id, workflow.KindPrepare, g.m(alice).ID, g.state.SessionNumber(1).ID)
	require.Empty(t, g.requestText(prep))
}
