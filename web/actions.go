package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/codev-org/codev/workflow"
)

// Changes are what the animators' actions ask of the domain: one method
// each. None of them checks who asks: the handler has checked that the
// signed-in person manages the group (groupOf) and that the member or held
// message the request names belongs to it.
type Changes interface {
	RescheduleSession(ctx context.Context, groupID int64, number int, start time.Time) error
	CancelSession(ctx context.Context, groupID int64, number int) error
	SwapClients(ctx context.Context, groupID int64, a, b int) error
	ResendInvitation(ctx context.Context, groupID int64, number int, memberID int64) error
	SetPaused(ctx context.Context, memberID int64, paused bool) error
	RotateFeedToken(ctx context.Context, groupID, memberID int64) (string, error)
	ApplyHeld(ctx context.Context, inboundID, memberID int64) error
	IgnoreHeld(ctx context.Context, inboundID int64) error
}

// changeRoutes registers the changes an animator makes to a group's
// sessions, members, feeds and held messages; the reconciler sends what a
// change calls for.
func (u *ui) changeRoutes(mux *http.ServeMux) {
	for pattern, c := range map[string]change{
		"POST /groups/{id}/sessions/{number}/reschedule": u.reschedule,
		"POST /groups/{id}/sessions/{number}/cancel":     u.cancel,
		"POST /groups/{id}/sessions/{number}/swap":       u.swap,
		"POST /groups/{id}/sessions/{number}/resend":     u.resend,
		"POST /groups/{id}/members/{member}/pause":       u.pause,
		"POST /groups/{id}/feed":                         u.rotateFeed,
		"POST /groups/{id}/members/{member}/feed":        u.rotateFeed,
		"POST /groups/{id}/held/{inbound}/apply":         u.applyHeld,
		"POST /groups/{id}/held/{inbound}/ignore":        u.ignoreHeld,
	} {
		mux.HandleFunc(pattern, u.change(c))
	}
}

// change is one action on a group the signed-in person manages: it reads
// the request's path and form, calls one Changes method, and returns what
// happened (a "done." message key) and the anchor of the group page to go
// back to. An error is the domain's refusal, shown on the group page.
type change func(r *http.Request, st *workflow.State) (what, anchor string, err error)

// change serves c: a signed-in POST with a valid CSRF token (action), for
// a group the person manages (groupOf); then POST, redirect, GET to the
// group page with the sentence that says what happened, or the group page
// again with the reason of a refusal.
func (u *ui) change(c change) http.HandlerFunc {
	return u.action(func(w http.ResponseWriter, r *http.Request, sess *session) {
		st, ok := u.groupOf(w, r, sess)
		if !ok {
			return
		}
		what, anchor, err := c(r, st)
		if err != nil {
			u.refused(w, r, sess, st.Group.ID, err)
			return
		}
		done(w, r, st.Group.ID, what, anchor)
	})
}

// sessionNumber reads the session number of the path.
func sessionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 {
		return 0, workflow.Errorf(workflow.ENOTFOUND, "no such session")
	}
	return n, nil
}

func sessionAnchor(n int) string { return "session-" + strconv.Itoa(n) }

func (u *ui) reschedule(r *http.Request, st *workflow.State) (string, string, error) {
	n, err := sessionNumber(r)
	if err != nil {
		return "", "", err
	}
	start, err := parseLocal(r.PostFormValue("start"), st.Group)
	if err != nil {
		return "", "", err
	}
	return "rescheduled", sessionAnchor(n), u.changes.RescheduleSession(r.Context(), st.Group.ID, n, start)
}

// parseLocal reads an <input type=datetime-local> value as a time in the
// group's zone.
func parseLocal(v string, g *workflow.Group) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, g.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, workflow.Errorf(workflow.EINVALID, "%q is not a date and time (YYYY-MM-DDTHH:MM)", v)
}

func (u *ui) cancel(r *http.Request, st *workflow.State) (string, string, error) {
	n, err := sessionNumber(r)
	if err != nil {
		return "", "", err
	}
	if r.PostFormValue("confirm") != "yes" {
		return "", "", workflow.Errorf(workflow.EINVALID, "tick the confirmation box to cancel session %d", n)
	}
	return "cancelled", sessionAnchor(n), u.changes.CancelSession(r.Context(), st.Group.ID, n)
}

