package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/mail/smtptest"
	"github.com/codev-org/codev/web"
	"github.com/codev-org/codev/workflow"
)

const lyon = "Managers Lyon"

// runFails runs a command that must fail with code and returns its output.
func (e *e2e) runFails(code int, args ...string) string {
	e.t.Helper()
	e.out.Reset()
	require.Equal(e.t, code, e.m.Run(context.Background(), args), "codev %s: %s", strings.Join(args, " "), e.out.String())
	return e.out.String()
}

// TestSessionChangesEndToEnd reschedules, cancels and swaps by command while
// `codev serve` runs: invitations at SEQUENCE+1 and CANCELs reach every
// participant, a swap survives re-applying the group file, and an
// invitation can be resent.
func TestSessionChangesEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	got := parseAll(t, e.smtp.WaitFor(48, 60*time.Second))
	require.Len(t, got, 48)
	session1, session2, session6 := uidOf(got, "2027-01-12"), uidOf(got, "2027-02-09"), uidOf(got, "2027-06-08")

	// Reschedule session 2: an updated REQUEST, SEQUENCE 1, to all 7.
	e.run("session", "reschedule", "--group", lyon, "--session", "2", "--at", "2027-02-16 18:30")
	require.Contains(t, e.out.String(), "session 2 rescheduled to Tue 2027-02-16 18:30 CET")
	require.Contains(t, e.out.String(), "SEQUENCE 1")
	require.Contains(t, e.out.String(), "update the group file too, or the next `codev group apply` will move it back")
	updates := parseAll(t, e.smtp.WaitFor(48+7, 60*time.Second))[48:]
	requireToAll(t, updates, func(g received) {
		require.Equal(t, "REQUEST", g.cal["METHOD"])
		require.Equal(t, session2, g.cal["UID"])
		require.Equal(t, "1", g.cal["SEQUENCE"])
		require.Equal(t, "20270216T173000Z", g.cal["DTSTART"])
	})

	// Refused changes say why and change nothing.
	out := e.runFails(1, "session", "reschedule", "--group", lyon, "--session", "2", "--at", "2027-03-05 18:00")
	require.Contains(t, out, "less than a week before session 3")
	require.Contains(t, e.runFails(1, "session", "cancel", "--group", lyon, "--session", "9"), "has no session 9")
	require.Contains(t, e.runFails(1, "session", "cancel", "--group", "Nope", "--session", "1"), `no group named "Nope"`)
	require.Contains(t, e.runFails(1, "session", "reschedule", "--group", lyon, "--session", "1", "--at", "2026-11-01 18:00"), "in the past")
	require.Contains(t, e.runFails(1, "session", "reschedule", "--group", lyon, "--session", "1", "--at", "tomorrow"), "not a date and time")
	require.Contains(t, e.runFails(2, "session", "cancel", "--group", lyon), "--session is required")

	// Cancel session 6: a CANCEL, SEQUENCE 1, to all 7.
	e.run("session", "cancel", "--group", lyon, "--session", "6")
	require.Contains(t, e.out.String(), "session 6 (Tue 2027-06-08 18:00 CEST) cancelled")
	require.Contains(t, e.out.String(), "update the group file too")
	cancels := parseAll(t, e.smtp.WaitFor(55+7, 60*time.Second))[55:]
	requireToAll(t, cancels, func(g received) {
		require.Equal(t, "CANCEL", g.cal["METHOD"])
		require.Equal(t, session6, g.cal["UID"])
		require.Equal(t, "1", g.cal["SEQUENCE"])
	})
	require.Contains(t, e.runFails(1, "session", "cancel", "--group", lyon, "--session", "6"), "session 6 of group \"Managers Lyon\" is cancelled")

	// Swap the clients of sessions 2 and 4: swapped and pinned.
	st := e.state(t, a)
	bob, david := memberID(st, "bob@example.org"), memberID(st, "david@example.org")
	require.Equal(t, []int64{bob, david}, []int64{st.SessionNumber(2).ClientID, st.SessionNumber(4).ClientID})
	e.run("session", "swap", "--group", lyon, "--sessions", "2,4")
	require.Contains(t, e.out.String(), "session 2: David Petit <david@example.org>")
	st = e.state(t, a)
	require.Equal(t, []int64{david, bob}, []int64{st.SessionNumber(2).ClientID, st.SessionNumber(4).ClientID})
	require.True(t, st.SessionNumber(2).Pinned && st.SessionNumber(4).Pinned)
	// Bob cannot attend session 3 (group file): he is not made its client.
	out = e.runFails(1, "session", "swap", "--group", lyon, "--sessions", "3,4")
	require.Contains(t, out, "bob@example.org")
	require.Contains(t, out, "cannot attend session 3")
	require.Contains(t, e.runFails(1, "session", "swap", "--group", lyon, "--sessions", "4,6"), "is cancelled")
	require.Contains(t, e.runFails(1, "session", "swap", "--group", lyon, "--sessions", "2,x"), "not two session numbers")

	// Resend session 1's invitation to Alice, twice: same UID and SEQUENCE.
	alice := memberID(st, "alice@example.org")
	ctx := context.Background()
	require.NoError(t, a.svc.ResendInvitation(ctx, st.Group.ID, 1, alice))
	require.NoError(t, a.svc.ResendInvitation(ctx, st.Group.ID, 1, alice))
	resent := parseAll(t, e.smtp.WaitFor(62+2, 60*time.Second))[62:]
	for _, g := range resent {
		require.Equal(t, "alice@example.org", g.to)
		require.Equal(t, "REQUEST", g.cal["METHOD"])
		require.Equal(t, session1, g.cal["UID"])
		require.Equal(t, "0", g.cal["SEQUENCE"])
	}
	require.True(t, workflow.ErrorCode(a.svc.ResendInvitation(ctx, st.Group.ID, 6, alice)) == workflow.EINVALID, "not for a cancelled session")
	require.True(t, workflow.ErrorCode(a.svc.ResendInvitation(ctx, st.Group.ID, 1, 9999)) == workflow.ENOTFOUND)

	// Re-applying the old file moves session 2 back and restores session 6
	// (what the warning says), but keeps the swap.
	e.run("group", "apply", "-f", e.file)
	require.Contains(t, e.out.String(), "session 2 rescheduled")
	require.Contains(t, e.out.String(), "session 6 restored")
	st = e.state(t, a)
	require.Equal(t, []int64{david, bob}, []int64{st.SessionNumber(2).ClientID, st.SessionNumber(4).ClientID})
}

