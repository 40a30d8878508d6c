package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// TestRestartReadsTheModel runs the real binary three times on one
// database: the first run trains the matcher and keeps what it learned
// beside the database, the second reads that instead of training, and the
// third finds the file damaged and trains again. All three answer the
// same free-text question the same way.
func TestRestartReadsTheModel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a binary")
	}
	bin := buildBinary(t)
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "model.db")
	model := db + ".matcher"
	run := func(chat int64, logLine string) string {
		t.Helper()
		cmd, logs := startBinary(t, bin, "TELEGRAM_TOKEN=123456:model-test", "TELEGRAM_API_URL="+fake.APIURL(),
			"VEIVISER_DB="+db, "VEIVISER_HTTP=127.0.0.1:0")
		defer func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}()
		fake.AddUpdate(telegramtest.Message(chat, "en", "I have no money for a lawyer, who can help me for free?"))
		var reply string
		fake.WaitFor(120*time.Second, func() bool {
			if sent := sentTo(fake, chat); len(sent) > 0 {
				reply = sent[len(sent)-1].Params["text"]
			}
			return reply != "" && strings.Contains(logs.String(), logLine)
		})
		if !strings.Contains(logs.String(), logLine) {
			t.Fatalf("no %q in the log:\n%s", logLine, logs.String())
		}
		return reply
	}
	first := run(7001, "model file written")
	waitForFile(t, model)
	second := run(7002, "matcher read from its model file")
	b, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(model, b, 0o600); err != nil {
		t.Fatal(err)
	}
	third := run(7003, "checksum does not match")
	if first == "" || second != first || third != first {
		t.Errorf("answers differ:\nfirst:  %q\nsecond: %q\nthird:  %q", first, second, third)
	}
}

// waitForFile waits until path exists: the model is written once training ends.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s was not written", path)
}
