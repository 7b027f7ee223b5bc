package inbound

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseReplies parses the 26 client replies of replies_test.go
// knowing their request, as codev does when it kept the request's text.
func BenchmarkParseReplies(b *testing.B) {
	type pair struct {
		raw     []byte
		request string
	}
	requests := map[string]string{}
	var pairs []pair
	for _, c := range replyCases() {
		if _, ok := requests[c.request]; !ok {
			raw, err := os.ReadFile(filepath.Join("testdata", "replies", "requests", c.request+".eml"))
			if err != nil {
				b.Fatal(err)
			}
			requests[c.request] = RequestText(raw)
		}
		raw, err := os.ReadFile(filepath.Join("testdata", "replies", c.name+".eml"))
		if err != nil {
			b.Fatal(err)
		}
		pairs = append(pairs, pair{raw, requests[c.request]})
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, p := range pairs {
			Parse(p.raw, Options{Request: p.request})
		}
		n += len(pairs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
