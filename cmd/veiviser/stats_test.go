package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatsCommandReadsWhatTheShellRecorded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	var out bytes.Buffer
	// Both questions in the chosen language (2: English), so neither
	// switches it: one unanswered, one answered.
	in := strings.NewReader("2\nqwzx plork vrrb\nUDI said no to me, can I appeal\n/quit\n")
	if code := run(context.Background(), []string{"shell", "--db", db}, in, &out, &out, nil); code != 0 {
		t.Fatalf("shell exited %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"stats", "--db", db, "--lang", "en"}, nil, &out, &out, nil); code != 0 {
		t.Fatalf("stats exited %d: %s", code, out.String())
	}
	for _, want := range []string{"New users", "unanswered 50%", "conversations with an advisor"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stats output lacks %q:\n%s", want, out.String())
		}
	}
}
