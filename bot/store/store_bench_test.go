package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// benchOpen opens a fresh store in b.TempDir.
func benchOpen(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchChange is what one answered button press commits: the event ID, the
// session, one reply and a counter.
func benchChange(i int) bot.Change {
	chat := int64(i%1000) + 1
	return bot.Change{
		EventID: fmt.Sprintf("tg:%d", i),
		Session: &bot.Session{Chat: chat, Lang: "so", LangChosen: true, Screen: "entry:permit-renewal", Seen: time.Now()},
		Actions: []bot.Action{{Chat: chat, Lang: "so", Edit: 10002, Text: "Sida loo cusboonaysiiyo sharciga deganaanshaha …",
			Buttons: [][]bot.Button{{{Label: "Menu", Data: "m"}}, {{Label: "112 / 113", Data: "e:emergency-numbers"}}}}},
		Count: []string{"answer:permit-renewal"},
	}
}

// BenchmarkOutbox is the write path of one reply: "commit" is the engine's
// transaction (event, session, one queued action, counter); "commit+drain"
// adds what the sender does for it (read the outbox, mark the action done);
// "commit-parallel" commits from many goroutines at once (ns/op is then the
// inverse of throughput).
func BenchmarkOutbox(b *testing.B) {
	ctx := context.Background()
	b.Run("commit", func(b *testing.B) {
		s := benchOpen(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := s.Commit(ctx, benchChange(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("commit-parallel", func(b *testing.B) {
		s := benchOpen(b)
		var next atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.Commit(ctx, benchChange(int(next.Add(1)))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("commit+drain", func(b *testing.B) {
		s := benchOpen(b)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := s.Commit(ctx, benchChange(i)); err != nil {
				b.Fatal(err)
			}
			qs, err := s.Pending(ctx, 16)
			if err != nil || len(qs) != 1 {
				b.Fatalf("Pending = %d items, %v; want 1", len(qs), err)
			}
			if err := s.Done(ctx, qs[0].ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// fillSessions writes n sessions and the update IDs that created them in a
// few large transactions, as n people having used the bot would leave them.
func fillSessions(b *testing.B, s *Store, n int) {
	b.Helper()
	const perTx = 20000
	langs := []string{"nb", "en", "ar", "so", "ti", "fa", "uk", "ur", "pl", "th"}
	seen := time.Now().Add(-24 * time.Hour)
	for start := 1; start <= n; start += perTx {
		err := s.update(func(tx *bolt.Tx) error {
			sessions, events := tx.Bucket(bucketSessions), tx.Bucket(bucketEvents)
			for chat := start; chat < start+perTx && chat <= n; chat++ {
				// Stored as Commit stores it: the chat is in the key only.
				v := encodeSession(bot.Session{Lang: langs[chat%len(langs)], LangChosen: true, Screen: "menu", Created: seen, Seen: seen})
				if err := sessions.Put(s.chatKey(int64(chat)), v); err != nil {
					return err
				}
				if err := events.Put(fmt.Appendf(nil, "tg:%d", chat), timeValue(seen)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if sess, found, err := s.Session(context.Background(), int64(n)); err != nil || !found || sess.Lang == "" {
		b.Fatalf("filled session %d reads back as %+v, %v, %v", n, sess, found, err)
	}
}

// BenchmarkForget erases one user (Change{Forget: chat}) from a database
// holding 100,000 sessions. The file is filled once; every operation
// forgets a different user of it.
func BenchmarkForget(b *testing.B) {
	const sessions = 100000
	ctx := context.Background()
	s := benchOpen(b)
	fillSessions(b, s, sessions)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := s.Commit(ctx, bot.Change{Chat: bot.ChatOps{Forget: int64(i%sessions) + 1}}); err != nil {
			b.Fatal(err)
		}
	}
	if info, err := os.Stat(s.path); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB-file")
	}
}