// requireToAll checks that msgs are one calendar message to each of the
// seven participants.
func requireToAll(t *testing.T, msgs []received, check func(received)) {
	t.Helper()
	to := map[string]bool{}
	for _, g := range msgs {
		require.NotNil(t, g.cal)
		check(g)
		to[g.to] = true
	}
	require.Len(t, to, 7)
}

// TestPauseEndToEnd pauses a member by command: at D−1 the others get the
// session reminder, the paused member does not.
func TestPauseEndToEnd(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	a := e.startApp(t)
	require.Len(t, e.smtp.WaitFor(48, 60*time.Second), 48)

	e.run("member", "pause", "--group", lyon, "--email", "Bob@example.org")
	require.Contains(t, e.out.String(), "bob@example.org is paused")
	e.run("member", "pause", "chloe@example.org", "--group", lyon)
	e.run("member", "resume", "--group", lyon, "chloe@example.org")
	require.Contains(t, e.runFails(1, "member", "pause", "--group", lyon, "nobody@example.org"), "no participant")
	require.Contains(t, e.runFails(2, "member", "pause", "--group", lyon), "an address is required")
	st := e.state(t, a)
	require.True(t, st.Member(memberID(st, "bob@example.org")).Paused)
	require.False(t, st.Member(memberID(st, "chloe@example.org")).Paused)

	// 11 January 2027, 18:30 in Paris: D−1 of session 1.
	e.clock.Set(time.Date(2027, 1, 11, 17, 30, 0, 0, time.UTC))
	_, err := a.svc.Reconcile(context.Background())
	require.NoError(t, err)
	want := []string{"alice@example.org", "chloe@example.org", "claire@example.org", "david@example.org", "emilie@example.org", "francois@example.org"}
	var reminded []string
	require.Eventually(t, func() bool {
		reminded = reminded[:0]
		for _, m := range e.smtp.Messages() {
			if strings.Contains(subject(t, m), "Séance 1/6 – rappel") {
				reminded = append(reminded, m.To[0])
			}
		}
		return len(reminded) >= len(want)
	}, 30*time.Second, 50*time.Millisecond)
	require.ElementsMatch(t, want, reminded, "everyone but the paused member gets the D−1 reminder")
	for _, m := range e.state(t, a).Messages {
		if m.MemberID == memberID(st, "bob@example.org") {
			require.Contains(t, []workflow.Kind{workflow.KindInvitation, workflow.KindWelcome}, m.Kind, "paused: only essential emails")
		}
	}
}

