package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeAskExample runs the ask example the README shows and compares
// what it prints with what the README says it prints.
func TestReadmeAskExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`ask --json --lang (\\w+) \"([^\"]+)\"`[^`]*prints\\s*`(\\{[^`]+\\})`").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no ask --json example with its output")
	}
	var out bytes.Buffer
	if err := runAsk([]string{"--json", "--lang", string(m[1]), string(m[2])}, strings.NewReader(""), &out); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != string(m[3]) {
		t.Errorf("README says ask prints\n%s\nit prints\n%s", m[3], got)
	}
}
