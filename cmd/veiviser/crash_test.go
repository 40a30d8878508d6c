package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// buildBinary compiles veiviser once for the crash tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "veiviser")
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary starts `bin serve` with env (added to this process's
// environment) and returns it, its output going to the returned buffer.
func startBinary(t *testing.T, bin string, env ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, logs
}

// TestKillDuringBurst kills the real binary with SIGKILL at random moments
// while it answers a burst of users, a third of whom ask for an advisor,
// restarts it on the same database, and checks that every update got its
// reply, every ticket survived and every message she wrote reached the
// advisors. Telegram offers no idempotent send, so a message whose call
// was under way at the instant of a kill can arrive twice; the test counts
// those and bounds them by the calls that can be under way at once.
func TestKillDuringBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a binary")
	}
	bin := buildBinary(t)
	fake := newFake(t)
	fake.Forum = true
	db := filepath.Join(t.TempDir(), "crash.db")
	const parallel = 4
	start := func() *exec.Cmd {
		cmd, _ := startBinary(t, bin, "TELEGRAM_TOKEN=123456:crash-test", "TELEGRAM_API_URL="+fake.APIURL(), "VEIVISER_DB="+db,
			"VEIVISER_HTTP=127.0.0.1:0", "VEIVISER_ADVISOR_CHAT="+strconv.Itoa(advisorGroup),
			"VEIVISER_SEND_LIMITS=global=300/s,chat=1000/s,group=1000/s,parallel="+strconv.Itoa(parallel))
		return cmd
	}

	const users, kills = 100, 20
	const escalating = users / 3
	her := func(u int) int64 { return int64(20000 + u) }
	updates := 0
	for u := range users {
		for _, text := range []string{"/start", "/help", "/privacy"} {
			fake.AddUpdate(telegramtest.Message(her(u), "en", text))
			updates++
		}
		if u < escalating {
			fake.AddUpdate(telegramtest.Message(her(u), "en", "/advisor"))
			fake.AddUpdate(telegramtest.Callback(her(u), 3, "pc"))
			fake.AddUpdate(telegramtest.MessageWithID(her(u), "en", "I need help with my permit", 500+u))
			updates += 3
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range kills {
		cmd := start()
		time.Sleep(time.Duration(20+rng.IntN(130)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		t.Logf("kill %d after %d deliveries", k+1, len(fake.Delivered()))
	}
	cmd := start()

	// Each update's reply, found by a marker, once; her own message, copied to the advisors, once.
	markers := []string{"Hello! I am Veiviser", "/menu – the main menu", "Privacy and deleting"}
	escalationMarkers := []string{"You can write to a person at the centre", "You are connected"}
	check := func() (missing []string, dups int) {
		copies := map[int64]int{}
		for _, c := range callsTo(fake, "copyMessage", advisorGroup) {
			copies[c.Int("from_chat_id")]++
		}
		for u := range users {
			var texts []string
			for _, c := range sentTo(fake, her(u)) {
				texts = append(texts, c.Params["text"])
			}
			joined := strings.Join(texts, "\n---\n")
			want := markers
			if u < escalating {
				want = append(slices.Clone(markers), escalationMarkers...)
				if copies[her(u)] == 0 {
					missing = append(missing, fmt.Sprintf("user %d: her message to the advisors", u))
				}
				dups += max(0, copies[her(u)]-1)
			}
			for _, marker := range want {
				if n := strings.Count(joined, marker); n == 0 {
					missing = append(missing, fmt.Sprintf("user %d: %q", u, marker))
				} else {
					dups += n - 1
				}
			}
		}
		return missing, dups
	}
	fake.WaitFor(60*time.Second, func() bool { m, _ := check(); return len(m) == 0 })
	missing, dups := check()
	// Stop it gently and read the database it leaves.
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	if len(missing) > 0 {
		t.Fatalf("%d replies lost after %d kills, e.g. %v", len(missing), kills, missing[:min(3, len(missing))])
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tickets, err := st.Tickets(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	perChat := map[int64]int{}
	for _, tk := range tickets {
		perChat[tk.Chat]++
		if tk.Thread == 0 {
			t.Errorf("ticket #%d has no topic in the advisors' group", tk.Number)
		}
	}
	for u := range escalating {
		if perChat[her(u)] != 1 {
			t.Errorf("user %d has %d tickets, want 1", u, perChat[her(u)])
		}
	}
	topics := len(callsTo(fake, "createForumTopic", advisorGroup))
	dups += topics - escalating
	t.Logf("%d updates, %d tickets, %d kills: no reply lost, every ticket kept; %d messages or topics sent twice (in flight at a kill)",
		updates, len(tickets), kills, dups)
	if dups > kills*parallel {
		t.Errorf("%d duplicates after %d kills: more than the %d calls under way per kill", dups, kills, parallel)
	}
}