func (u *ui) swap(r *http.Request, st *workflow.State) (string, string, error) {
	n, err := sessionNumber(r)
	if err != nil {
		return "", "", err
	}
	with, err := strconv.Atoi(r.PostFormValue("with"))
	if err != nil {
		return "", "", workflow.Errorf(workflow.EINVALID, "choose the session to swap with")
	}
	return "swapped", sessionAnchor(n), u.changes.SwapClients(r.Context(), st.Group.ID, n, with)
}

func (u *ui) resend(r *http.Request, st *workflow.State) (string, string, error) {
	n, err := sessionNumber(r)
	if err != nil {
		return "", "", err
	}
	m, err := memberOf(st, r.PostFormValue("member"))
	if err != nil {
		return "", "", err
	}
	return "resent", sessionAnchor(n), u.changes.ResendInvitation(r.Context(), st.Group.ID, n, m.ID)
}

func (u *ui) pause(r *http.Request, st *workflow.State) (string, string, error) {
	m, err := memberOf(st, r.PathValue("member"))
	if err != nil {
		return "", "", err
	}
	paused, what := r.PostFormValue("paused") == "1", "resumed"
	if paused {
		what = "paused"
	}
	return what, "member-" + strconv.FormatInt(m.ID, 10), u.changes.SetPaused(r.Context(), m.ID, paused)
}

// rotateFeed replaces the group's feed token, or a member's when the path
// names one.
func (u *ui) rotateFeed(r *http.Request, st *workflow.State) (string, string, error) {
	var memberID int64
	if raw := r.PathValue("member"); raw != "" {
		m, err := memberOf(st, raw)
		if err != nil {
			return "", "", err
		}
		memberID = m.ID
	}
	_, err := u.changes.RotateFeedToken(r.Context(), st.Group.ID, memberID)
	return "feed", "", err
}

func (u *ui) applyHeld(r *http.Request, st *workflow.State) (string, string, error) {
	in, err := u.heldIn(r.Context(), st.Group.ID, r.PathValue("inbound"))
	if err != nil {
		return "", "", err
	}
	m, err := memberOf(st, r.PostFormValue("member"))
	if err != nil {
		return "", "", err
	}
	return "applied", "held", u.changes.ApplyHeld(r.Context(), in.ID, m.ID)
}

func (u *ui) ignoreHeld(r *http.Request, st *workflow.State) (string, string, error) {
	in, err := u.heldIn(r.Context(), st.Group.ID, r.PathValue("inbound"))
	if err != nil {
		return "", "", err
	}
	return "ignored", "held", u.changes.IgnoreHeld(r.Context(), in.ID)
}

// ignoreUnmatched closes a held message matched to no group: admins only.
func (u *ui) ignoreUnmatched(w http.ResponseWriter, r *http.Request, sess *session) {
	lang := acceptLanguage(r)
	if !u.auth.IsAdmin(sess.Email) {
		u.message(w, r, sess, http.StatusForbidden, lang, "forbidden.title", t(lang, "forbidden.body"))
		return
	}
	in, err := u.heldIn(r.Context(), 0, r.PathValue("inbound"))
	if err == nil {
		err = u.changes.IgnoreHeld(r.Context(), in.ID)
	}
	if err != nil {
		u.fail(w, r, sess, lang, err)
		return
	}
	http.Redirect(w, r, "/groups", http.StatusSeeOther)
}

// memberOf returns the member the form or path names, refusing one that
// is not in the group: the domain's member-only methods (SetPaused) do not
// know the group the animator is allowed to manage.
func memberOf(st *workflow.State, raw string) (*workflow.Member, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, workflow.Errorf(workflow.EINVALID, "no member chosen")
	}
	m := st.Member(id)
	if m == nil || m.Erased() {
		return nil, workflow.Errorf(workflow.EINVALID, "member %d is not in group %q", id, st.Group.Name)
	}
	return m, nil
}

// heldIn returns the held message the path names if it is matched to the
// group: an animator can only act on their group's messages.
func (u *ui) heldIn(ctx context.Context, groupID int64, raw string) (*workflow.Inbound, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, workflow.Errorf(workflow.ENOTFOUND, "no such message")
	}
	held, err := u.groups.Held(ctx, groupID)
	if err != nil {
		return nil, err
	}
	for _, in := range held {
		if in.ID == id {
			return in, nil
		}
	}
	return nil, workflow.Errorf(workflow.ENOTFOUND, "message %d is not waiting for review in this group", id)
}
