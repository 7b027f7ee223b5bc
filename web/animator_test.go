package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestAnimatorPages checks what the groups and group pages show, and to
// whom.
func TestAnimatorPages(t *testing.T) {
	t.Parallel()

	t.Run("OwnGroupsOnly", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		w := claire.do("GET", "/groups", nil)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		require.Contains(t, body, `href="`+groupPath(a.lyon)+`">Managers Lyon</a>`)
		require.Contains(t, body, "prochaine séance : mardi 12 janvier 2027", "the next session, in the group's language")
		require.NotContains(t, body, "Cadres Paris", "only the groups one animates")
		require.NotContains(t, body, "Administration")

		w = claire.do("GET", groupPath(a.lyon), nil)
		require.Equal(t, http.StatusOK, w.Code)
		body = w.Body.String()
		require.Contains(t, body, `<html lang="fr">`, "the group's language")
		require.Contains(t, body, "Séance 2")
		require.Contains(t, body, "Alice Dupont")
		require.Contains(t, body, a.svc.FeedURL(a.lyon.Group.FeedToken))
		require.Contains(t, body, `action="`+groupPath(a.lyon)+`/sessions/1/reschedule"`, "future sessions can be changed")
		require.Contains(t, body, "Aucun message en attente.")
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	})

	t.Run("AnimatorWithoutGroups", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		// Claire hands the group over: her session stays, her access goes.
		spec := lyonSpec()
		spec.Animator = workflow.Person{Name: "Nadia Roux", Email: "nadia@example.org"}
		a.apply(spec)
		w := claire.do("GET", "/groups", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "Vous n&#39;animez aucun groupe.")
		require.Equal(t, http.StatusForbidden, claire.do("GET", groupPath(a.lyon), nil).Code, "access is checked on every request")
	})

	t.Run("PastSessionsAreNotEditable", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		a.clock.Set(time.Date(2027, 1, 13, 9, 0, 0, 0, time.UTC))
		claire.cookies = map[string]*http.Cookie{}
		claire.signIn("claire@example.org")
		body := claire.do("GET", groupPath(a.lyon), nil).Body.String()
		require.Contains(t, body, `<span class="tag">passée</span>`)
		require.NotContains(t, body, "/sessions/1/reschedule")
		require.Contains(t, body, "/sessions/2/reschedule")
		require.Contains(t, claire.do("GET", "/groups", nil).Body.String(), "prochaine séance : vendredi 12 février 2027")
	})

	t.Run("Flash", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		body := claire.do("GET", groupPath(a.lyon)+"?done=swapped", nil).Body.String()
		require.Contains(t, body, "Client·e·s échangé·e·s.")
		body = claire.do("GET", groupPath(a.lyon)+"?done=%3Cscript%3E", nil).Body.String()
		require.NotContains(t, body, "<script>", "an unknown key shows nothing")
		require.NotContains(t, body, `role="status"`)
	})

	t.Run("AnotherAnimatorsGroup", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		w := claire.do("GET", groupPath(a.paris), nil)
		require.Equal(t, http.StatusForbidden, w.Code)
		require.Contains(t, w.Body.String(), "Vous n&#39;animez pas ce groupe.")
		require.NotContains(t, w.Body.String(), "Paul Henry")
		require.Contains(t, a.logs.String(), "web: Refused access to a group")

		paul := strconv.FormatInt(member(t, a.paris, "paul@example.org"), 10)
		for _, action := range []struct {
			path string
			form url.Values
		}{
			{"/sessions/2/cancel", url.Values{"confirm": {"yes"}}},
			{"/sessions/2/reschedule", url.Values{"start": {"2027-02-23T18:00"}}},
			{"/sessions/2/swap", url.Values{"with": {"3"}}},
			{"/sessions/2/resend", url.Values{"member": {paul}}},
			{"/members/" + paul + "/pause", url.Values{"paused": {"1"}}},
			{"/members/" + paul + "/feed", nil},
			{"/feed", nil},
			{"/held/1/apply", url.Values{"member": {paul}}},
			{"/held/1/ignore", nil},
		} {
			w := claire.post(groupPath(a.lyon), groupPath(a.paris)+action.path, action.form)
			require.Equal(t, http.StatusForbidden, w.Code, "a valid token does not open another group: %s", action.path)
		}
		require.Equal(t, a.paris, a.state(a.paris.Group.ID), "nothing changed in Paris")
	})

	t.Run("NoSuchGroup", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		for _, path := range []string{"/groups/0", "/groups/-1", "/groups/x", "/groups/999"} {
			w := claire.do("GET", path, nil)
			require.Equal(t, http.StatusNotFound, w.Code, path)
			require.Contains(t, w.Body.String(), "Cette page n&#39;existe pas.")
		}
		w := claire.post(groupPath(a.lyon), "/groups/999/feed", nil)
		require.Equal(t, http.StatusNotFound, w.Code)
	})

	t.Run("AdminSeesAll", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(cfg *Config, _ *Services) {
			cfg.AdminJobs = http.NotFoundHandler()
		})
		root := a.browser("192.0.2.1").signIn("root@example.org")
		w := root.do("GET", "/groups", nil)
		body := w.Body.String()
		require.Contains(t, body, "Managers Lyon")
		require.Contains(t, body, "Cadres Paris")
		require.Contains(t, body, "Administration")
		require.Contains(t, body, `href="/admin/jobs"`, "River UI is linked when mounted")
		w = root.do("GET", groupPath(a.paris), nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), `<html lang="en">`)
		require.Contains(t, w.Body.String(), "Session 1")
	})

	t.Run("UnmatchedHeldMessages", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		in := a.deliver("stranger@mail.example", "codev@example.org", "Bonjour, je voudrais m'inscrire.")
		require.Equal(t, workflow.InboundHeld, a.inbound(in.ID).Status)

		root := a.browser("192.0.2.1").signIn("root@example.org")
		body := root.do("GET", "/groups", nil).Body.String()
		require.Contains(t, body, "stranger@mail.example")
		require.Contains(t, body, "écrit directement à l&#39;adresse du groupe", "the reason, in the page's language")
		require.NotContains(t, body, "inscrire", "no content of held messages")

		ignore := "/held/" + strconv.FormatInt(in.ID, 10) + "/ignore"
		claire := a.browser("192.0.2.2").signIn("claire@example.org")
		require.Equal(t, http.StatusForbidden, claire.post("/groups", ignore, nil).Code, "admins only")
		require.Equal(t, workflow.InboundHeld, a.inbound(in.ID).Status)

		w := root.post("/groups", ignore, nil)
		require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
		require.Equal(t, "/groups", w.Header().Get("Location"))
		require.Equal(t, workflow.InboundIgnored, a.inbound(in.ID).Status)
		require.NotContains(t, root.do("GET", "/groups", nil).Body.String(), "stranger@mail.example")

		w = root.post("/groups", ignore, nil)
		require.Equal(t, http.StatusNotFound, w.Code, "no longer held")
		require.Equal(t, http.StatusNotFound, root.post("/groups", "/held/x/ignore", nil).Code)
	})

	t.Run("StoreFails", func(t *testing.T) {
		t.Parallel()
		bg := &brokenGroups{}
		a := newApp(t, func(_ *Config, svc *Services) {
			bg.Groups = svc.Groups
			svc.Groups = bg
		})
		claire := a.browser("192.0.2.1").signIn("claire@example.org")
		root := a.browser("192.0.2.2").signIn("root@example.org")
		for _, tc := range []struct {
			method string
			group  int64
			who    *browser
			path   string
		}{
			{"Held", a.lyon.Group.ID, claire, "/groups"},
			{"Held", a.lyon.Group.ID, claire, groupPath(a.lyon)},
			{"Held", 0, root, "/groups"}, // the unmatched messages
			{"ManagedGroups", 0, claire, "/groups"},
			{"GroupState", 0, claire, "/groups"},
			{"GroupState", 0, claire, groupPath(a.lyon)},
		} {
			bg.method, bg.group = tc.method, tc.group
			bg.err = errors.New(tc.method + " failed: disk I/O error on claire@example.org's row")
			w := tc.who.do("GET", tc.path, nil)
			require.Equal(t, http.StatusInternalServerError, w.Code, "%s %s", tc.method, tc.path)
			require.Contains(t, w.Body.String(), "Une erreur est survenue. Réessayez plus tard.")
			require.NotContains(t, w.Body.String(), "disk I/O", "the reason is logged, not shown")
			require.Contains(t, a.logs.String(), tc.method+" failed: disk I/O error on <address>")
		}
		require.Contains(t, a.logs.String(), "web: Request failed")
		require.NotContains(t, a.logs.String(), "claire@example.org's", "addresses are redacted from logs")
	})
}

// brokenGroups is a Groups whose method named method fails with err: Held
// only for group, the others always.
type brokenGroups struct {
	Groups
	err    error
	method string
	group  int64
}

func (b *brokenGroups) Held(ctx context.Context, groupID int64) ([]*workflow.Inbound, error) {
	if b.method == "Held" && groupID == b.group {
		return nil, b.err
	}
	return b.Groups.Held(ctx, groupID)
}

func (b *brokenGroups) ManagedGroups(ctx context.Context, email string) ([]*workflow.Group, error) {
	if b.method == "ManagedGroups" {
		return nil, b.err
	}
	return b.Groups.ManagedGroups(ctx, email)
}

func (b *brokenGroups) GroupState(ctx context.Context, groupID int64) (*workflow.State, error) {
	if b.method == "GroupState" {
		return nil, b.err
	}
	return b.Groups.GroupState(ctx, groupID)
}
