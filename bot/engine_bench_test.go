package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/devset"
	"github.com/veiviser/veiviser/locales"
)

// benchChats is how many conversations the benchmarks spread events over,
// so sessions are read back from a tree of realistic size.
const benchChats = 100

// benchEngine returns an engine on a real bbolt file whose benchChats users
// have started and chosen a language.
func benchEngine(b *testing.B) (*bot.Engine, *store.Store) {
	b.Helper()
	cat, _, err := content.Load(content.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	cat.Warm()
	strs, err := locales.Load()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	e := bot.New(bot.Config{Catalog: cat, Strings: strs, Store: st})
	ctx := context.Background()
	langs := content.Languages()
	for chat := int64(1); chat <= benchChats; chat++ {
		lang := langs[int(chat)%len(langs)]
		for i, ev := range []bot.Event{
			{Kind: bot.EventCommand, Command: "start", LangHint: lang},
			{Kind: bot.EventButton, Data: "l:" + lang, MessageID: 1},
		} {
			ev.ID, ev.Chat = fmt.Sprintf("setup-%d-%d", chat, i), chat
			if err := e.Handle(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	drainOutbox(b, st)
	return e, st
}

// drainOutbox empties the outbox, as the sender does after delivery.
func drainOutbox(b *testing.B, st *store.Store) {
	ctx := context.Background()
	for {
		qs, err := st.Pending(ctx, 512)
		if err != nil {
			b.Fatal(err)
		}
		if len(qs) == 0 {
			return
		}
		for _, q := range qs {
			if err := st.Done(ctx, q.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchHandle handles one event per operation, each with a new update ID,
// emptying the outbox every 256 events with the timer stopped.
func benchHandle(b *testing.B, events []bot.Event) {
	e, st := benchEngine(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		ev := events[i%len(events)]
		ev.ID = fmt.Sprintf("bench-%d", i)
		ev.Chat = int64(i%benchChats) + 1
		if err := e.Handle(ctx, ev); err != nil {
			b.Fatal(err)
		}
		if i%256 == 255 {
			b.StopTimer()
			drainOutbox(b, st)
			b.StartTimer()
		}
	}
}

// benchHandleParallel handles events from 64 goroutines at once, each
// with chats of its own (the adapters serialise events per chat), as the
// Telegram service does with a batch of updates.
func benchHandleParallel(b *testing.B, events []bot.Event) {
	e, st := benchEngine(b)
	ctx := context.Background()
	var next, worker atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		chat := worker.Add(1)
		for pb.Next() {
			i := next.Add(1)
			ev := events[int(i)%len(events)]
			ev.ID, ev.Chat = fmt.Sprintf("bench-%d", i), chat%benchChats+1
			if err := e.Handle(ctx, ev); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	drainOutbox(b, st)
}

// BenchmarkHandle is the engine handling one update end to end: read the
// session, decide, and commit the session with the queued reply to bbolt
// (one fsync'ed transaction). "question" is a free-text question from the
// development set, in the ten languages; "button" a press on a topic or an
// answer button. The "-parallel" variants handle many chats' events at
// once: ns/op is then the inverse of throughput, not a latency.
func BenchmarkHandle(b *testing.B) {
	b.Run("question", func(b *testing.B) {
		var events []bot.Event
		qs, err := devset.Read("../content/testdata/questions")
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range qs {
			events = append(events, bot.Event{Kind: bot.EventText, Text: q.Text})
		}
		if len(events) == 0 {
			b.Fatal("no questions in ../content/testdata/questions")
		}
		b.Run("serial", func(b *testing.B) { benchHandle(b, events) })
		b.Run("parallel", func(b *testing.B) { benchHandleParallel(b, events) })
	})
	b.Run("button", func(b *testing.B) {
		cat, _, err := content.Load(content.Embedded())
		if err != nil {
			b.Fatal(err)
		}
		var events []bot.Event
		for _, t := range cat.Topics {
			events = append(events, bot.Event{Kind: bot.EventButton, Data: "t:" + t.ID, MessageID: 10002})
			for _, id := range t.Entries {
				events = append(events, bot.Event{Kind: bot.EventButton, Data: "e:" + id, MessageID: 10002})
			}
		}
		b.Run("serial", func(b *testing.B) { benchHandle(b, events) })
		b.Run("parallel", func(b *testing.B) { benchHandleParallel(b, events) })
	})
}
