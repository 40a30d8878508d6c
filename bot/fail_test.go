package bot_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// flakyStore fails reading tickets while broken is set.
type flakyStore struct {
	*store.Store
	broken atomic.Bool
}

var errDisk = errors.New("read error")

func (f *flakyStore) Ticket(ctx context.Context, n int64) (bot.Ticket, bool, error) {
	if f.broken.Load() {
		return bot.Ticket{}, false, errDisk
	}
	return f.Store.Ticket(ctx, n)
}

func (f *flakyStore) TicketByThread(ctx context.Context, thread int) (bot.Ticket, bool, error) {
	if f.broken.Load() {
		return bot.Ticket{}, false, errDisk
	}
	return f.Store.TicketByThread(ctx, thread)
}

// TestFailedReadIsRetriedNotSwallowed: when the store cannot be read in
// the middle of a turn, Handle returns the error (so Telegram delivers the
// update again), she is told once that something went wrong, and nothing
// half-done is committed; delivered again after the fault, the event is
// handled in full. Before, /end with an unreadable ticket closed a zero
// ticket and an advisor's reply was dropped without a word.
func TestFailedReadIsRetriedNotSwallowed(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, _, err := content.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	strs, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	fs := &flakyStore{Store: st}
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e := bot.New(bot.Config{Catalog: cat, Strings: strs, Store: fs, Now: func() time.Time { return clock },
		Escalation: bot.Escalation{Chat: group, Lang: "en"}})
	do(t, e, bot.Event{ID: "1", Chat: 5, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	do(t, e, bot.Event{ID: "2", Chat: 5, Kind: bot.EventButton, Data: "pc"})
	drain(t, st)

	fs.broken.Store(true)
	end := bot.Event{ID: "3", Chat: 5, Kind: bot.EventCommand, Command: "end"}
	reply := bot.Event{ID: "4", Chat: group, Advisor: true, From: 9, Thread: 1, Kind: bot.EventText, Text: "Hello, I am here"}
	for range 3 { // Telegram delivers them again while the fault lasts
		if err := e.Handle(ctx, end); !errors.Is(err, errDisk) {
			t.Fatalf("/end with an unreadable ticket: Handle = %v, want the read error", err)
		}
		if err := e.Handle(ctx, reply); !errors.Is(err, errDisk) {
			t.Fatalf("advisor reply with an unreadable ticket: Handle = %v, want the read error", err)
		}
	}
	got := drain(t, st)
	if len(got) != 2 || got[0].Chat != 5 || got[1].Chat != group || !strings.Contains(texts(got), "went wrong") {
		t.Fatalf("want one error notice to her and one to the group, got %s", texts(got))
	}
	sess, _, _ := st.Session(ctx, 5)
	if tk, _, _ := st.Ticket(ctx, sess.Ticket); sess.Ticket == 0 || tk.State != bot.TicketWaiting {
		t.Fatalf("a failed /end changed the ticket: session %+v, ticket %+v", sess, tk)
	}

	fs.broken.Store(false)
	do(t, e, end)
	if tk, _, _ := st.Ticket(ctx, sess.Ticket); tk.State != bot.TicketClosed {
		t.Errorf("/end delivered again after the fault: ticket %+v, want closed", tk)
	}
}
