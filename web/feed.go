package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/workflow"
)

// Feeds is what the calendar feeds need of the domain.
type Feeds interface {
	// Feed returns the calendar behind a group's or a member's feed token,
	// an error wrapping workflow.ErrNotFound for an unknown or revoked one.
	Feed(ctx context.Context, token string) (*workflow.Feed, error)
	// Now is the domain's clock: the feed's DTSTAMP.
	Now() time.Time
}

// feed serves GET /cal/{token}.ics: the calendar of a group or a member, at a
// secret URL (Google cannot send credentials). Unknown tokens get 404 with no
// hint of which part was wrong.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || len(token) < 16 || len(token) > 64 {
		http.NotFound(w, r)
		return
	}
	f, err := s.feeds.Feed(r.Context(), token)
	if errors.Is(err, workflow.ErrNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "web: Feed failed", slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	body, err := postman.Feed(f, s.feeds.Now())
	if err != nil {
		s.log.ErrorContext(r.Context(), "web: Feed encoding failed", slog.String("error", err.Error()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The ETag hashes the content without DTSTAMP, which changes on every
	// request, so that clients get 304 until a session really changes.
	etag := `"` + feedTag(body) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=300")
	if match := r.Header.Get("If-None-Match"); match != "" && match == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="codev.ics"`)
	_, _ = w.Write(body)
}

func feedTag(body []byte) string {
	h := sha256.New()
	for line := range strings.SplitSeq(string(body), "\r\n") {
		if strings.HasPrefix(line, "DTSTAMP:") {
			continue
		}
		h.Write([]byte(line))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
