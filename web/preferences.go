package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/codev-org/codev/workflow"
)

// Preferences without an account (DOMAIN.md §2, INTEROP.md §2): every email's
// footer links /p/TOKEN and its List-Unsubscribe header is /u/TOKEN, where
// TOKEN is the member's signed preferences token.
//
// The token is the capability: whoever holds the link may pause or resume
// that member's optional emails and download their own data, nothing else.
// The forms therefore carry no CSRF token: a forged cross-site POST could at
// most do what the link's holder could, and it needs the secret token, which
// only the member's mailbox has. Erasure is deliberately not offered here
// (it cannot be undone, and links get forwarded): the page says to ask the
// animator.
//
// GET never changes anything, because mail scanners follow links; changes
// are POSTs, and /u/TOKEN accepts RFC 8058 one-click POSTs
// ("List-Unsubscribe=One-Click") from mailbox providers.

// Preferences is what the preference pages need of the domain: the member a
// signed token names, the pause switch and the member's own export.
type Preferences interface {
	// PreferencesByToken returns the member a preferences token names, an
	// ENOTFOUND error for a token that does not verify or an erased member.
	PreferencesByToken(ctx context.Context, token string) (*workflow.Preferences, error)
	SetPaused(ctx context.Context, memberID int64, paused bool) error
	ExportMemberByID(ctx context.Context, memberID int64) (*workflow.MemberExport, error)
}

// preferencesRoutes registers the member-facing preference pages.
func (s *Server) preferencesRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /p/{token}", s.preferencesPage)
	mux.HandleFunc("POST /p/{token}", s.preferencesPost)
	mux.HandleFunc("GET /p/{token}/export", s.preferencesExport)
	mux.HandleFunc("GET /u/{token}", s.unsubscribePage)
	mux.HandleFunc("POST /u/{token}", s.unsubscribePost)
}

// prefsMaxForm bounds the body of preference forms: they hold one field.
const prefsMaxForm = 1 << 10

// preferences resolves the token, answering 404 itself when it names nobody.
func (s *Server) preferences(w http.ResponseWriter, r *http.Request) (*workflow.Preferences, bool) {
	p, err := s.prefs.PreferencesByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, workflow.ErrNotFound) {
		http.NotFound(w, r)
		return nil, false
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "web: Preferences lookup failed", slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return nil, false
	}
	return p, true
}

func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.preferences(w, r)
	if !ok {
		return
	}
	s.renderPreferences(w, r, "preferences", p, r.URL.Query().Get("saved") == "1")
}

func (s *Server) preferencesPost(w http.ResponseWriter, r *http.Request) {
	p, ok := s.preferences(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, prefsMaxForm)
	var paused bool
	switch r.PostFormValue("action") {
	case "pause":
		paused = true
	case "resume":
	default:
		http.Error(w, "unknown action", http.StatusBadRequest)
		return
	}
	if !s.setPaused(w, r, p, paused) {
		return
	}
	// Post/Redirect/Get: reloading the page does not post again.
	http.Redirect(w, r, "/p/"+r.PathValue("token")+"?saved=1", http.StatusSeeOther)
}

func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.preferences(w, r)
	if !ok {
		return
	}
	s.renderPreferences(w, r, "unsubscribe", p, false)
}

// unsubscribePost is the RFC 8058 one-click unsubscribe, also used by the
// confirmation page's button: it pauses the member's optional emails.
func (s *Server) unsubscribePost(w http.ResponseWriter, r *http.Request) {
	p, ok := s.preferences(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, prefsMaxForm)
	if r.PostFormValue("List-Unsubscribe") != "One-Click" {
		http.Error(w, "expected List-Unsubscribe=One-Click", http.StatusBadRequest)
		return
	}
	if !s.setPaused(w, r, p, true) {
		return
	}
	p.Member.Paused = true
	s.renderPreferences(w, r, "unsubscribed", p, false)
}

