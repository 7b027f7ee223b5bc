package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/codev-org/codev/workflow"
)

// fileWarning follows a change that the group file does not know about.
const fileWarning = "Warning: update the group file too, or the next `codev group apply` will move it back."

// subcommand is one word of a command with several (`codev session cancel`).
type subcommand struct {
	name string
	run  func(m *Main, ctx context.Context, args []string) error
}

func (m *Main) session(ctx context.Context, args []string) error {
	return m.dispatch(ctx, "session", "session reschedule|cancel|swap --group NAME …\n\nChanges a group's sessions without editing its file. `codev serve` sends the\nupdated invitations or cancellations. Run codev session SUBCOMMAND --help.", args, []subcommand{
		{"reschedule", (*Main).sessionReschedule},
		{"cancel", (*Main).sessionCancel},
		{"swap", (*Main).sessionSwap},
	})
}

// dispatch runs the subcommand args[0] names, or prints usage.
func (m *Main) dispatch(ctx context.Context, name, usage string, args []string, subs []subcommand) error {
	if len(args) > 0 {
		for _, s := range subs {
			if s.name == args[0] {
				return s.run(m, ctx, args[1:])
			}
		}
	}
	fs := m.flags(name, usage)
	fs.Usage()
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return nil
	}
	return errUsage
}

func (m *Main) sessionReschedule(ctx context.Context, args []string) error {
	fs := m.flags("session reschedule", `session reschedule --group NAME --session N --at "2027-02-16 18:30"

Moves a future session to a new time, in the group's time zone, keeping its
duration. Every participant gets an updated invitation (same event, SEQUENCE
raised) and the reminders follow the new date. The group file is not
changed: update it too, or the next `+"`codev group apply`"+` moves the session back.`)
	group := fs.String("group", "", "group name")
	number := fs.Int("session", 0, "session number (1-based)")
	at := fs.String("at", "", `new start, "YYYY-MM-DD HH:MM" in the group's time zone`)
	if err := parseRequired(fs, args, "group", "session", "at"); err != nil {
		return err
	}
	svc, db, st, err := m.offlineGroup(ctx, *group)
	if err != nil {
		return err
	}
	defer db.Close()
	start, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(*at), st.Group.Location())
	if err != nil {
		return workflow.Errorf(workflow.EINVALID, "--at: %q is not a date and time such as \"2027-02-16 18:30\"", *at)
	}
	if err := svc.RescheduleSession(ctx, st.Group.ID, *number, start); err != nil {
		return err
	}
	return m.reportSession(ctx, svc, *group, *number, func(when string, seq int) string {
		return fmt.Sprintf("rescheduled to %s; updated invitations (SEQUENCE %d) go out with `codev serve`", when, seq)
	})
}

func (m *Main) sessionCancel(ctx context.Context, args []string) error {
	fs := m.flags("session cancel", "session cancel --group NAME --session N\n\nCancels a future session: every participant gets a CANCEL and no reminder\nfollows. The group file is not changed: remove the session from it too, or\nthe next `codev group apply` restores it.")
	group := fs.String("group", "", "group name")
	number := fs.Int("session", 0, "session number (1-based)")
	if err := parseRequired(fs, args, "group", "session"); err != nil {
		return err
	}
	svc, db, st, err := m.offlineGroup(ctx, *group)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := svc.CancelSession(ctx, st.Group.ID, *number); err != nil {
		return err
	}
	return m.reportSession(ctx, svc, *group, *number, func(when string, seq int) string {
		return fmt.Sprintf("(%s) cancelled; cancellations (SEQUENCE %d) go out with `codev serve`", when, seq)
	})
}

// reportSession prints what a session looks like after a change, and the
// warning that the group file still says otherwise.
func (m *Main) reportSession(ctx context.Context, svc *workflow.Service, group string, number int, what func(when string, seq int) string) error {
	st, err := svc.GroupByName(ctx, group)
	if err != nil {
		return err
	}
	ss := st.SessionNumber(number)
	when := ss.Start.In(st.Group.Location()).Format("Mon 2006-01-02 15:04 MST")
	fmt.Fprintf(m.Stdout, "group %q: session %d %s.\n", group, number, what(when, ss.Sequence))
	fmt.Fprintln(m.Stdout, fileWarning)
	return nil
}

func (m *Main) sessionSwap(ctx context.Context, args []string) error {
	fs := m.flags("session swap", "session swap --group NAME --sessions 2,4\n\nSwaps the clients of two future sessions. Both sessions are pinned: applying\nthe group file again keeps the swap. Nothing changes in calendars; the new\nclients are asked to prepare when it is time.")
	group := fs.String("group", "", "group name")
	pair := fs.String("sessions", "", "the two session numbers, e.g. 2,4")
	if err := parseRequired(fs, args, "group", "sessions"); err != nil {
		return err
	}
	a, b, err := parsePair(*pair)
	if err != nil {
		return err
	}
	svc, db, st, err := m.offlineGroup(ctx, *group)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := svc.SwapClients(ctx, st.Group.ID, a, b); err != nil {
		return err
	}
	if st, err = svc.GroupByName(ctx, *group); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "group %q: clients swapped and pinned (re-applying the group file keeps them):\n", *group)
	for _, n := range []int{a, b} {
		client := "nobody"
		if c := st.Member(st.SessionNumber(n).ClientID); c != nil {
			client = c.Name + " <" + c.Email + ">"
		}
		fmt.Fprintf(m.Stdout, "  - session %d: %s\n", n, client)
	}
	return nil
}

func parsePair(s string) (int, int, error) {
	x, y, ok := strings.Cut(s, ",")
	a, errA := strconv.Atoi(strings.TrimSpace(x))
	b, errB := strconv.Atoi(strings.TrimSpace(y))
	if !ok || errA != nil || errB != nil {
		return 0, 0, workflow.Errorf(workflow.EINVALID, "--sessions: %q is not two session numbers such as 2,4", s)
	}
	return a, b, nil
}

// parseRequired parses flags, then refuses missing required ones.
func parseRequired(fs *flag.FlagSet, args []string, required ...string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	return checkRequired(fs, required...)
}

func checkRequired(fs *flag.FlagSet, required ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range required {
		if !set[name] {
			fmt.Fprintf(fs.Output(), "--%s is required\n\n", name)
			fs.Usage()
			return errUsage
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
