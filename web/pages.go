package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var pageFS embed.FS

// pages are the animators' HTML pages: each file of templates/ but
// base.html is one page, rendered inside base.html's layout. All are parsed
// at start, so a broken template stops the boot.
type pages struct {
	byName map[string]*template.Template
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{"t": t}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(pageFS, "templates/base.html")
	if err != nil {
		return nil, fmt.Errorf("web: parsing base.html: %w", err)
	}
	names, err := fs.Glob(pageFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		short := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if short == "base" {
			continue
		}
		tpl, err := template.Must(base.Clone()).ParseFS(pageFS, name)
		if err != nil {
			return nil, fmt.Errorf("web: parsing %s: %w", name, err)
		}
		p.byName[short] = tpl
	}
	return p, nil
}

// page is what every page template receives.
type page struct {
	Lang  string
	Title string
	CSRF  string // the token every form of the page carries
	User  string // the signed-in address, empty on sign-in pages
	Admin bool
	Flash string
	Error string
	Data  any
}

// render writes a page. Pages are private (names, answers): never cached.
func (p *pages) render(w http.ResponseWriter, status int, name string, pg *page) error {
	tpl, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "base", pg); err != nil {
		return fmt.Errorf("web: rendering %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