func subject(t *testing.T, m smtptest.Received) string {
	t.Helper()
	ent, err := message.Read(bytes.NewReader(m.Data))
	require.NoError(t, err)
	s, err := ent.Header.Text("Subject")
	require.NoError(t, err)
	return s
}

// seeded is a group with answers, inbound messages and an RSVP written
// straight to the store, without mail.
type seeded struct {
	svc                   *workflow.Service
	db                    *database
	st                    *workflow.State
	alice, bob, emilie    int64
	prepare, welcome      int64 // messages answered
	aliceInbound, bobInbd int64
}

func seedGroup(t *testing.T, e *e2e) *seeded {
	t.Helper()
	ctx := context.Background()
	e.run("migrate")
	e.writeGroup(e2eDates)
	e.run("group", "apply", "-f", e.file)
	svc, db, err := e.m.offline(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = svc.Reconcile(ctx) // records the welcomes and invitations
	require.NoError(t, err)
	s := &seeded{svc: svc, db: db}
	s.st, err = svc.GroupByName(ctx, lyon)
	require.NoError(t, err)
	st := s.st
	s.alice, s.bob, s.emilie = memberID(st, "alice@example.org"), memberID(st, "bob@example.org"), memberID(st, "emilie@example.org")
	s1 := st.SessionNumber(1)
	now := e.clock.Now()
	require.NoError(t, db.InTx(ctx, func(tx workflow.Tx) error {
		prep := &workflow.Message{GroupID: st.Group.ID, SessionID: s1.ID, MemberID: s.alice, Kind: workflow.KindPrepare,
			Key: workflow.MessageKey(workflow.KindPrepare, s1.ID, s.alice, 0), DueAt: now, Status: workflow.MessageSent, SentAt: now, AnsweredAt: now}
		if _, err := tx.AddMessage(ctx, prep); err != nil {
			return err
		}
		s.prepare = prep.ID
		for _, m := range st.Messages {
			switch {
			case m.Kind == workflow.KindWelcome && m.MemberID == s.bob:
				s.welcome = m.ID
			case m.Kind == workflow.KindInvitation && m.MemberID == s.alice && m.SessionID == s1.ID:
				// Alice holds session 1 in her calendar.
				m.Status, m.SentAt = workflow.MessageSent, now
				if err := tx.UpdateMessage(ctx, m); err != nil {
					return err
				}
			}
		}
		for i, who := range []int64{s.alice, s.bob} {
			in := &workflow.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1), MessageID: "seed-" + string(rune('a'+i)),
				ReceivedAt: now, Status: workflow.InboundProcessed, Kind: workflow.MailReply, Reason: "answers recorded",
				GroupID: st.Group.ID, MemberID: who, Sender: "x@example.org"}
			if _, err := tx.AddInbound(ctx, in); err != nil {
				return err
			}
			if who == s.alice {
				s.aliceInbound = in.ID
			} else {
				s.bobInbd = in.ID
			}
		}
		for _, a := range []*workflow.Answer{
			{SessionID: s1.ID, MemberID: s.alice, RequestID: s.prepare, Kind: workflow.KindPrepare, Question: 1, Text: "Je n'arrive pas à déléguer."},
			{SessionID: s1.ID, MemberID: s.alice, RequestID: s.prepare, Kind: workflow.KindPrepare, Question: 7, Text: "Lâcher prise.", Shared: true},
			{MemberID: s.bob, RequestID: s.welcome, Kind: workflow.KindWelcome, Question: 0, Text: "J'accepte la charte."},
		} {
			a.GroupID, a.CreatedAt = st.Group.ID, now
			if err := tx.SaveAnswer(ctx, a); err != nil {
				return err
			}
		}
		return tx.SaveRSVP(ctx, &workflow.RSVP{SessionID: s1.ID, MemberID: s.emilie, PartStat: workflow.RSVPAccepted, Stamp: now})
	}))
	s.st, err = svc.GroupByName(ctx, lyon)
	require.NoError(t, err)
	return s
}

