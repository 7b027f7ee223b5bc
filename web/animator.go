package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/codev-org/codev/workflow"
)

// animatorRoutes registers the pages and the actions that use the
// animator's own use cases (held messages, feed tokens); actions.go has
// the session and member changes.
func (u *ui) animatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /groups", u.authed(u.groups))
	mux.HandleFunc("GET /groups/{id}", u.authed(u.group))
	mux.HandleFunc("POST /groups/{id}/feed", u.action(u.rotateFeed))
	mux.HandleFunc("POST /groups/{id}/members/{member}/feed", u.action(u.rotateFeed))
	mux.HandleFunc("POST /groups/{id}/held/{inbound}/apply", u.action(u.applyHeld))
	mux.HandleFunc("POST /groups/{id}/held/{inbound}/ignore", u.action(u.ignoreHeld))
	mux.HandleFunc("POST /held/{inbound}/ignore", u.action(u.ignoreUnmatched))
	u.changeRoutes(mux)
}

// groupsView is the list of the groups someone manages.
type groupsView struct {
	Groups    []groupItem
	Unmatched []heldRow // admins: held messages matched to no group
	JobsUI    bool
}

type groupItem struct {
	ID   int64
	Name string
	Next string // the next scheduled session, in the group's language
	Held int
}

func (u *ui) groups(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx, lang := r.Context(), acceptLanguage(r)
	groups, err := u.svc.ManagedGroups(ctx, sess.Email)
	if err != nil {
		u.fail(w, r, sess, lang, err)
		return
	}
	v := &groupsView{JobsUI: u.adminJobs != nil}
	now := u.svc.Now()
	for _, g := range groups {
		st, err := u.svc.GroupState(ctx, g.ID)
		if err != nil {
			u.fail(w, r, sess, lang, err)
			return
		}
		held, err := u.svc.Held(ctx, g.ID)
		if err != nil {
			u.fail(w, r, sess, lang, err)
			return
		}
		item := groupItem{ID: g.ID, Name: g.Name, Held: len(held)}
		for _, ss := range st.Scheduled() {
			if ss.Start.After(now) {
				item.Next = workflow.FormatWhen(g, ss.Start)
				break
			}
		}
		v.Groups = append(v.Groups, item)
	}
	if u.svc.IsAdmin(sess.Email) {
		held, err := u.svc.Held(ctx, 0)
		if err != nil {
			u.fail(w, r, sess, lang, err)
			return
		}
		v.Unmatched = heldRows(&workflow.Group{Language: lang, Timezone: "UTC"}, held)
	}
	p := u.newPage(w, r, sess, lang, "groups.title")
	p.Data = v
	u.render(w, r, http.StatusOK, "groups", p)
}

// groupOf loads the group named by the path and checks that the signed-in
// person is its animator or an admin: every handler that reads or changes
// a group goes through it. It has answered the request when ok is false.
func (u *ui) groupOf(w http.ResponseWriter, r *http.Request, sess *session) (st *workflow.State, ok bool) {
	lang := acceptLanguage(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		u.message(w, r, sess, http.StatusNotFound, lang, "notfound.title", t(lang, "notfound.body"))
		return nil, false
	}
	st, err = u.svc.GroupState(r.Context(), id)
	if errors.Is(err, workflow.ErrNotFound) {
		u.message(w, r, sess, http.StatusNotFound, lang, "notfound.title", t(lang, "notfound.body"))
		return nil, false
	} else if err != nil {
		u.fail(w, r, sess, lang, err)
		return nil, false
	}
	if !u.svc.Manages(st, sess.Email) {
		u.log.WarnContext(r.Context(), "web: Refused access to a group", slog.Int64("group_id", id))
		u.message(w, r, sess, http.StatusForbidden, lang, "forbidden.title", t(lang, "forbidden.body"))
		return nil, false
	}
	return st, true
}

