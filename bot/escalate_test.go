package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
)

const group = -100777

// escalationEngine is an engine with escalation on, a movable clock and a
// bbolt file that can be reopened.
func escalationEngine(t *testing.T, path string, clock *time.Time) (*bot.Engine, *store.Store) {
	t.Helper()
	e, st := bottest.Engine(t, path, bot.Config{Now: func() time.Time { return *clock },
		Escalation: bot.Escalation{Chat: group, Lang: "en", RemindEach: 30 * time.Minute, RaiseAfter: time.Hour}})
	e.SetForum(true)
	return e, st
}

func do(t *testing.T, e *bot.Engine, ev bot.Event) {
	t.Helper()
	if err := e.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

func texts(as []bot.Action) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.Text + "\n")
	}
	return b.String()
}

func TestTicketQueueHoursRemindersAndRestart(t *testing.T) {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	clock := time.Date(2026, 11, 25, 20, 0, 0, 0, oslo) // Wednesday evening: closed
	path := filepath.Join(t.TempDir(), "esc.db")
	e, st := escalationEngine(t, path, &clock)

	for _, chat := range []int64{1, 2} {
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "l:en"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "advisor"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "pc"})
	}
	out := texts(drain(t, st))
	for _, want := range []string{"not available right now", "Thu 10:00", "Your place in the queue: 1", "Your place in the queue: 2", "116 006"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// Closed: no reminders at night.
	if err := e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, st); len(got) != 0 {
		t.Errorf("reminders while the centre is closed: %s", texts(got))
	}

	// Restart: tickets survive and the next morning they are raised to everyone.
	st.Close()
	clock = time.Date(2026, 11, 26, 10, 5, 0, 0, oslo)
	e, st = escalationEngine(t, path, &clock)
	do(t, e, bot.Event{Chat: group, Advisor: true, From: 301, FromName: "Amina", Kind: bot.EventCommand, Command: "languages", Text: "ar en"})
	drain(t, st)
	if err := e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	raised := drain(t, st)
	if len(raised) != 2 || !strings.Contains(raised[0].Text, "Can someone take it") || len(raised[0].Mentions) != 1 {
		t.Fatalf("after 14 hours both tickets should be raised to every advisor: %+v", raised)
	}
	clock = clock.Add(10 * time.Minute)
	_ = e.Tick(context.Background())
	if got := drain(t, st); len(got) != 0 {
		t.Errorf("reminded again after 10 minutes: %s", texts(got))
	}
	clock = clock.Add(25 * time.Minute)
	_ = e.Tick(context.Background())
	if got := drain(t, st); len(got) != 2 || !strings.Contains(got[0].Text, "has waited") {
		t.Errorf("no reminder after 35 minutes: %s", texts(got))
	}

	// She ends it herself; the advisors are told and she is asked to rate.
	do(t, e, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "end"})
	got := drain(t, st)
	if !strings.Contains(texts(got), "She ended the conversation") && !strings.Contains(texts(got), "Hun har avsluttet") {
		t.Errorf("advisors not told she ended: %s", texts(got))
	}
	// /forget erases the other ticket and tells the advisors.
	do(t, e, bot.Event{Chat: 2, Kind: bot.EventCommand, Command: "forget"})
	do(t, e, bot.Event{Chat: 2, Kind: bot.EventButton, Data: "forget"})
	got = drain(t, st)
	if !strings.Contains(texts(got), "/forget") {
		t.Errorf("advisors not told the conversation was erased: %s", texts(got))
	}
	left, _ := st.Tickets(context.Background(), "")
	for _, tk := range left {
		if tk.Chat == 2 {
			t.Errorf("ticket of a forgotten user is still stored: %+v", tk)
		}
	}
}

func TestDangerDuringTicketGetsEmergencyAtOnce(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "d.db"), &clock)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "pc"})
	drain(t, st)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventText, Text: "he is coming, he will kill me", MessageID: 50})
	got := drain(t, st)
	if len(got) != 2 || got[0].CopyMessage != 50 || got[0].Chat != group || !strings.Contains(got[1].Text, "112") {
		t.Errorf("want the message copied to the advisors and the emergency numbers to her: %+v", got)
	}
}
