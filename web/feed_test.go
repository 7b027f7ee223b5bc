package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/codev-org/codev/workflow"
)

// TestFeed serves the calendar feeds: a group's and a member's, cached by
// ETag until a session changes, 404 for anything but a live token.
func TestFeed(t *testing.T) {
	t.Parallel()

	t.Run("GroupAndMember", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		w := a.feed(a.svc.FeedURL(a.lyon.Group.FeedToken))
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "text/calendar; charset=utf-8", w.Header().Get("Content-Type"))
		require.Equal(t, "private, max-age=300", w.Header().Get("Cache-Control"))
		require.Equal(t, `inline; filename="codev.ics"`, w.Header().Get("Content-Disposition"))
		body := w.Body.String()
		require.True(t, strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n"))
		require.Equal(t, 5, strings.Count(body, "BEGIN:VEVENT"), "every session")
		require.Contains(t, body, "X-WR-CALNAME:")
		require.NotContains(t, body, "ATTENDEE", "feeds name nobody")
		require.NotContains(t, body, "alice@example.org")

		alice := a.lyon.Member(member(t, a.lyon, "alice@example.org"))
		w = a.feed(a.svc.FeedURL(alice.FeedToken))
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, 5, strings.Count(w.Body.String(), "BEGIN:VEVENT"), "a member's feed is the group's calendar")
	})

	t.Run("ETag", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		url := a.svc.FeedURL(a.lyon.Group.FeedToken)
		first := a.feed(url)
		etag := first.Header().Get("ETag")
		require.Regexp(t, `^"[0-9a-f]{32}"$`, etag)

		a.clock.Advance(time.Hour)
		again := a.feed(url)
		require.NotEqual(t, first.Body.String(), again.Body.String(), "DTSTAMP moves with the clock")
		require.Equal(t, etag, again.Header().Get("ETag"), "but the ETag does not")

		w := a.feed(url, "If-None-Match", etag)
		require.Equal(t, http.StatusNotModified, w.Code)
		require.Empty(t, w.Body.String())
		require.Equal(t, etag, w.Header().Get("ETag"))
		require.Equal(t, http.StatusOK, a.feed(url, "If-None-Match", `"stale"`).Code)

		// A session changes: a new ETag, so calendars fetch it.
		require.NoError(t, a.svc.CancelSession(t.Context(), a.lyon.Group.ID, 4))
		w = a.feed(url, "If-None-Match", etag)
		require.Equal(t, http.StatusOK, w.Code)
		require.NotEqual(t, etag, w.Header().Get("ETag"))
		require.Contains(t, w.Body.String(), "STATUS:CANCELLED")
	})

	t.Run("UnknownTokens", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		for _, path := range []string{
			"/cal/short.ics",
			"/cal/" + strings.Repeat("a", 65) + ".ics",
			"/cal/" + a.lyon.Group.FeedToken, // no .ics
			"/cal/" + strings.Repeat("b", 26) + ".ics",
		} {
			w := a.feed(baseURL + path)
			require.Equal(t, http.StatusNotFound, w.Code, path)
			require.Equal(t, "404 page not found\n", w.Body.String(), "no hint of which part was wrong")
		}
	})

	t.Run("Rotated", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		old := a.svc.FeedURL(a.lyon.Group.FeedToken)
		fresh, err := a.svc.RotateFeedToken(t.Context(), a.lyon.Group.ID, 0)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, a.feed(old).Code)
		require.Equal(t, http.StatusOK, a.feed(fresh).Code)
	})

	t.Run("FormerMember", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		emma := a.lyon.Member(member(t, a.lyon, "emma@example.org"))
		require.Equal(t, http.StatusOK, a.feed(a.svc.FeedURL(emma.FeedToken)).Code)
		spec := lyonSpec()
		spec.Members = spec.Members[:4]
		a.apply(spec)
		require.Equal(t, http.StatusNotFound, a.feed(a.svc.FeedURL(emma.FeedToken)).Code, "a removed member's token stops working")
	})

	t.Run("RateLimit", func(t *testing.T) {
		t.Parallel()
		a := newApp(t)
		url := a.svc.FeedURL(a.lyon.Group.FeedToken)
		for range 120 {
			require.Equal(t, http.StatusOK, a.feed(url).Code)
		}
		w := a.feed(url)
		require.Equal(t, http.StatusTooManyRequests, w.Code, "120 at once per IP")
		require.Equal(t, "60", w.Header().Get("Retry-After"))
		a.clock.Advance(200 * time.Millisecond)
		require.Equal(t, http.StatusOK, a.feed(url).Code, "then five a second")
	})

	t.Run("StoreFails", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(_ *Config, svc *Services) {
			svc.Feeds = brokenFeeds{Feeds: svc.Feeds, err: errors.New("database is locked")}
		})
		w := a.feed(a.svc.FeedURL(a.lyon.Group.FeedToken))
		require.Equal(t, http.StatusInternalServerError, w.Code)
		require.Equal(t, "internal error\n", w.Body.String())
		require.Contains(t, a.logs.String(), "web: Feed failed")
	})

	t.Run("EncodingFails", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(_ *Config, svc *Services) {
			svc.Feeds = fixedFeed{Feeds: svc.Feeds, feed: &workflow.Feed{Name: "Broken", Events: []workflow.Event{{UID: ""}}}}
		})
		w := a.feed(a.svc.FeedURL(a.lyon.Group.FeedToken))
		require.Equal(t, http.StatusInternalServerError, w.Code)
		require.Contains(t, a.logs.String(), "web: Feed encoding failed")
	})
}

// brokenFeeds is a Feeds whose store fails.
type brokenFeeds struct {
	Feeds
	err error
}

func (b brokenFeeds) Feed(context.Context, string) (*workflow.Feed, error) { return nil, b.err }

// fixedFeed is a Feeds that serves one calendar for every token.
type fixedFeed struct {
	Feeds
	feed *workflow.Feed
}

func (f fixedFeed) Feed(context.Context, string) (*workflow.Feed, error) { return f.feed, nil }
