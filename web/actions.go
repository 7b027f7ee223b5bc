package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/codev-org/codev/workflow"
)

// changeRoutes registers the changes an animator makes to sessions and
// members. Each loads the group through groupOf (animator or admin only),
// checks that the member it names is in that group, then calls one
// Service method; the reconciler sends what the change calls for.
func (u *ui) changeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /groups/{id}/sessions/{number}/reschedule", u.action(u.reschedule))
	mux.HandleFunc("POST /groups/{id}/sessions/{number}/cancel", u.action(u.cancel))
	mux.HandleFunc("POST /groups/{id}/sessions/{number}/swap", u.action(u.swap))
	mux.HandleFunc("POST /groups/{id}/sessions/{number}/resend", u.action(u.resend))
	mux.HandleFunc("POST /groups/{id}/members/{member}/pause", u.action(u.pause))
}

// sessionNumber reads the session number of the path.
func sessionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n <= 0 {
		return 0, workflow.Errorf(workflow.ENOTFOUND, "no such session")
	}
	return n, nil
}

func (u *ui) reschedule(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	n, err := sessionNumber(r)
	if err == nil {
		var start time.Time
		start, err = parseLocal(r.PostFormValue("start"), st.Group)
		if err == nil {
			err = u.svc.RescheduleSession(r.Context(), st.Group.ID, n, start)
		}
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "rescheduled", "session-"+strconv.Itoa(n))
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

func (u *ui) cancel(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	n, err := sessionNumber(r)
	if err == nil && r.PostFormValue("confirm") != "yes" {
		err = workflow.Errorf(workflow.EINVALID, "tick the confirmation box to cancel session %d", n)
	}
	if err == nil {
		err = u.svc.CancelSession(r.Context(), st.Group.ID, n)
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "cancelled", "session-"+strconv.Itoa(n))
}

func (u *ui) swap(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	n, err := sessionNumber(r)
	if err == nil {
		var with int
		if with, err = strconv.Atoi(r.PostFormValue("with")); err != nil {
			err = workflow.Errorf(workflow.EINVALID, "choose the session to swap with")
		} else {
			err = u.svc.SwapClients(r.Context(), st.Group.ID, n, with)
		}
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "swapped", "session-"+strconv.Itoa(n))
}

func (u *ui) resend(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	n, err := sessionNumber(r)
	if err == nil {
		var m *workflow.Member
		if m, err = memberOf(st, r.PostFormValue("member")); err == nil {
			err = u.svc.ResendInvitation(r.Context(), st.Group.ID, n, m.ID)
		}
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	done(w, r, st.Group.ID, "resent", "session-"+strconv.Itoa(n))
}

func (u *ui) pause(w http.ResponseWriter, r *http.Request, sess *session) {
	st, ok := u.groupOf(w, r, sess)
	if !ok {
		return
	}
	m, err := memberOf(st, r.PathValue("member"))
	paused := r.PostFormValue("paused") == "1"
	if err == nil {
		err = u.svc.SetPaused(r.Context(), m.ID, paused)
	}
	if err != nil {
		u.refused(w, r, sess, st.Group.ID, err)
		return
	}
	what := "resumed"
	if paused {
		what = "paused"
	}
	done(w, r, st.Group.ID, what, "member-"+strconv.FormatInt(m.ID, 10))
}
