// Command codev runs co-development groups by email and calendar.
//
// Usage:
//
//	codev serve                      run workers, IMAP watcher and HTTP
//	codev migrate                    create or upgrade the database
//	codev group apply -f group.yaml  create or update a group
//	codev group list                 list groups
//	codev preview -f group.yaml --out DIR
//	codev inspect-mail FILE...       what codev understands of emails
//	codev doctor                     check configuration, database, SMTP, IMAP
//	codev version
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/codev-org/codev/workflow"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the program with its inputs and outputs, so that end-to-end tests
// run the same wiring as the binary.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Clock replaces the system clock (tests, dev mode).
	Clock workflow.Clock
	// TLSConfig, when set, is used for SMTP and IMAP connections (tests
	// trust their in-process servers' certificates with it).
	TLSConfig *tls.Config
	// IMAPIdleRefresh, when set, replaces the watcher's IDLE restart period
	// (25 min). Tests shorten it: go-imap's in-memory server can miss a
	// message that lands just as IDLE starts, and the restart re-reads the
	// mailbox.
	IMAPIdleRefresh time.Duration
}

type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"dev", "everything in one process for a first look: demo group, mailboxes, dev page", (*Main).dev},
		{"serve", "run the job workers, the IMAP watcher and the HTTP server", (*Main).serve},
		{"migrate", "create or upgrade the database (River's tables and codev's)", (*Main).migrate},
		{"group", "apply a group file or list groups (group apply -f FILE, group list)", (*Main).group},
		{"session", "reschedule, cancel or swap the clients of sessions (session reschedule|cancel|swap)", (*Main).session},
		{"member", "pause or resume a member's optional emails, erase a person's data", (*Main).member},
		{"export", "print a group's data, or a person's own data, as JSON", (*Main).export},
		{"preview", "render every message of a group's cycle into a folder, without database or network", (*Main).preview},
		{"inspect-mail", "print, as JSON lines, what codev understands of email files", (*Main).inspectMail},
		{"doctor", "check the configuration, the database, SMTP and IMAP, and say what to fix", (*Main).doctor},
		{"version", "print the version", (*Main).version},
	}
}

// Run runs one subcommand and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(m, ctx, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(m.Stderr, "codev %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(m.Stderr, "codev: unknown command %q\n\n", args[0])
	m.usage()
	return 2
}

var errUsage = errors.New("usage error")

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "codev runs co-development groups (codéveloppement professionnel) by email and calendar.\n\nUsage: codev COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(m.Stderr, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(m.Stderr, "\nRun codev COMMAND --help for a command's flags. Configuration is read from\nCODEV_* environment variables; see the README.")
}

// flags returns a FlagSet that prints its usage on --help and on error.
func (m *Main) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("codev "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: codev %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, mapping errors to errUsage (flag already printed them).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func (m *Main) version(_ context.Context, args []string) error {
	fs := m.flags("version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += " " + s.Value
			}
		}
	}
	fmt.Fprintln(m.Stdout, "codev", v)
	return nil
}

func (m *Main) config() (*Config, error) {
	return LoadConfig(m.Getenv)
}

func (m *Main) clock() workflow.Clock {
	if m.Clock != nil {
		return m.Clock
	}
	return workflow.SystemClock{}
}