// TestExportAndErase exports a group and a member as JSON, then erases the
// member: answers and inbound messages gone, row anonymised, RSVPs kept,
// nothing sent to the erased address.
func TestExportAndErase(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	s := seedGroup(t, e)
	ctx := context.Background()

	e.run("export", "--group", lyon)
	var g struct {
		Group    map[string]string `json:"group"`
		Members  []map[string]any  `json:"members"`
		Sessions []struct {
			Number      int               `json:"number"`
			Start       string            `json:"start"`
			ClientEmail string            `json:"client_email"`
			Status      string            `json:"status"`
			Sequence    *int              `json:"sequence"`
			RSVPs       map[string]string `json:"rsvps"`
		} `json:"sessions"`
		Requests []map[string]any `json:"requests"`
		Answers  []map[string]any `json:"answers"`
	}
	require.NoError(t, json.Unmarshal(e.out.Bytes(), &g))
	require.Equal(t, map[string]string{"name": lyon, "language": "fr", "timezone": "Europe/Paris"}, g.Group)
	require.Len(t, g.Members, 7)
	require.Equal(t, map[string]any{"name": "Claire Martin", "email": "claire@example.org", "role": "animator",
		"active": true, "paused": false, "bounced": false}, g.Members[0])
	require.Len(t, g.Sessions, 6)
	require.Equal(t, "2027-01-12T18:00:00+01:00", g.Sessions[0].Start)
	require.Equal(t, "alice@example.org", g.Sessions[0].ClientEmail)
	require.Equal(t, "scheduled", g.Sessions[0].Status)
	require.NotNil(t, g.Sessions[0].Sequence)
	require.Equal(t, map[string]string{"emilie@example.org": "ACCEPTED"}, g.Sessions[0].RSVPs)
	require.Len(t, g.Requests, 6+42+1)
	var prep map[string]any
	for _, r := range g.Requests {
		if r["id"] == float64(s.prepare) {
			prep = r
		}
	}
	require.Equal(t, "prepare", prep["kind"])
	require.Equal(t, float64(1), prep["session_number"])
	require.Equal(t, "alice@example.org", prep["member_email"])
	require.Equal(t, "sent", prep["status"])
	for _, k := range []string{"due_at", "sent_at", "answered_at"} {
		_, err := time.Parse(time.RFC3339, prep[k].(string))
		require.NoError(t, err, k)
	}
	require.Len(t, g.Answers, 3)
	require.Equal(t, map[string]any{"request_id": float64(s.prepare), "member_email": "alice@example.org", "kind": "prepare",
		"session_number": float64(1), "question_number": float64(1), "text": "Je n'arrive pas à déléguer.", "shared": false}, g.Answers[1], "ordered by request, then question")

	// A member's export is their own data only.
	e.run("export", "--member", "Alice@example.org")
	out := e.out.String()
	for _, other := range []string{"bob@", "emilie@", "claire@", "charte"} {
		require.NotContains(t, out, other)
	}
	var mx workflow.MemberExport
	require.NoError(t, json.Unmarshal(e.out.Bytes(), &mx))
	require.Equal(t, "alice@example.org", mx.Email)
	require.Len(t, mx.Groups, 1)
	mg := mx.Groups[0]
	require.Equal(t, "Alice Dupont", mg.Member.Name)
	require.Len(t, mg.Sessions, 1, "alice is client of session 1")
	require.Equal(t, 1, mg.Sessions[0].Number)
	require.Len(t, mg.Answers, 2)
	require.Len(t, mg.Requests, 1+6+1, "welcome, six invitations, the questionnaire")
	require.Contains(t, e.runFails(2, "export"), "either --group or --member")
	require.Contains(t, e.runFails(1, "export", "--member", "nobody@example.org"), "no group has a participant")

	// Erase Alice.
	e.run("member", "erase", "alice@example.org")
	require.Contains(t, e.out.String(), "erased alice@example.org in 1 group(s)")
	require.Contains(t, e.out.String(), "Managers Lyon: 2 answer(s)")
	require.Contains(t, e.out.String(), "adds them back as a new member")
	st, err := s.svc.GroupByName(ctx, lyon)
	require.NoError(t, err)
	erased := st.Member(s.alice)
	require.Equal(t, "—", erased.Name)
	require.Equal(t, "erased-"+strconv.FormatInt(s.alice, 10)+"@invalid", erased.Email)
	require.False(t, erased.Active)
	require.NotEqual(t, s.st.Member(s.alice).FeedToken, erased.FeedToken, "the feed link is revoked")
	require.Len(t, st.Answers, 1)
	require.Equal(t, s.bob, st.Answers[0].MemberID)
	require.Len(t, st.RSVPs, 1, "RSVPs stay")
	require.NoError(t, s.db.InTx(ctx, func(tx workflow.Tx) error {
		_, err := tx.Inbound(ctx, s.aliceInbound)
		require.ErrorIs(t, err, workflow.ErrNotFound)
		_, err = tx.Inbound(ctx, s.bobInbd)
		require.NoError(t, err)
		return nil
	}))
	require.Contains(t, e.runFails(1, "export", "--member", "alice@example.org"), "no group has a participant")
	require.Contains(t, e.runFails(1, "member", "erase", "alice@example.org"), "no group has a participant")

	// The reconciler sends nothing to the erased address: the CANCEL of the
	// session she held is recorded as skipped.
	_, err = s.svc.Reconcile(ctx)
	require.NoError(t, err)
	st, err = s.svc.GroupByName(ctx, lyon)
	require.NoError(t, err)
	for _, m := range st.Messages {
		if m.MemberID == s.alice && m.Kind == workflow.KindCancellation {
			require.Equal(t, workflow.MessageSkipped, m.Status)
		}
	}
}

