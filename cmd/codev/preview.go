package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/codev-org/codev/holidays"
	"github.com/codev-org/codev/mail/postman"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/workflow"
)

func (m *Main) preview(_ context.Context, args []string) error {
	fs := m.flags("preview", "preview -f group.yaml --out DIR [--now \"2026-12-01 09:00\"]\n\nRenders every message of the group's cycle, in order, as it would go out if\nnobody replied: one .eml per message and one .ics per calendar object in DIR,\nand DIR/index.txt with when each would be sent, in UTC and in the group's\ntime zone. Needs no database and\nno network. The time defaults to four weeks before the first session.")
	file := fs.String("f", "", "group file (YAML)")
	out := fs.String("out", "", "output folder (created)")
	nowFlag := fs.String("now", "", "when the group is applied, in the group's zone (\"2006-01-02 15:04\")")
	from := fs.String("from", "codev@example.org", "service mailbox, when CODEV_FROM is unset")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" || *out == "" {
		fs.Usage()
		return errUsage
	}
	spec, err := m.readGroupFile(*file)
	if err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	if cfg.From == "" {
		cfg.From = *from
	}
	mb, err := cfg.Mailbox()
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(spec.Timezone) // validated by readGroupFile
	if err != nil {
		return fmt.Errorf("timezone: %w", err)
	}
	now := spec.Sessions[0].AddDate(0, 0, -28)
	if *nowFlag != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", *nowFlag, loc)
		if err != nil {
			return fmt.Errorf("--now: %q is not a time such as \"2026-12-01 09:00\"", *nowFlag)
		}
		now = t.UTC()
	}
	tpl, err := templates.New()
	if err != nil {
		return err
	}
	svc := workflow.NewService(workflow.ServiceConfig{Mailbox: mb, BaseURL: cmp.Or(cfg.BaseURL, "https://codev.example.org"),
		WorkingDays: holidays.New()},
		nil, nil, tpl, workflow.NewSigner([]byte("preview: not a real secret")), &previewGenerator{domain: mb.Domain})
	items, err := svc.Preview(spec, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	index, err := os.Create(filepath.Join(*out, "index.txt"))
	if err != nil {
		return err
	}
	defer index.Close()
	tw := tabwriter.NewWriter(index, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tSENT AT (UTC)\tSENT AT (%s)\tKIND\tTO\tFILE\n", spec.Timezone)
	written := 0
	for i, it := range items {
		name := fmt.Sprintf("%03d_%s_%s_%s", i+1, it.At.Format("2006-01-02"), it.Message.Kind, safeName(it.Member.Email))
		when := it.At.UTC().Format("2006-01-02 15:04") + "\t" + it.At.In(loc).Format("Mon 2006-01-02 15:04")
		if it.Email == nil {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t(skipped: %s)\n", i+1, when, it.Message.Kind, it.Member.Email, it.Message.Reason)
			continue
		}
		raw, ics, err := postman.Render(it.Email)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*out, name+".eml"), raw, 0o644); err != nil {
			return err
		}
		if ics != nil {
			if err := os.WriteFile(filepath.Join(*out, name+".ics"), ics, 0o644); err != nil {
				return err
			}
		}
		written++
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s.eml\n", i+1, when, it.Message.Kind, it.Member.Email, name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d messages written to %s (see index.txt)\n", written, *out)
	return nil
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '@' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, strings.ToLower(s))
}

// previewGenerator makes stable identifiers, so previews can be compared.
type previewGenerator struct {
	domain string
	n      int
}

func (g *previewGenerator) UID() string {
	g.n++
	return fmt.Sprintf("session-preview-%d@%s", g.n, g.domain)
}

func (g *previewGenerator) Token() string {
	g.n++
	return fmt.Sprintf("previewtoken%020d", g.n)
}
