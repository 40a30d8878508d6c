package web

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
)

// unlimited lets one address do what many would: a load run.
var unlimited = bot.Rate{N: 1 << 30, Per: time.Second, Burst: 1 << 30}

// BenchmarkWebTurn measures one message through the web chat: a POST of
// "/help", the engine's turn and commit, delivery and the event on her
// open stream. The same event handed to the engine directly, in the same
// run, is the baseline: the ratio is what the channel adds.
func BenchmarkWebTurn(b *testing.B) {
	c := newChat(b, Config{MaxSessions: 1 << 20, PerAddress: unlimited})
	c.open("en")
	c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	sess := c.web.session(c.token)
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if err := c.web.engine.Handle(ctx, bot.Event{Chat: sess.chat, Kind: bot.EventCommand, Command: "help"}); err != nil {
				b.Fatal(err)
			}
			c.web.Wake() // as the channel does after every event
			c.next()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("web", func(b *testing.B) {
		for b.Loop() {
			c.post("/api/send", map[string]string{"token": c.token, "text": "/help"})
			c.next()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}

// BenchmarkWebSessions opens sessions (each greeted by the engine) and
// reports sessions a second and the heap each open session holds.
func BenchmarkWebSessions(b *testing.B) {
	c := newChat(b, Config{MaxSessions: 1 << 20, PerAddress: unlimited})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if code, body := c.post("/api/session", map[string]string{"lang": "en"}); code != 200 {
			b.Fatalf("session: %d %s", code, body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc))/float64(b.N), "heap-B/session")
}
