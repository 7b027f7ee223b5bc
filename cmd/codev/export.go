package main

import (
	"context"
	"encoding/json"
	"fmt"
)

func (m *Main) export(ctx context.Context, args []string) error {
	fs := m.flags("export", "export --group NAME | export --member EMAIL\n\nPrints, as indented JSON on standard output, everything codev holds about a\ngroup (members, sessions and RSVPs, emails sent, answers), or a person's own\ndata in every group they are in (their sessions as client, their emails,\ntheir answers, their RSVPs). Answers are confidential: keep the file as you\nwould keep them.")
	group := fs.String("group", "", "group name")
	member := fs.String("member", "", "a person's address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*group == "") == (*member == "") || fs.NArg() > 0 {
		fmt.Fprintln(m.Stderr, "give either --group or --member")
		fs.Usage()
		return errUsage
	}
	svc, db, err := m.offline(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	var v any
	if *group != "" {
		v, err = svc.ExportGroup(ctx, *group)
	} else {
		v, err = svc.ExportMember(ctx, *member)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
