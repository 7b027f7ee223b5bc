package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"25000000": 25000000, "25MB": 25000000, "25MiB": 25 << 20, "500 KB": 500000, "10kib": 10240} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "0", "-1", "big", "25GB", "99999999999999MB"} {
		_, err := parseSize(in)
		require.Error(t, err, in)
	}
	cfg, err := LoadConfig(func(k string) string {
		if k == "CODEV_IMAP_MAX_SIZE" {
			return "10MB"
		}
		return ""
	})
	require.NoError(t, err)
	require.EqualValues(t, 10_000_000, cfg.IMAPMaxSize)
}
