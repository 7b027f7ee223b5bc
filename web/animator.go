package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/codev-org/codev/workflow"
)

// Groups is what the animators' pages read of the domain.
type Groups interface {
	// ManagedGroups returns the groups email animates, every group for
	// an admin.
	ManagedGroups(ctx context.Context, email string) ([]*workflow.Group, error)
	// GroupState loads a group; ErrNotFound when there is none.
	GroupState(ctx context.Context, groupID int64) (*workflow.State, error)
	// Manages reports whether email is the group's animator or an admin.
	Manages(st *workflow.State, email string) bool
	// Held lists the messages held for review in a group, group 0 for
	// those matched to no group.
	Held(ctx context.Context, groupID int64) ([]*workflow.Inbound, error)
	Requests(st *workflow.State) []workflow.Request
	FeedURL(token string) string
	// Now tells past sessions from coming ones.
	Now() time.Time
}

// animatorRoutes registers the pages, and the actions of actions.go.
func (u *ui) animatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /groups", u.authed(u.groupList))
	mux.HandleFunc("GET /groups/{id}", u.authed(u.group))
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

func (u *ui) groupList(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx, lang := r.Context(), acceptLanguage(r)
	groups, err := u.groups.ManagedGroups(ctx, sess.Email)
	if err != nil {
		u.fail(w, r, sess, lang, err)
		return
	}
	v := &groupsView{JobsUI: u.adminJobs != nil}
	now := u.groups.Now()
	for _, g := range groups {
		st, err := u.groups.GroupState(ctx, g.ID)
		if err != nil {
			u.fail(w, r, sess, lang, err)
			return
		}
		held, err := u.groups.Held(ctx, g.ID)
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
	if u.auth.IsAdmin(sess.Email) {
		held, err := u.groups.Held(ctx, 0)
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
	st, err = u.groups.GroupState(r.Context(), id)
	if errors.Is(err, workflow.ErrNotFound) {
		u.message(w, r, sess, http.StatusNotFound, lang, "notfound.title", t(lang, "notfound.body"))
		return nil, false
	} else if err != nil {
		u.fail(w, r, sess, lang, err)
		return nil, false
	}
	if !u.groups.Manages(st, sess.Email) {
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
	st, serr := u.groups.GroupState(r.Context(), groupID)
	if serr != nil {
		u.fail(w, r, sess, acceptLanguage(r), serr)
		return
	}
	u.renderGroup(w, r, sess, st, status, "", err.Error())
}
