package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
)

// crash ends a store the way SIGKILL would: bbolt's file is closed (its
// lock released) but nothing is flushed and the journal is left as it is.
func crash(t *testing.T, s *Store) {
	t.Helper()
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	s.j.f.Close()
}

func queuedIDs(t *testing.T, s *Store) []uint64 {
	t.Helper()
	items, err := s.Pending(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, q := range items {
		ids = append(ids, q.ID)
	}
	return ids
}

func TestJournalSurvivesACrash(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	acts := []bot.Action{{Chat: 7, Text: "one"}, {Chat: 7, Text: "two"}, {Chat: 8, Text: "three"}}
	if err := s.Commit(ctx, bot.Change{EventID: "u1", Actions: acts, Session: &bot.Session{Chat: 7}}); err != nil {
		t.Fatal(err)
	}
	ids := queuedIDs(t, s)
	at := time.Now()
	// As the sender does: the message's ID, then its Done.
	if err := s.RecordMessage(ctx, 7, 41, at); err != nil {
		t.Fatal(err)
	}
	if err := s.Done(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := queuedIDs(t, s); !slices.Equal(got, ids[1:]) {
		t.Fatalf("after Done: queued %v, want %v", got, ids[1:])
	}
	if got := s.OutboxDepth(); got != 2 {
		t.Errorf("OutboxDepth = %d, want 2", got)
	}
	crash(t, s)
	// A torn record after the good ones, as a kill in the middle of a write leaves.
	f, err := os.OpenFile(path+".sent", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(appendRecord(nil, recDone, []byte{0, 0, 0, 0, 0, 0, 0, byte(ids[1])})[:5])
	f.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := queuedIDs(t, s); !slices.Equal(got, ids[1:]) {
		t.Fatalf("after the crash: queued %v, want %v (one done before it, none after)", got, ids[1:])
	}
	msgs, err := s.RecentMessages(ctx, 7, at.Add(-time.Second))
	if err != nil || !slices.Equal(msgs, []int{41}) {
		t.Fatalf("RecentMessages = %v, %v, want [41]", msgs, err)
	}
	if info, err := os.Stat(path + ".sent"); err != nil || info.Size() != 0 {
		t.Errorf("journal after replay: %v, %v; want an empty file", info, err)
	}
}

func TestJournalFlushesIntoBbolt(t *testing.T) {
	ctx := context.Background()
	s, path := mustOpen(t)
	var acts []bot.Action
	for i := range flushCount + 10 {
		acts = append(acts, bot.Action{Chat: int64(i + 1), Text: "hi"})
	}
	if err := s.Commit(ctx, bot.Change{Actions: acts}); err != nil {
		t.Fatal(err)
	}
	for _, id := range queuedIDs(t, s) {
		if err := s.Done(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// 256 of them reached bbolt on their own; the journal holds the other 10.
	info, err := os.Stat(path + ".sent")
	if err != nil || info.Size() == 0 || info.Size() != 10*13 {
		t.Errorf("journal size %v, %v: want the records after the last flush only", info.Size(), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := queuedIDs(t, s); len(got) != 0 {
		t.Errorf("queued after Close and Open: %v, want none", got)
	}
}

// FuzzParseJournal: whatever a crash or a disk leaves in the journal, the
// start neither panics nor invents records.
func FuzzParseJournal(f *testing.F) {
	good := appendRecord(nil, recDone, []byte{0, 0, 0, 0, 0, 0, 0, 9})
	good = appendRecord(good, recMessage, make([]byte, 24), timeValue(time.Unix(5, 0)))
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{recMessage})
	f.Fuzz(func(t *testing.T, data []byte) {
		done, msgs := parseJournal(data)
		if 13*len(done)+37*len(msgs) > len(data) {
			t.Fatalf("%d done and %d messages from %d bytes", len(done), len(msgs), len(data))
		}
	})
}
