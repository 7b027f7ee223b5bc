package devpage

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedirect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, back, want string }{
		{"Page", "/inbox/alice@example.org?m=3", "/inbox/alice@example.org?done=clock&m=3"},
		{"ReplacesDone", "/?done=reply", "/?done=clock"},
		{"OtherHost", "//evil.example/x", "/?done=clock"},
		{"Backslash", "/\\evil.example", "/?done=clock"},
		{"Absolute", "https://evil.example/", "/?done=clock"},
		{"Empty", "", "/?done=clock"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			redirect(w, httptest.NewRequest("POST", "/clock", nil), tt.back, "clock")
			require.Equal(t, 303, w.Code)
			require.Equal(t, tt.want, w.Header().Get("Location"))
		})
	}
}

// TestPageEscapesEmails renders an inbox whose message carries markup in
// its subject and HTML part: the subject is text, the HTML part only lives
// in the sandboxed frame's srcdoc.
func TestPageEscapesEmails(t *testing.T) {
	t.Parallel()
	v := &view{Now: "now", Back: "/", Inbox: &inboxView{
		Person:   personView{Name: "Alice", Email: "alice@example.org"},
		Messages: []itemView{{N: 1, Subject: `<script>alert(1)</script>`}},
		Open:     &openView{N: 1, Subject: `<img src=x onerror=alert(1)>`, HTML: `<p onclick="x()">Hi</p><script>alert(2)</script>`, Text: "a < b"},
	}}
	var b strings.Builder
	require.NoError(t, page.Execute(&b, v))
	out := b.String()
	require.NotContains(t, out, "<script>")
	require.NotContains(t, out, "<img src=x")
	require.Contains(t, out, `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="&lt;p onclick=&#34;x()&#34;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;"`)
	require.Contains(t, out, "a &lt; b")
}
