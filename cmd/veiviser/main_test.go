package main

import (
	"os"
	"testing"

	"github.com/veiviser/veiviser/content"
)

// TestMain trains the embedded catalog's matcher before any test runs.
// Every serve these tests start in this process shares it; trained inside
// a test instead (about 9 s under -race on two busy cores) it would eat
// into that test's waits for replies.
func TestMain(m *testing.M) {
	if cat, _, err := content.LoadEmbedded(); err == nil {
		cat.Warm()
	}
	os.Exit(m.Run())
}
