package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	_, ops := startServeOps(t, fake, "VEIVISER_SEND_LIMITS=global=1000/s,chat=1000/s,timeout=1s")
	const users = 40
	for u := range users {
		fake.AddUpdate(telegramtest.Message(int64(30000+u), "en", "/start"))
		fake.AddUpdate(telegramtest.Message(int64(30000+u), "en", "/help"))
	}
	for u := range users {
		waitSent(t, fake, int64(30000+u), 2)
	}
	waitOutboxEmpty(t, fake, ops)
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
