package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
)

// TestOnlyStaffAndAdvisorsAct: a user who is not staff tries every staff
// command and a stranger's group every advisor command; neither gets
// anything a staff member or advisor would.
func TestOnlyStaffAndAdvisorsAct(t *testing.T) {
	const staff, user, advisors, stranger = 111, 222, -100777, -100999
	e, st := bottest.Engine(t, "", bot.Config{Staff: []int64{staff}, Escalation: bot.Escalation{Chat: advisors, Lang: "en"}})
	ctx := context.Background()
	do := func(ev bot.Event) []bot.Action {
		t.Helper()
		if err := e.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
		return drain(t, st)
	}
	do(bot.Event{Chat: user, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	staffOnly := []string{"stats", "publish", "preview", "versions", "rollback", "reload", "unanswered", "broadcast"}
	for _, cmd := range staffOnly {
		for _, a := range do(bot.Event{Chat: user, Kind: bot.EventCommand, Command: cmd, Text: "all hello"}) {
			if a.Chat != user || strings.Contains(a.Text, "Veiviser in numbers") || strings.Contains(a.Text, "Queued for") {
				t.Errorf("/%s by a non-staff user: %q to %d", cmd, a.Text, a.Chat)
			}
		}
	}
	if got := do(bot.Event{Chat: user, Kind: bot.EventDocument, FileName: "01-help-now.yaml", File: []byte("topic: x")}); len(got) != 1 || !strings.Contains(got[0].Text, "only read text") {
		t.Errorf("a user's file was treated as content: %+v", got)
	}
	for _, cmd := range []string{"close", "languages", "lang", "note"} {
		if got := do(bot.Event{Chat: stranger, Advisor: true, From: 5, Kind: bot.EventCommand, Command: cmd, Thread: 1, Text: "ar"}); len(got) != 0 {
			t.Errorf("/%s in a stranger's group produced %+v", cmd, got)
		}
	}
	if got := do(bot.Event{Chat: stranger, Advisor: true, From: 5, Kind: bot.EventButton, Data: "tc:1"}); len(got) != 0 {
		t.Errorf("a close button in a stranger's group produced %+v", got)
	}
	// Staff do get them.
	if got := do(bot.Event{Chat: staff, Kind: bot.EventCommand, Command: "stats"}); len(got) != 1 || !strings.Contains(got[0].Text, "📊") {
		t.Errorf("staff /stats: %+v", got)
	}
}
