package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot"
)

// TestUnderstanding: what the engine does with what the matcher makes of
// a message, in a conversation: small talk, a language she asks for, a
// language she writes in, a question the catalog has no answer for.
func TestUnderstanding(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	const chat = 4711
	say := func(kind bot.EventKind, text string) []bot.Action {
		t.Helper()
		ev := bot.Event{Chat: chat, Kind: kind, Text: text, LangHint: "nb"}
		if kind == bot.EventButton {
			ev.Data, ev.Text = text, ""
		}
		return exchange(t, e, st, ev)
	}
	say(bot.EventButton, "l:nb")

	for _, tt := range []struct{ say, want string }{
		{"takk!", "Bare hyggelig"},
		{"👍", "Skriv et spørsmål"},
		{"hei", "Hei! Skriv spørsmålet ditt"},
	} {
		if got := texts(say(bot.EventText, tt.say)); !strings.Contains(got, tt.want) {
			t.Errorf("%q: reply %q, want it to contain %q", tt.say, got, tt.want)
		}
	}
	if qs, _ := st.Questions(ctx); len(qs) != 0 {
		t.Errorf("small talk kept as unanswered questions: %+v", qs)
	}

	if got := texts(say(bot.EventText, "how do I renew my residence permit")); !strings.Contains(got, "I will answer you in English now") || !strings.Contains(got, "Renewing your permit") {
		t.Errorf("a question in English after choosing Norwegian: %q", got)
	}
	if got := texts(say(bot.EventText, "norsk takk")); !strings.Contains(got, "Jeg skriver til deg på Norsk") {
		t.Errorf(`"norsk takk": %q`, got)
	}
	// Written in English again: answered in English, honestly.
	if got := texts(say(bot.EventText, "how do I file my tax return")); !strings.Contains(got, "I do not have an answer to that") {
		t.Errorf("an out-of-scope question: %q", got)
	}
	if qs, _ := st.Questions(ctx); len(qs) != 1 {
		t.Errorf("the out-of-scope question is not kept for staff: %+v", qs)
	}
}

// TestDangerFromUnknownLanguagePhone: a first message in danger from a
// phone set to a language the bot does not speak gets the emergency
// numbers first, then the language menu.
func TestDangerFromUnknownLanguagePhone(t *testing.T) {
	e, st := newEngine(t)
	got := exchange(t, e, st, bot.Event{Chat: 4712, Kind: bot.EventText, Text: "помогите он меня бьет", LangHint: "ru"})
	if len(got) < 2 || !strings.Contains(got[0].Text, "112") {
		t.Fatalf("emergency numbers not first: %+v", got)
	}
	last := got[len(got)-1]
	if len(last.Buttons) < 5 || last.Buttons[0][0].Data != "l:nb" {
		t.Errorf("no language menu after the emergency numbers: %+v", last)
	}
}
