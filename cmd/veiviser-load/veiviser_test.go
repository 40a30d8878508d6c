package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// TestLoadRunsServe: the load driver's bot is `veiviser serve` itself,
// built by serve.New and run by its Run (whose start line, reminders and
// purge are serve's), not a copy of its wiring; it answers, and its
// outbox reads are counted.
func TestLoadRunsServe(t *testing.T) {
	fake := telegramtest.NewServer()
	t.Cleanup(fake.Close)
	var logs telegramtest.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var reads atomic.Int64
	stop, err := startVeiviser(context.Background(), fake.APIURL(), filepath.Join(t.TempDir(), "load.db"), engineLimits, 0, log, &reads)
	if err != nil {
		t.Fatal(err)
	}
	fake.AddUpdate(telegramtest.Message(4242, "en", "/start"))
	answered := fake.WaitFor(10*time.Second, func() bool { return len(fake.Calls("sendMessage")) > 0 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !answered {
		t.Fatal("the load driver's bot did not answer /start")
	}
	for _, line := range []string{"content loaded", "veiviser started", "veiviser stopped"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks serve's %q:\n%s", line, logs.String())
		}
	}
	if reads.Load() == 0 {
		t.Error("outbox reads were not counted")
	}
}
