//go:build linux

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// The full-disk test needs RLIMIT_FSIZE through prlimit, which is Linux's.

// TestServeSurvivesAFullOrReadOnlyDisk breaks the disk under a running
// bot, twice. Full: the database file may not grow (RLIMIT_FSIZE fails the
// write the way a full disk does). Read-only: the file is made immutable,
// so every write to it fails. New users cannot be stored, so their updates
// are not confirmed to Telegram, and serve says why in its log. When the
// disk is fixed every one of them is answered, once, and the file is intact.
func TestServeSurvivesAFullOrReadOnlyDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := buildBinary(t)
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "full.db")
	ops := freePort(t)
	healthz := func() int {
		resp, err := http.Get("http://" + ops + "/healthz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cmd, logs := startBinary(t, bin, "TELEGRAM_TOKEN=123456:full-disk", "TELEGRAM_API_URL="+fake.APIURL(),
		"VEIVISER_DB="+db, "VEIVISER_HTTP="+ops, "VEIVISER_SEND_LIMITS=global=1000/s,chat=1000/s")
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	user := func(u int) int64 { return int64(40000 + u) }
	users := 0
	arrive := func(n int) (from int) {
		from = users
		for ; users < from+n; users++ {
			fake.AddUpdate(telegramtest.Message(user(users), "en", "/start"))
		}
		return from
	}
	answered := func(from int) func() bool {
		return func() bool {
			for u := from; u < users; u++ {
				if len(sentTo(fake, user(u))) == 0 {
					return false
				}
			}
			return true
		}
	}
	if !fake.WaitFor(10*time.Second, answered(arrive(5))) {
		t.Fatalf("the first users were not answered; log:\n%s", logs)
	}

	pid := cmd.Process.Pid
	var room unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, nil, &room); err != nil {
		t.Fatal(err)
	}
	faults := []struct {
		name           string
		breakDisk, fix func() error
	}{
		{"full disk",
			func() error {
				info, err := os.Stat(db)
				if err != nil {
					return err
				}
				return unix.Prlimit(pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: uint64(info.Size()), Max: room.Max}, nil)
			},
			func() error { return unix.Prlimit(pid, unix.RLIMIT_FSIZE, &room, nil) }},
		{"read-only file",
			func() error { return exec.Command("chattr", "+i", db).Run() },
			func() error { return exec.Command("chattr", "-i", db).Run() }},
	}
	for _, f := range faults {
		logs.Reset()
		if err := f.breakDisk(); err != nil {
			t.Logf("%s: cannot be simulated here (%v); skipped", f.name, err)
			continue
		}
		from := arrive(600) // enough sessions to need more room than the file has
		if !fake.WaitFor(20*time.Second, func() bool { return strings.Contains(logs.String(), "disk full or read-only") }) {
			f.fix()
			t.Fatalf("%s: no clear error; log:\n%s", f.name, logs)
		}
		broke := time.Now()
		if !fake.WaitFor(20*time.Second, func() bool { return healthz() == http.StatusServiceUnavailable }) {
			t.Errorf("%s: /healthz answered %d, want 503", f.name, healthz())
		}
		said := strings.Count(logs.String(), "disk full or read-only")
		t.Logf("%s: %d log lines in %v, like %s", f.name, said, time.Since(broke).Round(time.Millisecond),
			logs.String()[:strings.IndexByte(logs.String(), '\n')])
		stuck := 0
		for u := from; u < users; u++ {
			if len(sentTo(fake, user(u))) == 0 {
				stuck++
			}
		}
		if err := f.fix(); err != nil {
			t.Fatal(err)
		}
		if stuck == 0 {
			t.Fatalf("%s: every user was answered anyway: the test proves nothing", f.name)
		}
		if !fake.WaitFor(30*time.Second, answered(from)) {
			t.Fatalf("%s: not every user answered after the fix; log:\n%s", f.name, logs)
		}
		if code := healthz(); code != http.StatusOK {
			t.Errorf("%s: /healthz answered %d after the fix, want 200", f.name, code)
		}
		t.Logf("%s: %d of 600 users waited; all answered after the fix", f.name, stuck)
	}
	waitOutboxEmpty(t, fake, ops)
	for u := range users {
		if n := len(sentTo(fake, user(u))); n != 1 {
			t.Errorf("user %d got %d replies, want 1", u, n)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after the faults: %v\n%s", err, logs)
	}
	bdb, err := bolt.Open(db, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Errorf("database damaged: %v", err)
	}
}
