package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/codev-org/codev/workflow"
)

func (m *Main) member(ctx context.Context, args []string) error {
	return m.dispatch(ctx, "member", "member pause|resume --group NAME EMAIL | member erase EMAIL\n\nPauses or resumes a member's optional emails, or erases a person's data.\nRun codev member SUBCOMMAND --help.", args, []subcommand{
		{"pause", func(m *Main, ctx context.Context, args []string) error { return m.memberPause(ctx, args, true) }},
		{"resume", func(m *Main, ctx context.Context, args []string) error { return m.memberPause(ctx, args, false) }},
		{"erase", (*Main).memberErase},
	})
}

func (m *Main) memberPause(ctx context.Context, args []string, paused bool) error {
	name, usage := "member resume", "member resume --group NAME --email EMAIL (or EMAIL)\n\nEnds pause mode: the member gets every email of the cycle again, from the\nnext one that is due (reminders whose moment passed are not sent late)."
	if paused {
		name, usage = "member pause", "member pause --group NAME --email EMAIL (or EMAIL)\n\nPause mode: the member gets only invitations, changes and cancellations of\nsessions until `codev member resume`; reminders, questionnaires and digests\nare not sent. Members can do the same from the link in every email's footer."
	}
	fs := m.flags(name, usage)
	group := fs.String("group", "", "group name")
	email := fs.String("email", "", "the member's address (or give it as an argument)")
	if err := parseEmail(fs, args, email, "group"); err != nil {
		return err
	}
	svc, db, st, err := m.offlineGroup(ctx, *group)
	if err != nil {
		return err
	}
	defer db.Close()
	var target *workflow.Member
	for _, mb := range st.Members {
		if mb.Email == *email {
			target = mb
		}
	}
	if target == nil {
		return workflow.Errorf(workflow.ENOTFOUND, "group %q has no participant with the address %q", *group, *email)
	}
	if err := svc.SetPaused(ctx, target.ID, paused); err != nil {
		return err
	}
	if paused {
		fmt.Fprintf(m.Stdout, "%s is paused in group %q: only invitations, changes and cancellations are sent until `codev member resume`.\n", *email, *group)
	} else {
		fmt.Fprintf(m.Stdout, "%s gets every email of group %q again.\n", *email, *group)
	}
	return nil
}

func (m *Main) memberErase(ctx context.Context, args []string) error {
	fs := m.flags("member erase", "member erase EMAIL\n\nErases a person's data in every group they are in, without asking for\nconfirmation: their answers and their emails to codev are deleted, their name and\naddress replaced (\"—\", erased-ID@invalid), their calendar feed revoked, and\nthey leave the group. RSVPs and the record of sent emails stay (attendance,\nno content). Remove the address from the group file too, or the next\n`codev group apply` adds them back as a new member. To send them\ncancellations first, remove them from the group file and apply it before\nerasing.")
	email := fs.String("email", "", "the person's address (or give it as an argument)")
	if err := parseEmail(fs, args, email); err != nil {
		return err
	}
	svc, db, err := m.offline(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := svc.ExportMember(ctx, *email)
	if err != nil {
		return err
	}
	n, err := svc.EraseMember(ctx, *email)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "erased %s in %d group(s):\n", *email, n)
	for _, g := range before.Groups {
		fmt.Fprintf(m.Stdout, "  - %s: %d answer(s) and their replies to codev deleted; name and address anonymised; feed link revoked; left the group\n",
			g.Group.Name, len(g.Answers))
	}
	fmt.Fprintln(m.Stdout, "Kept: RSVPs and the record of emails sent (no content).")
	fmt.Fprintf(m.Stdout, "Remove %s from the group file(s) too, or the next `codev group apply` adds them back as a new member.\n", *email)
	return nil
}

// parseEmail parses flags placed before or after a positional address, which
// may also be given as --email, then checks the required flags.
func parseEmail(fs *flag.FlagSet, args []string, email *string, required ...string) error {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(pos) > 1 || (len(pos) == 1 && *email != ""):
		fmt.Fprintln(fs.Output(), "give one address")
		fs.Usage()
		return errUsage
	case len(pos) == 1:
		*email = pos[0]
	case *email == "":
		fmt.Fprintln(fs.Output(), "an address is required")
		fs.Usage()
		return errUsage
	}
	*email = strings.ToLower(strings.TrimSpace(*email))
	return checkRequired(fs, required...)
}
