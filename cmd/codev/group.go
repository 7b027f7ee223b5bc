package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/codev-org/codev/groupfile"
	"github.com/codev-org/codev/holidays"
	"github.com/codev-org/codev/templates"
	"github.com/codev-org/codev/workflow"
)

func (m *Main) group(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "apply" && args[0] != "list") {
		fs := m.flags("group", "group apply -f FILE | group list")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	if args[0] == "apply" {
		return m.groupApply(ctx, args[1:])
	}
	return m.groupList(ctx, args[1:])
}

// offline opens the database for a one-shot command: migrated, with a
// service that does not send (the running `codev serve` sends).
func (m *Main) offline(ctx context.Context) (*workflow.Service, *database, error) {
	cfg, err := m.config()
	if err != nil {
		return nil, nil, err
	}
	mb, err := cfg.Mailbox()
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.DiscardHandler)
	db, err := openDatabase(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, nil, err
	}
	if err := db.ready(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	signer, err := db.signer(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	tpl, err := templates.New()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	svc := workflow.NewService(workflow.ServiceConfig{Mailbox: mb, BaseURL: cfg.BaseURL, Logger: log, Clock: m.clock(),
		WorkingDays: holidays.New()},
		db, nil, tpl, signer, generator{domain: mb.Domain})
	return svc, db, nil
}

// offlineGroup is offline, then the group by name: what the commands that
// change one group start with. The caller closes db.
func (m *Main) offlineGroup(ctx context.Context, name string) (*workflow.Service, *database, *workflow.State, error) {
	svc, db, err := m.offline(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := svc.GroupByName(ctx, name)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return svc, db, st, nil
}

func (m *Main) groupApply(ctx context.Context, args []string) error {
	fs := m.flags("group apply", "group apply -f FILE\n\nCreates or updates the group a file describes. Applying the same file twice\nchanges nothing and sends nothing twice; `codev serve` sends what a change\ncalls for. Use -f - to read standard input.")
	file := fs.String("f", "", "group file (YAML); - for standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		fs.Usage()
		return errUsage
	}
	spec, err := m.readGroupFile(*file)
	if err != nil {
		return err
	}
	svc, db, err := m.offline(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := svc.ApplyGroup(ctx, spec)
	if err != nil {
		return err
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(m.Stdout, "group %q is up to date: nothing changed\n", spec.Name)
		return nil
	}
	fmt.Fprintf(m.Stdout, "group %q applied (id %d):\n", spec.Name, res.GroupID)
	for _, c := range res.Changes {
		fmt.Fprintf(m.Stdout, "  - %s\n", c)
	}
	return nil
}

func (m *Main) readGroupFile(name string) (*workflow.GroupSpec, error) {
	var r io.Reader = m.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	spec, err := groupfile.Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return spec, nil
}

func (m *Main) groupList(ctx context.Context, args []string) error {
	fs := m.flags("group list", "group list")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, db, err := m.offline(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	states, err := svc.Groups(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLANG\tMEMBERS\tSESSIONS\tNEXT SESSION\tANIMATOR")
	now := svc.Now()
	for _, st := range states {
		next := "-"
		for _, s := range st.Scheduled() {
			if s.Start.After(now) {
				next = fmt.Sprintf("%d: %s", s.Number, s.Start.In(st.Group.Location()).Format("2006-01-02 15:04 MST"))
				break
			}
		}
		animator := "-"
		if a := st.Animator(); a != nil {
			animator = a.Email
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", st.Group.Name, st.Group.Language, len(st.Peers()), len(st.Scheduled()), next, animator)
	}
	return tw.Flush()
}