func (u *ui) group(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	flash := ""
	if done := r.URL.Query().Get("done"); done != "" {
		if _, known := messages["done."+done]; known {
			flash = t(st.Group.Language, "done."+done)
		}
	}
	u.renderGroup(w, r, sess, st, http.StatusOK, flash, "")
}

func (u *ui) renderGroup(w http.ResponseWriter, r *http.Request, sess *session, st *workflow.State, status int, flash, errMsg string) {
	v, err := u.groupView(r.Context(), st)
	if err != nil {
		u.fail(w, r, sess, st.Group.Language, err)
		return
	}
	p := u.newPage(w, r, sess, st.Group.Language, "groups.title")
	p.Title, p.Flash, p.Error, p.Data = st.Group.Name, flash, errMsg, v
	u.render(w, r, status, "group", p)
}

// done redirects to the group page after an action (POST, redirect, GET),
// with the sentence that says what happened.
func done(w http.ResponseWriter, r *http.Request, groupID int64, what, anchor string) {
	target := "/groups/" + strconv.FormatInt(groupID, 10) + "?done=" + url.QueryEscape(what)
	if anchor != "" {
		target += "#" + anchor
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// refused answers an action the domain refused: the group page again, with
// the reason, for the animator's own mistakes; a generic error otherwise.
func (u *ui) refused(w http.ResponseWriter, r *http.Request, sess *session, groupID int64, err error) {
	status := 0
	switch workflow.ErrorCode(err) {
	case workflow.EINVALID:
		status = http.StatusBadRequest
	case workflow.ECONFLICT:
		status = http.StatusConflict
	case workflow.ENOTFOUND:
		status = http.StatusNotFound
	}
	if status == 0 {
		u.fail(w, r, sess, acceptLanguage(r), err)
		return
	}
	st, serr := u.svc.GroupState(r.Context(), groupID)
	if serr != nil {
		u.fail(w, r, sess, acceptLanguage(r), serr)
		return
	}
	u.renderGroup(w, r, sess, st, status, "", err.Error())
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

func (u *ui) rotateFeed(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	var memberID int64
	if raw := r.PathValue("member"); raw != "" {
		m, err := memberOf(st, raw)
		if err != nil {
			u.refused(w, r, sess, st.Group.ID, err)
			return
		}
		memberID = m.ID
	}
	if _, err := u.svc.RotateFeedToken(r.Context(), st.Group.ID, memberID); err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "feed", "")
}

// heldIn returns the held message the path names if it is matched to the
// group: an animator can only act on their group's messages.
func (u *ui) heldIn(ctx context.Context, groupID int64, raw string) (*workflow.Inbound, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, workflow.Errorf(workflow.ENOTFOUND, "no such message")
	}
	held, err := u.svc.Held(ctx, groupID)
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

func (u *ui) applyHeld(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	in, err := u.heldIn(r.Context(), st.Group.ID, r.PathValue("inbound"))
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	m, err := memberOf(st, r.PostFormValue("member"))
	if err == nil {
		err = u.svc.ApplyHeld(r.Context(), in.ID, m.ID)
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "applied", "held")
}

func (u *ui) ignoreHeld(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	in, err := u.heldIn(r.Context(), st.Group.ID, r.PathValue("inbound"))
	if err == nil {
		err = u.svc.IgnoreHeld(r.Context(), in.ID)
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "ignored", "held")
}

// ignoreUnmatched closes a held message matched to no group: admins only.
func (u *ui) ignoreUnmatched(w http.ResponseWriter, r *http.Request, sess *session) {
	lang := acceptLanguage(r)
	if !u.svc.IsAdmin(sess.Email) {
		u.message(w, r, sess, http.StatusForbidden, lang, "forbidden.title", t(lang, "forbidden.body"))
		return
	}
	in, err := u.heldIn(r.Context(), 0, r.PathValue("inbound"))
	if err == nil {
		err = u.svc.IgnoreHeld(r.Context(), in.ID)
	}
	if err != nil {
		u.fail(w, r, sess, lang, err)
		return
	}
	http.Redirect(w, r, "/groups", http.StatusSeeOther)
}
