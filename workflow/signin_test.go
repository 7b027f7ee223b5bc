package workflow

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHashToken(t *testing.T) {
	t.Parallel()
	h := HashToken("abc")
	require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", h)
}
