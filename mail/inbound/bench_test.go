package inbound

import (
	"os"
	"path/filepath"
	"testing"
)

// loadBodies reads the files of a glob, skipping the benchmark when the
// corpus is missing.
func loadBodies(b *testing.B, glob string) []string {
	b.Helper()
	paths, _ := filepath.Glob(glob)
	if len(paths) == 0 {
		b.Skipf("no files for %s", glob)
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

// BenchmarkTrimCorpus runs Trim over the 64 email_reply_trimmer inputs; the
// bar is 20,000 messages/s on one core (-cpu 1).
func BenchmarkTrimCorpus(b *testing.B) {
	bodies := loadBodies(b, filepath.Join(corpusDir, "email_reply_trimmer/test/emails/*.txt"))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, s := range bodies {
			Trim(s)
		}
		n += len(bodies)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkParseEML runs Parse over the package's and talon's .eml files.
func BenchmarkParseEML(b *testing.B) {
	raws := loadBodies(b, "testdata/*.eml")
	raws = append(raws, loadBodies(b, filepath.Join(corpusDir, "talon/tests/fixtures/standard_replies/*.eml"))...)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, r := range raws {
			Parse([]byte(r), Options{})
		}
		n += len(raws)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkHTMLToText renders talon's nine client HTML replies.
func BenchmarkHTMLToText(b *testing.B) {
	docs := loadBodies(b, filepath.Join(corpusDir, "talon/tests/fixtures/html_replies/*.html"))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, d := range docs {
			HTMLToText(d)
		}
		n += len(docs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
