package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
)

// TestTeachLoop: a question the bot cannot answer is kept; staff see it in
// /unanswered with entries to choose, name the right one, publish, and the
// same question from someone else now gets that answer.
func TestTeachLoop(t *testing.T) {
	const staff, woman, other = 900, 501, 502
	const question = "qwzx plork vrrb?"
	e, st := bottest.EngineWithContent(t, bot.Config{Staff: []int64{staff}})
	ctx := context.Background()
	n := 0
	send := func(ev bot.Event) []bot.Action {
		t.Helper()
		n++
		ev.ID = "ev" + string(rune('a'+n%26)) + strings.Repeat("x", n/26)
		return exchange(t, e, st, ev)
	}
	text := func(chat int64, s string) []bot.Action {
		return send(bot.Event{Chat: chat, Kind: bot.EventText, Text: s, LangHint: "nb"})
	}
	press := func(chat int64, data string) []bot.Action {
		return send(bot.Event{Chat: chat, Kind: bot.EventButton, Data: data, LangHint: "nb"})
	}
	command := func(chat int64, name, args string) []bot.Action {
		return send(bot.Event{Chat: chat, Kind: bot.EventCommand, Command: name, Text: args, LangHint: "nb"})
	}
	button := func(acts []bot.Action, prefix string) string {
		t.Helper()
		for _, a := range acts {
			for _, row := range a.Buttons {
				for _, b := range row {
					if strings.HasPrefix(b.Data, prefix) {
						return b.Data
					}
				}
			}
		}
		t.Fatalf("no button %s… in %+v", prefix, acts)
		return ""
	}

	press(woman, "l:nb")
	text(woman, question)
	if a := e.Catalog().Search(question, "nb"); len(a.Results) > 0 {
		t.Fatalf("the question is answered before teaching: %v", a.Results)
	}

	list := command(staff, "unanswered", "")
	if !strings.Contains(list[len(list)-1].Text, question) {
		t.Fatalf("/unanswered does not show the question: %+v", list)
	}
	find := button(list, "tf:")
	if got := press(staff, find); len(got) == 0 {
		t.Fatal("no reply to 'another entry'")
	}
	choices := text(staff, "juridisk")
	teach := button(choices, "te:")
	if !strings.HasSuffix(teach, ":legal-aid") {
		t.Fatalf("searching 'juridisk' offers %s first, want legal-aid", teach)
	}
	taught := press(staff, teach)
	if len(taught) == 0 || !strings.Contains(taught[0].Text, "/publish") {
		t.Fatalf("teaching did not confirm: %+v", taught)
	}
	if qs, _ := st.Questions(ctx); len(qs) != 0 {
		t.Errorf("taught questions are still unanswered: %+v", qs)
	}
	published := command(staff, "publish", "")
	if len(published) == 0 || !strings.Contains(published[0].Text, "examples of legal-aid") {
		t.Fatalf("publish did not make the examples live: %+v", published)
	}

	answer := text(other, question)
	want := e.Catalog().Entry("legal-aid").Text["nb"].Title
	if !strings.Contains(answer[len(answer)-1].Text, want) {
		t.Fatalf("after teaching, %q is answered with %q, want %q", question, answer[len(answer)-1].Text, want)
	}
}

// TestAdvisorTagsEntryOnClose: an advisor closing a ticket with an entry
// ID ("/close legal-aid") makes the question the bot missed before she
// asked for a person an example of it, staged for /publish.
func TestAdvisorTagsEntryOnClose(t *testing.T) {
	const staff, woman, group = 900, 601, -100123
	const question = "qwzx plork vrrb?"
	e, st := bottest.EngineWithContent(t, bot.Config{Staff: []int64{staff}, Escalation: bot.Escalation{Chat: group, Lang: "en"}})
	ctx := context.Background()
	do := func(ev bot.Event) []bot.Action { t.Helper(); return exchange(t, e, st, ev) }
	do(bot.Event{Chat: woman, Kind: bot.EventButton, Data: "l:nb", LangHint: "nb"})
	do(bot.Event{Chat: woman, Kind: bot.EventText, Text: question})
	do(bot.Event{Chat: woman, Kind: bot.EventButton, Data: "p"})
	do(bot.Event{Chat: woman, Kind: bot.EventButton, Data: "pc"})
	tk, ok, err := st.Ticket(ctx, 1)
	if err != nil || !ok || tk.Asked != question {
		t.Fatalf("ticket 1: %+v %v %v; want her missed question kept with it", tk, ok, err)
	}
	if err := st.LinkThread(ctx, 1, 77, false); err != nil {
		t.Fatal(err)
	}
	got := do(bot.Event{Chat: group, Advisor: true, From: 301, Kind: bot.EventCommand, Command: "close", Thread: 77, Text: "legal-aid"})
	if !slices.ContainsFunc(got, func(a bot.Action) bool { return strings.Contains(a.Text, "example of legal-aid") }) {
		t.Fatalf("closing with an entry did not say it was taught: %+v", got)
	}
	published := do(bot.Event{Chat: staff, Kind: bot.EventCommand, Command: "publish"})
	if len(published) == 0 || !strings.Contains(published[0].Text, "legal-aid") {
		t.Fatalf("publish: %+v", published)
	}
	if a := e.Catalog().Search(question, "nb"); len(a.Results) == 0 || a.Results[0].ID != "legal-aid" {
		t.Errorf("after the advisor taught it, %q → %v, want legal-aid first", question, a.Results)
	}
}