// flipLast changes a token's last character.
func flipLast(token string) string {
	last := token[len(token)-1]
	if last == 'a' {
		return token[:len(token)-1] + "b"
	}
	return token[:len(token)-1] + "a"
}

// TestPurge deletes a group's answers and inbound messages once the
// retention period after the last session is over, not before.
func TestPurge(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	s := seedGroup(t, e)
	ctx := context.Background()
	counts := func() (answers, inbound int) {
		st, err := s.svc.GroupByName(ctx, lyon)
		require.NoError(t, err)
		require.NoError(t, s.db.InTx(ctx, func(tx workflow.Tx) error {
			for _, id := range []int64{s.aliceInbound, s.bobInbd} {
				if _, err := tx.Inbound(ctx, id); err == nil {
					inbound++
				}
			}
			return nil
		}))
		return len(st.Answers), inbound
	}
	// Last session: 8 June 2027 18:00–20:00 in Paris; 6 months later.
	purge := time.Date(2027, 12, 8, 20, 0, 0, 0, time.FixedZone("CET", 3600))
	e.clock.Set(purge.Add(-time.Minute))
	_, err := s.svc.Reconcile(ctx)
	require.NoError(t, err)
	a, in := counts()
	require.Equal(t, []int{3, 2}, []int{a, in}, "kept until the retention date")

	e.clock.Set(purge)
	_, err = s.svc.Reconcile(ctx)
	require.NoError(t, err)
	a, in = counts()
	require.Equal(t, []int{0, 0}, []int{a, in}, "purged at the retention date")
	_, err = s.svc.Reconcile(ctx)
	require.NoError(t, err, "purging again is harmless")
	st, err := s.svc.GroupByName(ctx, lyon)
	require.NoError(t, err)
	require.Len(t, st.RSVPs, 1, "attendance stays")
}

