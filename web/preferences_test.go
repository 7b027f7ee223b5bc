package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestPreferences serves the links of the emails' footers: GET shows and
// never changes, POST pauses and resumes, the one-click unsubscribe
// pauses, the export is the member's own, bad tokens are 404.
func TestPreferences(t *testing.T) {
	t.Parallel()

	type fixture struct {
		a     *testApp
		alice int64
		token string
	}
	setup := func(t *testing.T, opts ...appOption) *fixture {
		t.Helper()
		a := newApp(t, opts...)
		alice := member(t, a.lyon, "alice@example.org")
		return &fixture{a: a, alice: alice, token: a.svc.Signer().Sign(workflow.TokenPreferences, alice)}
	}
	// do sends a request without cookies: the token is the capability.
	do := func(f *fixture, method, path string, form url.Values) *httptest.ResponseRecorder {
		return f.a.browser("198.51.100.1").do(method, path, form)
	}
	paused := func(f *fixture) bool { return f.a.state(f.a.lyon.Group.ID).Member(f.alice).Paused }

	t.Run("PauseAndResume", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		w := do(f, "GET", "/p/"+f.token, nil)
		require.Equal(t, http.StatusOK, w.Code)
		body := w.Body.String()
		require.Contains(t, body, `<html lang="fr">`)
		require.Contains(t, body, "Bonjour Alice Dupont,")
		require.Contains(t, body, "Vous recevez tous les messages du groupe.")
		require.Contains(t, body, `<a href="mailto:claire@example.org">`, "erasure goes through the animator")
		require.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		require.Equal(t, "noindex, nofollow", w.Header().Get("X-Robots-Tag"))
		require.False(t, paused(f), "GET changes nothing")

		w = do(f, "POST", "/p/"+f.token, url.Values{"action": {"pause"}})
		require.Equal(t, http.StatusSeeOther, w.Code)
		require.Equal(t, "/p/"+f.token+"?saved=1", w.Header().Get("Location"))
		require.True(t, paused(f))
		body = do(f, "GET", "/p/"+f.token+"?saved=1", nil).Body.String()
		require.Contains(t, body, "Vos préférences sont enregistrées.")
		require.Contains(t, body, "Vos messages facultatifs sont en pause.")
		require.Contains(t, f.a.logs.String(), "web: Saved preferences")

		require.Equal(t, http.StatusSeeOther, do(f, "POST", "/p/"+f.token, url.Values{"action": {"resume"}}).Code)
		require.False(t, paused(f))
		require.Equal(t, http.StatusBadRequest, do(f, "POST", "/p/"+f.token, url.Values{"action": {"erase"}}).Code)
		require.False(t, paused(f))
	})

	t.Run("English", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		paul := member(t, f.a.paris, "paul@example.org")
		body := do(f, "GET", "/p/"+f.a.svc.Signer().Sign(workflow.TokenPreferences, paul), nil).Body.String()
		require.Contains(t, body, `<html lang="en">`, "the group's language")
		require.Contains(t, body, "Hello Paul Henry,")
	})

	t.Run("OneClickUnsubscribe", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		w := do(f, "GET", "/u/"+f.token, nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), `<input type="hidden" name="List-Unsubscribe" value="One-Click">`)
		require.False(t, paused(f))

		require.Equal(t, http.StatusBadRequest, do(f, "POST", "/u/"+f.token, url.Values{"List-Unsubscribe": {"yes"}}).Code)
		require.False(t, paused(f))
		w = do(f, "POST", "/u/"+f.token, url.Values{"List-Unsubscribe": {"One-Click"}})
		require.Equal(t, http.StatusOK, w.Code)
		require.Contains(t, w.Body.String(), "C’est fait")
		require.True(t, paused(f))
	})

	t.Run("Export", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		w := do(f, "GET", "/p/"+f.token+"/export", nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
		require.Equal(t, `attachment; filename="codev-export.json"`, w.Header().Get("Content-Disposition"))
		var x map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &x))
		body := w.Body.String()
		require.Contains(t, body, "alice@example.org")
		require.NotContains(t, body, "bob@example.org", "the member's own data only")
	})

	t.Run("BadTokens", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		reply := f.a.svc.Signer().Sign(workflow.TokenReply, f.alice)
		flip := "a"
		if f.token[5] == 'a' {
			flip = "b"
		}
		tampered := f.token[:5] + flip + f.token[6:]
		for _, tok := range []string{"nope", reply, tampered} {
			for _, req := range []struct{ method, path string }{
				{"GET", "/p/" + tok}, {"POST", "/p/" + tok}, {"GET", "/p/" + tok + "/export"},
				{"GET", "/u/" + tok}, {"POST", "/u/" + tok},
			} {
				require.Equal(t, http.StatusNotFound, do(f, req.method, req.path, url.Values{"action": {"pause"}}).Code, req)
			}
		}
		require.False(t, paused(f))
	})

	t.Run("BodyLimit", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		w := do(f, "POST", "/p/"+f.token, url.Values{"action": {"pause"}, "pad": {strings.Repeat("x", 2<<10)}})
		require.Equal(t, http.StatusBadRequest, w.Code, "the form holds one field")
		require.False(t, paused(f))
	})

	t.Run("StoreFails", func(t *testing.T) {
		t.Parallel()
		bp := &brokenPreferences{}
		f := setup(t, func(_ *Config, svc *Services) {
			bp.Preferences = svc.Preferences
			svc.Preferences = bp
		})
		bp.lookup = errors.New("lookup failed")
		require.Equal(t, http.StatusInternalServerError, do(f, "GET", "/p/"+f.token, nil).Code)
		bp.lookup, bp.save = nil, errors.New("save failed")
		require.Equal(t, http.StatusInternalServerError, do(f, "POST", "/p/"+f.token, url.Values{"action": {"pause"}}).Code)
		require.Equal(t, http.StatusInternalServerError, do(f, "POST", "/u/"+f.token, url.Values{"List-Unsubscribe": {"One-Click"}}).Code)
		bp.save = workflow.Errorf(workflow.ENOTFOUND, "member erased meanwhile")
		require.Equal(t, http.StatusNotFound, do(f, "POST", "/p/"+f.token, url.Values{"action": {"pause"}}).Code)
		bp.export = errors.New("export failed")
		require.Equal(t, http.StatusInternalServerError, do(f, "GET", "/p/"+f.token+"/export", nil).Code)
		logs := f.a.logs.String()
		for _, want := range []string{"lookup failed", "save failed", "export failed"} {
			require.Contains(t, logs, want)
		}
		require.False(t, paused(f))
	})
}

// brokenPreferences is a Preferences whose calls fail on demand.
type brokenPreferences struct {
	Preferences
	lookup, save, export error
}

func (b *brokenPreferences) PreferencesByToken(ctx context.Context, token string) (*workflow.Preferences, error) {
	if b.lookup != nil {
		return nil, b.lookup
	}
	return b.Preferences.PreferencesByToken(ctx, token)
}

func (b *brokenPreferences) SetPaused(ctx context.Context, memberID int64, paused bool) error {
	if b.save != nil {
		return b.save
	}
	return b.Preferences.SetPaused(ctx, memberID, paused)
}

func (b *brokenPreferences) ExportMemberByID(ctx context.Context, memberID int64) (*workflow.MemberExport, error) {
	if b.export != nil {
		return nil, b.export
	}
	return b.Preferences.ExportMemberByID(ctx, memberID)
}
