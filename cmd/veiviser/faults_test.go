package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// TestServeThroughFlakyAPI fails one Bot API call in ten: with a 5xx, a
// proxy's HTML page, or no answer at all until the call times out. Every
// reply still arrives, once.
func TestServeThroughFlakyAPI(t *testing.T) {
	fake := newFake(t)
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(7, 9))
	kinds := map[string]int{}
	fake.Fail = func(c telegramtest.Call) *telegramtest.Failure {
		mu.Lock()
		defer mu.Unlock()
		if c.Method != "sendMessage" || rng.IntN(10) != 0 {
			return nil
		}
		switch rng.IntN(3) {
		case 0:
			kinds["5xx"]++
			return &telegramtest.Failure{Status: 500}
		case 1:
			kinds["proxy page"]++
			return &telegramtest.Failure{Status: 502, Body: "<html><body>502 Bad Gateway</body></html>"}
		}
		kinds["timeout"]++
		return &telegramtest.Failure{Status: 504, Delay: 2 * time.Second}
	}
	// A call slower than the timeout may still have reached Telegram: the
	// retry then sends it twice, as on the real API (it has no idempotency
	// key). The fake's slow failures take 2 s; 1 s keeps healthy calls on
	// a loaded machine clear of the timeout.
	startServe(t, fake, "", "VEIVISER_SEND_LIMITS=global=1000/s,chat=1000/s,timeout=1s")
	const users = 40
	for u := range users {
		fake.AddUpdate(telegramtest.Message(int64(30000+u), "en", "/start"))
		fake.AddUpdate(telegramtest.Message(int64(30000+u), "en", "/help"))
	}
	for u := range users {
		waitSent(t, fake, int64(30000+u), 2)
	}
	time.Sleep(300 * time.Millisecond)
	for u := range users {
		if n := len(sentTo(fake, int64(30000+u))); n != 2 {
			t.Errorf("user %d got %d replies, want 2", u, n)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if kinds["timeout"] == 0 || kinds["5xx"]+kinds["proxy page"] == 0 {
		t.Fatalf("failures %v: the test proves nothing", kinds)
	}
	t.Logf("sendMessage failures %v; every reply arrived once", kinds)
}

// TestServeRefusesBrokenContentDir: a content directory with a mistake
// stops serve at start with the file and line, before touching Telegram.
func TestServeRefusesBrokenContentDir(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../content/catalog/05-services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), "reviewed: 2026-11-25", "reviewed: yesterday", 1)
	if err := os.WriteFile(filepath.Join(dir, "05-services.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := newFake(t)
	var out bytes.Buffer
	code := run(context.Background(), []string{"serve"}, nil, &out, &out, []string{
		"TELEGRAM_TOKEN=1:x", "TELEGRAM_API_URL=" + fake.APIURL(), "VEIVISER_CONTENT_DIR=" + dir,
		"VEIVISER_DB=" + filepath.Join(t.TempDir(), "x.db"), "VEIVISER_HTTP=127.0.0.1:0"})
	if code == 0 || !strings.Contains(out.String(), "05-services.yaml:") || !strings.Contains(out.String(), `"yesterday"`) {
		t.Errorf("exit %d, output:\n%s", code, out.String())
	}
	if n := len(fake.Calls("")); n != 0 {
		t.Errorf("serve called Telegram %d times with broken content", n)
	}
}

// TestServeRefusesACorruptOrLockedDatabase: a database file that is not
// bbolt, or one another process holds, stops serve with a clear error and
// leaves the file as it was.
func TestServeRefusesACorruptOrLockedDatabase(t *testing.T) {
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "corrupt.db")
	garbage := bytes.Repeat([]byte("not a database "), 1000)
	if err := os.WriteFile(db, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"TELEGRAM_TOKEN=1:x", "TELEGRAM_API_URL=" + fake.APIURL(), "VEIVISER_DB=" + db, "VEIVISER_HTTP=127.0.0.1:0"}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, nil, &out, &out, env); code == 0 || !strings.Contains(out.String(), "open store") {
		t.Errorf("corrupt database: exit %d, output:\n%s", code, out.String())
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(after, garbage) {
		t.Error("serve changed a database file it could not read")
	}

	// Locked: a running bot holds the file; a second one must not start.
	locked := filepath.Join(t.TempDir(), "locked.db")
	startServe(t, fake, locked)
	if !fake.WaitFor(10*time.Second, func() bool { return len(fake.Calls("getMe")) > 0 }) {
		t.Fatal("the first bot did not start")
	}
	out.Reset()
	env[2] = "VEIVISER_DB=" + locked
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if code := run(ctx, []string{"serve"}, nil, &out, &out, env); code == 0 || !strings.Contains(out.String(), "timeout") {
		t.Errorf("locked database: exit %d, output:\n%s", code, out.String())
	}
}

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
	cmd := exec.Command(bin, "serve")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	ops := freePort(t)
	cmd.Env = append(os.Environ(), "TELEGRAM_TOKEN=123456:full-disk", "TELEGRAM_API_URL="+fake.APIURL(),
		"VEIVISER_DB="+db, "VEIVISER_HTTP="+ops, "VEIVISER_SEND_LIMITS=global=1000/s,chat=1000/s")
	healthz := func() int {
		resp, err := http.Get("http://" + ops + "/healthz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
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
		name        string
		break_, fix func() error
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
		if err := f.break_(); err != nil {
			t.Logf("%s: cannot be simulated here (%v); skipped", f.name, err)
			continue
		}
		from := arrive(600) // enough sessions to need more room than the file has
		if !fake.WaitFor(20*time.Second, func() bool { return strings.Contains(logs.String(), "disk full or read-only") }) {
			f.fix()
			t.Fatalf("%s: no clear error; log:\n%s", f.name, logs)
		}
		time.Sleep(1500 * time.Millisecond) // it keeps trying, and failing, a while
		if code := healthz(); code != http.StatusServiceUnavailable {
			t.Errorf("%s: /healthz answered %d, want 503", f.name, code)
		}
		said := strings.Count(logs.String(), "disk full or read-only")
		t.Logf("%s: %d log lines in 1.5 s, like %s", f.name, said, logs.String()[:strings.IndexByte(logs.String(), '\n')])
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
	time.Sleep(300 * time.Millisecond)
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
