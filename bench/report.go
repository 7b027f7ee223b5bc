package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// report prints the machine and every figure as a Markdown table.
func (b *bench) report(w io.Writer) {
	fmt.Fprintf(w, "codev bench, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "Machine: %s\n\n", machine())
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| figure\t codev\t reference (same run)\t ratio\t target\t met\t")
	fmt.Fprintln(tw, "|---\t---\t---\t---\t---\t---\t")
	for _, r := range b.rows {
		met := "yes"
		if !r.ok {
			met = "**no**"
		}
		fmt.Fprintf(tw, "| %s\t %s\t %s\t %s\t %s\t %s\t\n", r.figure, r.value, r.reference, r.ratio, r.target, met)
	}
	tw.Flush()
	if len(b.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range b.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

// machine describes the CPU, memory, OS and tools.
func machine() string {
	var parts []string
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				parts = append(parts, strings.TrimSpace(v))
				break
			}
		}
	}
	parts = append(parts, fmt.Sprintf("%d cores", runtime.NumCPU()))
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		parts = append(parts, fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20)))
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		parts = append(parts, strings.TrimSpace(string(out)))
	}
	parts = append(parts, runtime.Version())
	if pg, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres"); len(pg) > 0 {
		if out, err := exec.Command(pg[len(pg)-1], "--version").Output(); err == nil {
			parts = append(parts, strings.TrimSpace(string(out))+" (throwaway cluster, fsync off)")
		}
	}
	if out, err := exec.Command("/usr/sbin/postconf", "-h", "mail_version").Output(); err == nil {
		parts = append(parts, "Postfix "+strings.TrimSpace(string(out))+" smtp-source")
	}
	parts = append(parts, "SQLite (modernc, WAL); shared with other work: figures vary by about ±20 %")
	return strings.Join(parts, ", ")
}
