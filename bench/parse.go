package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// parse runs mail/inbound's Go benchmarks on one core and reports messages
// per second and allocations per message.
func (b *bench) parse(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^(BenchmarkTrimCorpus|BenchmarkParseEML|BenchmarkHTMLToText)$",
		"-benchmem", "-cpu", "1", "-count", "1", "-benchtime", "2s", "./mail/inbound")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		vals := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				vals[f[i+1]] = v
			}
		}
		rate := vals["msgs/s"]
		perOp := rate * vals["ns/op"] / 1e9 // messages per iteration
		if perOp <= 0 {
			continue
		}
		found++
		what := map[string]string{
			"BenchmarkTrimCorpus": "reply extraction (trim), email_reply_trimmer corpus",
			"BenchmarkParseEML":   "full parse of .eml (talon + testdata)",
			"BenchmarkHTMLToText": "HTML to text, talon client HTML",
		}[strings.TrimSuffix(f[0], "-1")]
		b.add(row{figure: what + ", one core",
			value: fmt.Sprintf("%.0f msgs/s, %.0f allocs and %.1f KiB per message", rate, vals["allocs/op"]/perOp,
				vals["B/op"]/perOp/1024),
			reference: "20,000 msgs/s (target)", ratio: fmt.Sprintf("%.2f", rate/20000), target: "≥ 20,000/s", ok: rate >= 20000})
	}
	if found == 0 {
		return fmt.Errorf("no benchmark ran (are the corpora in ../shared/corpora/replies?):\n%s", out)
	}
	return nil
}