// TestPreferencesPages serves the preference links of the emails' footers:
// GET shows and never changes, POST pauses and resumes, the one-click
// unsubscribe pauses, the export is the member's own, bad tokens are 404.
func TestPreferencesPages(t *testing.T) {
	t.Parallel()
	e := newE2E(t, "sqlite")
	s := seedGroup(t, e)
	ctx := context.Background()
	srv := httptest.NewServer(web.NewServer(web.Config{}, webServices(s.svc)).Handler())
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	token := s.svc.Signer().Sign(workflow.TokenPreferences, s.alice)
	do := func(method, path, form string) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(form))
		require.NoError(t, err)
		if form != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body), res.Header
	}
	paused := func() bool {
		st, err := s.svc.GroupByName(ctx, lyon)
		require.NoError(t, err)
		return st.Member(s.alice).Paused
	}

	code, body, h := do("GET", "/p/"+token, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
	require.Equal(t, "no-store", h.Get("Cache-Control"))
	require.Contains(t, body, `<html lang="fr">`)
	require.Contains(t, body, "Alice Dupont")
	require.Contains(t, body, "Vous recevez tous les messages du groupe.")
	require.Contains(t, body, `value="pause"`)
	require.Contains(t, body, "claire@example.org", "says whom to ask for erasure")
	require.NotContains(t, body, "bob@example.org")
	code, body, _ = do("GET", "/u/"+token, "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `name="List-Unsubscribe" value="One-Click"`)
	require.False(t, paused(), "GET changes nothing")

	code, _, h = do("POST", "/p/"+token, "action=pause")
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/p/"+token+"?saved=1", h.Get("Location"))
	require.True(t, paused())
	_, body, _ = do("GET", "/p/"+token+"?saved=1", "")
	require.Contains(t, body, "Vos préférences sont enregistrées.")
	require.Contains(t, body, "en pause")
	require.Contains(t, body, `value="resume"`)
	do("POST", "/p/"+token, "action=resume")
	require.False(t, paused())
	code, _, _ = do("POST", "/p/"+token, "action=erase")
	require.Equal(t, http.StatusBadRequest, code)

	// RFC 8058 one-click, as a mailbox provider sends it.
	code, _, _ = do("POST", "/u/"+token, "")
	require.Equal(t, http.StatusBadRequest, code)
	require.False(t, paused())
	code, body, _ = do("POST", "/u/"+token, url.Values{"List-Unsubscribe": {"One-Click"}}.Encode())
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, "C’est fait")
	require.True(t, paused())

	code, body, h = do("GET", "/p/"+token+"/export", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "application/json; charset=utf-8", h.Get("Content-Type"))
	var mx workflow.MemberExport
	require.NoError(t, json.Unmarshal([]byte(body), &mx))
	require.Equal(t, "alice@example.org", mx.Email)
	require.Len(t, mx.Groups[0].Answers, 2)
	require.NotContains(t, body, "bob@example.org")

	// The link in the emails is this page.
	email, err := s.svc.Compose(s.st, s.st.Messages[0], e.clock.Now())
	require.NoError(t, err)
	member := s.st.Member(s.st.Messages[0].MemberID)
	require.Contains(t, email.Text, "https://codev.example.org/p/"+s.svc.Signer().Sign(workflow.TokenPreferences, member.ID))
	require.Equal(t, "https://codev.example.org/u/"+s.svc.Signer().Sign(workflow.TokenPreferences, member.ID), email.ListUnsubscribe)

	// Unknown, tampered, wrong-purpose and erased tokens: 404, nothing changes.
	_, err = s.svc.EraseMember(ctx, "bob@example.org")
	require.NoError(t, err)
	for _, bad := range []string{"aaaa", flipLast(token), s.svc.Signer().Sign(workflow.TokenReply, s.alice),
		s.svc.Signer().Sign(workflow.TokenPreferences, 99999), s.svc.Signer().Sign(workflow.TokenPreferences, s.bob)} {
		for _, r := range [][2]string{{"GET", "/p/" + bad}, {"GET", "/u/" + bad}, {"GET", "/p/" + bad + "/export"}} {
			code, _, _ := do(r[0], r[1], "")
			require.Equal(t, http.StatusNotFound, code, r[1])
		}
		code, _, _ := do("POST", "/p/"+bad, "action=resume")
		require.Equal(t, http.StatusNotFound, code)
		code, _, _ = do("POST", "/u/"+bad, "List-Unsubscribe=One-Click")
		require.Equal(t, http.StatusNotFound, code)
	}
	require.True(t, paused())
}

// TestChangeCommandsHelp: every new command explains itself.
func TestChangeCommandsHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"session", "--help"}, {"session", "reschedule", "--help"}, {"session", "cancel", "--help"},
		{"session", "swap", "--help"}, {"member", "--help"}, {"member", "pause", "--help"}, {"member", "resume", "--help"},
		{"member", "erase", "--help"}, {"export", "--help"}} {
		e := newE2E(t, "sqlite")
		require.Equal(t, 0, e.m.Run(context.Background(), args), e.out.String())
		require.Contains(t, e.out.String(), "Usage: codev "+args[0])
	}
	e := newE2E(t, "sqlite")
	require.Equal(t, 2, e.m.Run(context.Background(), []string{"session", "move"}))
	require.Equal(t, 2, e.m.Run(context.Background(), []string{"member"}))
}
