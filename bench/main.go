// Command bench measures codev against its performance targets and prints
// each figure with the reference measured in the same run and the ratio,
// and the machine it ran on:
//
//	go run ./bench                       every section
//	go run ./bench -only send,ingest     some of them: parse, send, ingest, scale, idle
//	go run ./bench -only scale -sizes 1000
//
// It needs PostgreSQL's binaries (as the tests do: a throwaway cluster is
// started, or CODEV_TEST_DATABASE_URL's server is used) and, for the sending
// reference, Postfix's smtp-source (Debian package postfix). Everything runs
// on loopback. Run it from the module's root.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/codev-org/codev/internal/pgtest"
)

func main() {
	only := flag.String("only", "parse,send,ingest,scale,idle", "comma-separated sections to run")
	sizes := flag.String("sizes", "1000,10000", "group counts of the scale section")
	groups := flag.Int("groups", 100, "groups of 6 members applied for sending and idle memory")
	child := flag.String("child", "", "internal: run one measurement in this process and print JSON")
	url := flag.String("url", "", "internal: database of a child")
	flag.Parse()
	ctx := context.Background()
	if *child != "" {
		if err := runChild(ctx, *child, *url); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	b := &bench{sections: map[string]bool{}, groups: *groups}
	for _, s := range strings.Split(*only, ",") {
		b.sections[strings.TrimSpace(s)] = true
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -sizes:", err)
			os.Exit(2)
		}
		b.sizes = append(b.sizes, n)
	}
	err := b.run(ctx)
	b.report(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bench holds what the sections share and what they measured.
type bench struct {
	sections map[string]bool
	sizes    []int
	groups   int
	pg       *pgtest.Standalone
	codev    *codev
	rows     []row
	notes    []string
	sent     map[string]*store // the stores the send section filled, reused by idle
}

// row is one line of the report.
type row struct {
	figure    string
	value     string // codev's figure
	reference string // what it is compared with
	ratio     string
	target    string
	ok        bool
}

func (b *bench) add(r row) {
	b.rows = append(b.rows, r)
	fmt.Fprintf(os.Stderr, "bench: %s: %s (reference %s, ratio %s, target %s)\n", r.figure, r.value, r.reference, r.ratio, r.target)
}

func (b *bench) run(ctx context.Context) error {
	if b.sections["parse"] {
		if err := b.parse(ctx); err != nil {
			return err
		}
	}
	needPG := b.sections["send"] || b.sections["ingest"] || b.sections["scale"] || b.sections["idle"]
	if !needPG {
		return nil
	}
	pg, err := pgtest.StartStandalone(ctx)
	if err != nil {
		return err
	}
	defer pg.Stop()
	b.pg = pg
	dir, err := os.MkdirTemp("", "codev-bench-")
	if err != nil {
		return err
	}
	if os.Getenv("BENCH_DEBUG") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "bench: keeping", dir)
	}
	if b.codev, err = buildCodev(ctx, dir); err != nil {
		return err
	}
	b.sent = map[string]*store{}
	defer func() {
		for _, s := range b.sent {
			s.close()
		}
	}()
	for _, section := range []struct {
		name string
		run  func(context.Context) error
	}{{"send", b.send}, {"ingest", b.ingest}, {"scale", b.scale}, {"idle", b.idle}} {
		if b.sections[section.name] {
			if err := section.run(ctx); err != nil {
				return fmt.Errorf("%s: %w", section.name, err)
			}
		}
	}
	return nil
}

// child runs this program again with args and decodes its JSON output:
// each measurement of peak memory gets a process of its own.
func (b *bench) child(ctx context.Context, out any, args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	return json.Unmarshal(raw, out)
}

func runChild(ctx context.Context, what, url string) error {
	kind, arg, _ := strings.Cut(what, ":")
	switch kind {
	case "scale":
		n, err := strconv.Atoi(arg)
		if err != nil {
			return err
		}
		res, err := runScale(ctx, url, n)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	return fmt.Errorf("unknown child %q", what)
}