func (s *Server) setPaused(w http.ResponseWriter, r *http.Request, p *workflow.Preferences, paused bool) bool {
	err := s.prefs.SetPaused(r.Context(), p.Member.ID, paused)
	if errors.Is(err, workflow.ErrNotFound) {
		http.NotFound(w, r)
		return false
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "web: Saving preferences failed", slog.Int64("member_id", p.Member.ID), slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return false
	}
	s.log.InfoContext(r.Context(), "web: Saved preferences", slog.Int64("member_id", p.Member.ID), slog.Bool("paused", paused))
	return true
}

// preferencesExport downloads the member's own data, for this group only.
func (s *Server) preferencesExport(w http.ResponseWriter, r *http.Request) {
	p, ok := s.preferences(w, r)
	if !ok {
		return
	}
	x, err := s.prefs.ExportMemberByID(r.Context(), p.Member.ID)
	if err != nil {
		s.log.ErrorContext(r.Context(), "web: Export failed", slog.Int64("member_id", p.Member.ID), slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="codev-export.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(x)
}

// prefsView is what the preference templates show.
type prefsView struct {
	T        prefsText
	Lang     string
	Group    string
	Name     string
	Paused   bool
	Active   bool
	Saved    bool
	Token    string
	Animator *workflow.Member
}

func (s *Server) renderPreferences(w http.ResponseWriter, r *http.Request, page string, p *workflow.Preferences, saved bool) {
	lang := p.Group.Language
	if lang != workflow.LangEN {
		lang = workflow.LangFR
	}
	v := prefsView{T: prefsTexts[lang], Lang: lang, Group: p.Group.Name, Name: p.Member.Name,
		Paused: p.Member.Paused, Active: p.Member.Active, Saved: saved, Token: r.PathValue("token"), Animator: p.Animator}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The URL is a secret: keep it out of caches and search engines.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	if err := prefsTemplates.ExecuteTemplate(w, page, v); err != nil {
		s.log.ErrorContext(r.Context(), "web: Rendering preferences failed", slog.String("error", err.Error()))
	}
}

// prefsText holds a page's words in one language.
type prefsText struct {
	Title, Hello, StateAll, StatePaused, Inactive, Saved        string
	PauseExplain, Pause, Resume, Essential                      string
	ExportTitle, Export, ErasureTitle, Erasure, ErasureNoAnim   string
	UnsubTitle, UnsubExplain, UnsubConfirm, UnsubDone, PrefLink string
}

var prefsTexts = map[string]prefsText{
	workflow.LangFR: {
		Title:         "Vos notifications",
		Hello:         "Bonjour",
		StateAll:      "Vous recevez tous les messages du groupe.",
		StatePaused:   "Vos messages facultatifs sont en pause.",
		Inactive:      "Vous ne faites plus partie de ce groupe.",
		Saved:         "Vos préférences sont enregistrées.",
		PauseExplain:  "La pause arrête les rappels, questionnaires et autres messages facultatifs.",
		Essential:     "Vous recevez toujours les invitations aux séances, leurs changements et leurs annulations, pour que votre agenda reste juste.",
		Pause:         "Mettre en pause les messages facultatifs",
		Resume:        "Recevoir de nouveau tous les messages",
		ExportTitle:   "Vos données",
		Export:        "Télécharger mes données (JSON)",
		ErasureTitle:  "Effacer vos données",
		Erasure:       "Pour faire effacer vos données, écrivez à l’animateur·rice du groupe, qui transmettra votre demande :",
		ErasureNoAnim: "Pour faire effacer vos données, écrivez à l’animateur·rice du groupe, qui transmettra votre demande.",
		UnsubTitle:    "Se désabonner des messages facultatifs",
		UnsubExplain:  "Confirmez-vous l’arrêt des messages facultatifs (rappels, questionnaires) de ce groupe ?",
		UnsubConfirm:  "Confirmer le désabonnement",
		UnsubDone:     "C’est fait : vous ne recevrez plus que les invitations aux séances, leurs changements et leurs annulations.",
		PrefLink:      "Gérer mes notifications",
	},
	workflow.LangEN: {
		Title:         "Your notifications",
		Hello:         "Hello",
		StateAll:      "You receive every email of the group.",
		StatePaused:   "Your optional emails are paused.",
		Inactive:      "You are no longer in this group.",
		Saved:         "Your preferences are saved.",
		PauseExplain:  "Pausing stops reminders, questionnaires and other optional emails.",
		Essential:     "You still receive session invitations, their changes and cancellations, so that your calendar stays right.",
		Pause:         "Pause optional emails",
		Resume:        "Receive every email again",
		ExportTitle:   "Your data",
		Export:        "Download my data (JSON)",
		ErasureTitle:  "Erasing your data",
		Erasure:       "To have your data erased, write to the group's facilitator, who will pass your request on:",
		ErasureNoAnim: "To have your data erased, write to the group's facilitator, who will pass your request on.",
		UnsubTitle:    "Unsubscribe from optional emails",
		UnsubExplain:  "Do you want to stop the optional emails (reminders, questionnaires) of this group?",
		UnsubConfirm:  "Confirm unsubscribing",
		UnsubDone:     "Done: you will only receive session invitations, their changes and cancellations.",
		PrefLink:      "Manage my notifications",
	},
}

var prefsTemplates = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{.T.Title}} – Codev {{.Group}}</title>
<style>
body{font-family:system-ui,sans-serif;line-height:1.5;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}
button{font:inherit;padding:.6rem 1rem;border:2px solid #1a4d8f;border-radius:.3rem;background:#1a4d8f;color:#fff;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #e0a000;outline-offset:2px}
a{color:#1a4d8f}
[role=status]{padding:.6rem 1rem;border-left:4px solid #2e7d32;background:#eef7ee}
</style>
</head>
<body>
<main>
{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}

{{define "preferences"}}{{template "head" .}}
<h1>{{.T.Title}} – Codev {{.Group}}</h1>
{{if .Saved}}<p role="status">{{.T.Saved}}</p>{{end}}
<p>{{.T.Hello}} {{.Name}},</p>
<p><strong>{{if not .Active}}{{.T.Inactive}}{{else if .Paused}}{{.T.StatePaused}}{{else}}{{.T.StateAll}}{{end}}</strong></p>
<p>{{.T.PauseExplain}} {{.T.Essential}}</p>
<form method="post" action="/p/{{.Token}}">
{{if .Paused}}<input type="hidden" name="action" value="resume">
<button type="submit">{{.T.Resume}}</button>
{{else}}<input type="hidden" name="action" value="pause">
<button type="submit">{{.T.Pause}}</button>
{{end}}</form>
<h2>{{.T.ExportTitle}}</h2>
<p><a href="/p/{{.Token}}/export" download>{{.T.Export}}</a></p>
<h2>{{.T.ErasureTitle}}</h2>
{{with .Animator}}<p>{{$.T.Erasure}} {{.Name}}, <a href="mailto:{{.Email}}">{{.Email}}</a>.</p>
{{else}}<p>{{.T.ErasureNoAnim}}</p>{{end}}
{{template "foot" .}}{{end}}

{{define "unsubscribe"}}{{template "head" .}}
<h1>{{.T.UnsubTitle}} – Codev {{.Group}}</h1>
<p>{{.T.UnsubExplain}}</p>
<p>{{.T.Essential}}</p>
<form method="post" action="/u/{{.Token}}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">{{.T.UnsubConfirm}}</button>
</form>
<p><a href="/p/{{.Token}}">{{.T.PrefLink}}</a></p>
{{template "foot" .}}{{end}}

{{define "unsubscribed"}}{{template "head" .}}
<h1>{{.T.UnsubTitle}} – Codev {{.Group}}</h1>
<p role="status">{{.T.UnsubDone}}</p>
<p><a href="/p/{{.Token}}">{{.T.PrefLink}}</a></p>
{{template "foot" .}}{{end}}
`))
