package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestActions posts every animator action from the group page: success
// redirects to the page with the sentence that says what happened, and the
// domain's refusals show on the page with their reason and status.
func TestActions(t *testing.T) {
	t.Parallel()

	// setup signs Claire in to a fresh app.
	setup := func(t *testing.T) (*testApp, *browser, string) {
		t.Helper()
		a := newApp(t)
		return a, a.browser("192.0.2.1").signIn("claire@example.org"), groupPath(a.lyon)
	}

	// refused checks that an action was refused with status and the
	// reason on the group page.
	refused := func(t *testing.T, w *httptest.ResponseRecorder, status int, reason string) {
		t.Helper()
		require.Equal(t, status, w.Code, w.Body.String())
		require.Contains(t, w.Body.String(), `<h1>Managers Lyon</h1>`, "the group page again")
		require.Contains(t, w.Body.String(), reason)
	}

	// succeeded checks the redirect after an action and the sentence the
	// page then shows.
	succeeded := func(t *testing.T, c *browser, w *httptest.ResponseRecorder, location, sentence string) {
		t.Helper()
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		require.Equal(t, location, w.Header().Get("Location"))
		page := c.do("GET", location, nil)
		require.Equal(t, http.StatusOK, page.Code)
		require.Contains(t, page.Body.String(), `<p class="flash" role="status">`+sentence)
	}

	t.Run("Reschedule", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		action := page + "/sessions/2/reschedule"
		w := c.post(page, action, url.Values{"start": {"2027-02-16T18:30"}})
		succeeded(t, c, w, page+"?done=rescheduled#session-2", "Séance déplacée : les participant·e·s reçoivent une invitation mise à jour.")
		ss := a.state(a.lyon.Group.ID).SessionNumber(2)
		require.Equal(t, time.Date(2027, 2, 16, 17, 30, 0, 0, time.UTC), ss.Start.UTC(), "in the group's zone")
		require.Equal(t, a.lyon.SessionNumber(2).Sequence+1, ss.Sequence)

		refused(t, c.post(page, action, url.Values{"start": {"16/02/2027"}}), http.StatusBadRequest,
			"&#34;16/02/2027&#34; is not a date and time (YYYY-MM-DDTHH:MM)")
		refused(t, c.post(page, action, url.Values{"start": {"2026-11-30T18:00"}}), http.StatusBadRequest, "that is in the past")
		refused(t, c.post(page, action, url.Values{"start": {"2027-01-14T18:00:00"}}), http.StatusBadRequest,
			"that is less than a week after session 1")
		refused(t, c.post(page, page+"/sessions/9/reschedule", url.Values{"start": {"2027-02-16T18:30"}}), http.StatusNotFound,
			"has no session 9")
		refused(t, c.post(page, page+"/sessions/x/reschedule", url.Values{"start": {"2027-02-16T18:30"}}), http.StatusNotFound,
			"no such session")
		require.Equal(t, ss, a.state(a.lyon.Group.ID).SessionNumber(2), "refusals change nothing")
	})

	t.Run("Cancel", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		action := page + "/sessions/3/cancel"
		refused(t, c.post(page, action, nil), http.StatusBadRequest, "tick the confirmation box to cancel session 3")
		require.Equal(t, workflow.SessionScheduled, a.state(a.lyon.Group.ID).SessionNumber(3).Status)

		w := c.post(page, action, url.Values{"confirm": {"yes"}})
		succeeded(t, c, w, page+"?done=cancelled#session-3", "Séance annulée : les participant·e·s reçoivent l&#39;annulation.")
		require.Equal(t, workflow.SessionCancelled, a.state(a.lyon.Group.ID).SessionNumber(3).Status)
		refused(t, c.post(page, action, url.Values{"confirm": {"yes"}}), http.StatusBadRequest, "session 3 of group &#34;Managers Lyon&#34; is cancelled")
		refused(t, c.post(page, page+"/sessions/0/cancel", url.Values{"confirm": {"yes"}}), http.StatusNotFound, "no such session")
	})

	t.Run("Swap", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		before := a.state(a.lyon.Group.ID)
		two, four := before.SessionNumber(2).ClientID, before.SessionNumber(4).ClientID
		require.NotZero(t, two, "planned mode gives every session a client")
		action := page + "/sessions/2/swap"
		refused(t, c.post(page, action, nil), http.StatusBadRequest, "choose the session to swap with")
		refused(t, c.post(page, action, url.Values{"with": {"2"}}), http.StatusBadRequest, "cannot swap session 2 with itself")

		w := c.post(page, action, url.Values{"with": {"4"}})
		succeeded(t, c, w, page+"?done=swapped#session-2", "Client·e·s échangé·e·s.")
		after := a.state(a.lyon.Group.ID)
		require.Equal(t, four, after.SessionNumber(2).ClientID)
		require.Equal(t, two, after.SessionNumber(4).ClientID)
		require.True(t, after.SessionNumber(2).Pinned, "a swap survives re-applying the file")
	})

	t.Run("Resend", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		bob := a.lyon.Member(member(t, a.lyon, "bob@example.org"))
		action := page + "/sessions/1/resend"
		refused(t, c.post(page, action, nil), http.StatusBadRequest, "no member chosen")
		paul := member(t, a.paris, "paul@example.org")
		refused(t, c.post(page, action, url.Values{"member": {strconv.FormatInt(paul, 10)}}), http.StatusBadRequest,
			"member "+strconv.FormatInt(paul, 10)+" is not in group &#34;Managers Lyon&#34;")

		w := c.post(page, action, url.Values{"member": {strconv.FormatInt(bob.ID, 10)}})
		succeeded(t, c, w, page+"?done=resent#session-1", "Invitation renvoyée.")
		var resent []*workflow.Message
		for _, m := range a.state(a.lyon.Group.ID).Messages {
			if m.Kind == workflow.KindInvitation && m.MemberID == bob.ID && strings.Contains(m.Key, ":resend:") {
				resent = append(resent, m)
			}
		}
		require.Len(t, resent, 1)
		require.Equal(t, workflow.MessagePending, resent[0].Status, "the reconciler's send job will send it")
	})

	t.Run("PauseAndResume", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		alice := member(t, a.lyon, "alice@example.org")
		action := page + "/members/" + strconv.FormatInt(alice, 10) + "/pause"
		w := c.post(page, action, url.Values{"paused": {"1"}})
		succeeded(t, c, w, page+"?done=paused#member-"+strconv.FormatInt(alice, 10), "Membre mis·e en pause.")
		require.True(t, a.state(a.lyon.Group.ID).Member(alice).Paused)
		w = c.post(page, action, url.Values{"paused": {"0"}})
		succeeded(t, c, w, page+"?done=resumed#member-"+strconv.FormatInt(alice, 10), "Pause terminée.")
		require.False(t, a.state(a.lyon.Group.ID).Member(alice).Paused)

		// A member of another group through this group's URL is refused.
		paul := member(t, a.paris, "paul@example.org")
		w = c.post(page, page+"/members/"+strconv.FormatInt(paul, 10)+"/pause", url.Values{"paused": {"1"}})
		refused(t, w, http.StatusBadRequest, "is not in group &#34;Managers Lyon&#34;")
		require.False(t, a.state(a.paris.Group.ID).Member(paul).Paused)
		refused(t, c.post(page, page+"/members/x/pause", url.Values{"paused": {"1"}}), http.StatusBadRequest, "no member chosen")
	})

	t.Run("RotateFeeds", func(t *testing.T) {
		t.Parallel()
		a, c, page := setup(t)
		old := a.svc.FeedURL(a.lyon.Group.FeedToken)
		require.Equal(t, http.StatusOK, a.feed(old).Code)
		w := c.post(page, page+"/feed", nil)
		succeeded(t, c, w, page+"?done=feed", "Nouveau lien de calendrier créé ; l&#39;ancien ne fonctionne plus.")
		st := a.state(a.lyon.Group.ID)
		require.Equal(t, http.StatusNotFound, a.feed(old).Code, "the old group feed is revoked")
		require.Equal(t, http.StatusOK, a.feed(a.svc.FeedURL(st.Group.FeedToken)).Code)
		require.Contains(t, c.do("GET", page, nil).Body.String(), st.Group.FeedToken, "the page shows the new link")

		bob := st.Member(member(t, st, "bob@example.org"))
		oldBob := a.svc.FeedURL(bob.FeedToken)
		require.Equal(t, http.StatusOK, a.feed(oldBob).Code)
		w = c.post(page, page+"/members/"+strconv.FormatInt(bob.ID, 10)+"/feed", nil)
		succeeded(t, c, w, page+"?done=feed", "Nouveau lien de calendrier créé")
		require.Equal(t, http.StatusNotFound, a.feed(oldBob).Code, "a member's feed is revoked")
		require.Equal(t, http.StatusOK, a.feed(a.svc.FeedURL(a.state(a.lyon.Group.ID).Member(bob.ID).FeedToken)).Code)

		paul := a.paris.Member(member(t, a.paris, "paul@example.org"))
		refused(t, c.post(page, page+"/members/"+strconv.FormatInt(paul.ID, 10)+"/feed", nil), http.StatusBadRequest, "is not in group")
		require.Equal(t, http.StatusOK, a.feed(a.svc.FeedURL(paul.FeedToken)).Code, "Paul's feed still works")
	})

	t.Run("HeldMessages", func(t *testing.T) {
		t.Parallel()
		a, claire, page := setup(t)
		alice := member(t, a.lyon, "alice@example.org")
		held := a.holdWelcomeReply(a.lyon, alice, "alice.perso@gmail.example", "J'accepte la charte.")
		require.Equal(t, workflow.InboundHeld, a.inbound(held.ID).Status, "the sender is not the member")
		other := a.holdWelcomeReply(a.lyon, member(t, a.lyon, "bob@example.org"), "bob.perso@gmail.example", "Lu et approuvé.")

		body := claire.do("GET", page, nil).Body.String()
		require.Contains(t, body, "alice.perso@gmail.example")
		require.Contains(t, body, "n&#39;est pas la personne à qui la demande avait été envoyée", "the reason, in the group's language")
		require.NotContains(t, body, "J&#39;accepte la charte", "no content of held messages")
		require.Contains(t, claire.do("GET", "/groups", nil).Body.String(), "2 message(s) à examiner")

		// Olivier cannot act on it.
		heldPath := "/held/" + strconv.FormatInt(held.ID, 10)
		olivier := a.browser("192.0.2.8").signIn("olivier@example.org")
		require.Equal(t, http.StatusForbidden, olivier.post("/groups", page+heldPath+"/ignore", nil).Code)
		w := olivier.post("/groups", groupPath(a.paris)+heldPath+"/ignore", nil)
		require.Equal(t, http.StatusNotFound, w.Code, "not a message of his group")
		require.Contains(t, w.Body.String(), "is not waiting for review in this group")
		require.Equal(t, workflow.InboundHeld, a.inbound(held.ID).Status)

		refused(t, claire.post(page, page+heldPath+"/apply", nil), http.StatusBadRequest, "no member chosen")
		paul := member(t, a.paris, "paul@example.org")
		refused(t, claire.post(page, page+heldPath+"/apply", url.Values{"member": {strconv.FormatInt(paul, 10)}}),
			http.StatusBadRequest, "is not in group")
		refused(t, claire.post(page, page+"/held/x/apply", url.Values{"member": {strconv.FormatInt(alice, 10)}}),
			http.StatusNotFound, "no such message")

		w = claire.post(page, page+heldPath+"/apply", url.Values{"member": {strconv.FormatInt(alice, 10)}})
		succeeded(t, claire, w, page+"?done=applied#held", "Message appliqué au membre.")
		body = claire.do("GET", page, nil).Body.String()
		require.Contains(t, body, "J&#39;accepte la charte.", "the animator sees the answer")
		require.NotContains(t, body, "alice.perso@gmail.example")
		in := a.inbound(held.ID)
		require.Equal(t, workflow.InboundProcessed, in.Status)
		require.Nil(t, in.Raw, "raw bytes deleted once applied")
		refused(t, claire.post(page, page+heldPath+"/apply", url.Values{"member": {strconv.FormatInt(alice, 10)}}),
			http.StatusNotFound, "is not waiting for review")

		w = claire.post(page, page+"/held/"+strconv.FormatInt(other.ID, 10)+"/ignore", nil)
		succeeded(t, claire, w, page+"?done=ignored#held", "Message ignoré et supprimé.")
		in = a.inbound(other.ID)
		require.Equal(t, workflow.InboundIgnored, in.Status)
		require.Nil(t, in.Raw)
		require.Contains(t, claire.do("GET", page, nil).Body.String(), "Aucun message en attente.")
		require.NotContains(t, claire.do("GET", page, nil).Body.String(), "Lu et approuvé", "an ignored answer is not applied")
	})

	t.Run("DomainErrors", func(t *testing.T) {
		t.Parallel()
		bc := &brokenChanges{}
		a := newApp(t, func(_ *Config, svc *Services) { svc.Changes = bc })
		c := a.browser("192.0.2.1").signIn("claire@example.org")
		page := groupPath(a.lyon)
		alice := strconv.FormatInt(member(t, a.lyon, "alice@example.org"), 10)
		held := a.holdWelcomeReply(a.lyon, member(t, a.lyon, "alice@example.org"), "alice.perso@gmail.example", "Oui.")
		heldPath := page + "/held/" + strconv.FormatInt(held.ID, 10)
		actions := []struct {
			path string
			form url.Values
		}{
			{page + "/sessions/2/reschedule", url.Values{"start": {"2027-02-16T18:30"}}},
			{page + "/sessions/2/cancel", url.Values{"confirm": {"yes"}}},
			{page + "/sessions/2/swap", url.Values{"with": {"3"}}},
			{page + "/sessions/2/resend", url.Values{"member": {alice}}},
			{page + "/members/" + alice + "/pause", url.Values{"paused": {"1"}}},
			{page + "/members/" + alice + "/feed", nil},
			{page + "/feed", nil},
			{heldPath + "/apply", url.Values{"member": {alice}}},
			{heldPath + "/ignore", nil},
		}
		for _, action := range actions {
			bc.err = workflow.Errorf(workflow.ECONFLICT, "someone else changed it first")
			refused(t, c.post(page, action.path, action.form), http.StatusConflict, "someone else changed it first")
			bc.err = errors.New("database is locked")
			w := c.post(page, action.path, action.form)
			require.Equal(t, http.StatusInternalServerError, w.Code, action.path)
			require.Contains(t, w.Body.String(), "Une erreur est survenue. Réessayez plus tard.")
			require.NotContains(t, w.Body.String(), "database is locked")
		}
		require.Len(t, bc.calls, 2*len(actions), "each action calls one Changes method")
		require.Equal(t, []string{"RescheduleSession", "RescheduleSession", "CancelSession", "CancelSession", "SwapClients", "SwapClients",
			"ResendInvitation", "ResendInvitation", "SetPaused", "SetPaused", "RotateFeedToken", "RotateFeedToken",
			"RotateFeedToken", "RotateFeedToken", "ApplyHeld", "ApplyHeld", "IgnoreHeld", "IgnoreHeld"}, bc.calls)
		require.Contains(t, a.logs.String(), "database is locked")

		// The unmatched messages of admins go through IgnoreHeld too.
		stray := a.deliver("stranger@mail.example", "codev@example.org", "Bonjour")
		root := a.browser("192.0.2.2").signIn("root@example.org")
		w := root.post("/groups", "/held/"+strconv.FormatInt(stray.ID, 10)+"/ignore", nil)
		require.Equal(t, http.StatusInternalServerError, w.Code)
		require.Equal(t, workflow.InboundHeld, a.inbound(stray.ID).Status)
	})

	t.Run("RefusalPageFails", func(t *testing.T) {
		t.Parallel()
		bg := &brokenGroups{}
		a := newApp(t, func(_ *Config, svc *Services) {
			bg.Groups = svc.Groups
			svc.Groups = bg
		})
		c := a.browser("192.0.2.1").signIn("claire@example.org")
		page := groupPath(a.lyon)
		csrf := c.csrf(page)
		// The group loads for the manages check, then fails when the
		// page with the refusal is rendered.
		bg.method, bg.group, bg.err = "Held", a.lyon.Group.ID, errors.New("held list failed")
		w := c.do("POST", page+"/sessions/2/cancel", url.Values{"csrf": {csrf}})
		require.Equal(t, http.StatusInternalServerError, w.Code)
		require.Contains(t, a.logs.String(), "held list failed")
		w = c.do("POST", page+"/held/1/ignore", url.Values{"csrf": {csrf}})
		require.Equal(t, http.StatusInternalServerError, w.Code, "finding the held message fails")
		require.Equal(t, workflow.SessionScheduled, a.state(a.lyon.Group.ID).SessionNumber(2).Status)
	})
}

// brokenChanges is a Changes that records which method was called and
// fails with err.
type brokenChanges struct {
	err   error
	calls []string
}

func (b *brokenChanges) fail(method string) error {
	b.calls = append(b.calls, method)
	return b.err
}

func (b *brokenChanges) RescheduleSession(context.Context, int64, int, time.Time) error {
	return b.fail("RescheduleSession")
}

func (b *brokenChanges) CancelSession(context.Context, int64, int) error {
	return b.fail("CancelSession")
}

func (b *brokenChanges) SwapClients(context.Context, int64, int, int) error {
	return b.fail("SwapClients")
}

func (b *brokenChanges) ResendInvitation(context.Context, int64, int, int64) error {
	return b.fail("ResendInvitation")
}

func (b *brokenChanges) SetPaused(context.Context, int64, bool) error { return b.fail("SetPaused") }

func (b *brokenChanges) RotateFeedToken(context.Context, int64, int64) (string, error) {
	return "", b.fail("RotateFeedToken")
}

func (b *brokenChanges) ApplyHeld(context.Context, int64, int64) error { return b.fail("ApplyHeld") }

func (b *brokenChanges) IgnoreHeld(context.Context, int64) error { return b.fail("IgnoreHeld") }
