package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
)

func newEngine(tb testing.TB) (*bot.Engine, *store.Store) {
	tb.Helper()
	return bottest.Engine(tb, "", bot.Config{})
}

// exchange hands the engine one event and returns what it queued.
func exchange(t *testing.T, e *bot.Engine, st *store.Store, ev bot.Event) []bot.Action {
	t.Helper()
	do(t, e, ev)
	return drain(t, st)
}

// drain returns and removes everything queued.
func drain(tb testing.TB, st *store.Store) []bot.Action {
	tb.Helper()
	var out []bot.Action
	for {
		qs, err := st.Pending(context.Background(), 100)
		if err != nil {
			tb.Fatal(err)
		}
		if len(qs) == 0 {
			return out
		}
		for _, q := range qs {
			out = append(out, q.Action)
			_ = st.Done(context.Background(), q.ID)
		}
	}
}

func TestRedeliveredEventAnsweredOnce(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	ev := bot.Event{ID: "update-1", Chat: 3, Kind: bot.EventCommand, Command: "start"}
	for range 3 {
		if err := e.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(drain(t, st)); got != 1 {
		t.Errorf("%d replies to one update delivered three times, want 1", got)
	}
}

func TestEveryScreenOffersEmergencyInOneTap(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	cat := e.Catalog()
	// Screens that must carry the button even without other buttons: the
	// first ones she sees, and the last ones after she erased her traces.
	must := []bot.Event{{Kind: bot.EventCommand, Command: "start"}, {Kind: bot.EventCommand, Command: "language"},
		{Kind: bot.EventButton, Data: "lm"}, {Kind: bot.EventCommand, Command: "forget"}, {Kind: bot.EventButton, Data: "forget"},
		{Kind: bot.EventCommand, Command: "clear"}}
	events := []bot.Event{{Kind: bot.EventCommand, Command: "menu"}, {Kind: bot.EventCommand, Command: "help"},
		{Kind: bot.EventMedia}, {Kind: bot.EventText, Text: "qwzx plork"}}
	for _, tp := range cat.Topics {
		events = append(events, bot.Event{Kind: bot.EventButton, Data: "t:" + tp.ID})
	}
	for _, id := range cat.IDs() {
		if id != "emergency-numbers" {
			events = append(events, bot.Event{Kind: bot.EventButton, Data: "e:" + id})
		}
	}
	check := func(ev bot.Event, required bool) {
		for _, a := range drain(t, st) {
			if a.Kind() == bot.KindDelete || strings.Contains(a.Text, "112") && len(a.Phones) > 0 {
				continue // a deletion, or the emergency card itself
			}
			if len(a.Buttons) == 0 && !required {
				continue
			}
			sos, all := 0, 0
			for _, row := range a.Buttons {
				for _, b := range row {
					all++
					if b.Data == "e:emergency-numbers" {
						sos++
					}
				}
			}
			if sos != 1 {
				t.Errorf("after %+v: %d emergency buttons under %q, want 1", ev, sos, a.Text[:min(40, len(a.Text))])
			}
			// Menus list what they hold; answers must fit a phone's screen.
			if all > 10 && strings.HasPrefix(ev.Data, "e:") {
				t.Errorf("after %+v: %d buttons under %q; a phone shows 10 at most without scrolling", ev, all, a.Text[:min(40, len(a.Text))])
			}
		}
	}
	for _, ev := range must {
		ev.Chat = 2
		if err := e.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
		check(ev, true)
	}
	_ = e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "start"})
	drain(t, st)
	for _, ev := range events {
		ev.Chat = 1
		if err := e.Handle(ctx, ev); err != nil {
			t.Fatal(err)
		}
		check(ev, false)
	}
}

// TestRelatedFromEmergencyCardAnswersBelow: tapping a related entry under
// the 112 card answers in a new message, so the numbers stay on screen.
func TestRelatedFromEmergencyCardAnswersBelow(t *testing.T) {
	e, st := newEngine(t)
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "e:emergency-numbers", MessageID: 10})
	got := exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "e:violence-helpline", MessageID: 10})
	if len(got) != 1 || got[0].Edit != 0 {
		t.Errorf("a related entry replaced the emergency card: %+v", got)
	}
}

// FuzzHandle sends arbitrary events: the engine must answer every one
// without panicking, with button data Telegram accepts.
func FuzzHandle(f *testing.F) {
	const advisors = -100777
	e, st := bottest.EngineWithContent(f, bot.Config{Staff: []int64{9}, Escalation: bot.Escalation{Chat: advisors}})
	// Staff and a volunteer too, so the review and its buttons are fuzzed.
	if err := e.Handle(context.Background(), bot.Event{Chat: 9, Kind: bot.EventCommand, Command: "volunteer", Text: "add 9 Fuzz so ar"}); err != nil {
		f.Fatal(err)
	}
	drain(f, st)
	// Trained before fuzzing starts, so the first free text does not wait
	// seconds for it and look like a hung worker.
	e.Catalog().Warm()
	f.Add(0, "", "review", "rv:ok:so:legal-aid:00000000", false, 0)
	f.Add(1, "", "", "rv:voice:so:emergency-numbers:abc", false, 0)
	f.Add(4, "OggS", "", "au:legal-aid", false, 0)
	f.Add(2, "add 12 A so", "volunteer", "rv:edit:ar:fgm:", false, 0)
	f.Add(2, "so on", "voicefirst", "rv:skip:ti:x:y:z", false, 0)
	f.Add(0, "hello", "start", "e:privacy", false, 0)
	f.Add(1, "", "", "l:ar", false, 0)
	f.Add(2, "topic_residence", "start", "t:../../x", false, 0)
	f.Add(3, "\xff\xfe", "forget", "forget", false, 0)
	f.Add(2, "ar so xx", "languages", "", true, 1)
	f.Add(1, "", "", "tc:1", true, 1)
	f.Add(0, "", "", "pc", false, 0)
	f.Add(2, "so hello", "broadcast", "r:1:5", false, 0)
	f.Add(2, "legal-aid th", "preview", "", false, 0)
	f.Fuzz(func(t *testing.T, kind int, text, cmd, data string, advisor bool, thread int) {
		ev := bot.Event{Chat: 9, Kind: bot.EventKind(uint(kind) % 6), Text: text, Command: cmd, Data: data}
		if ev.Kind == bot.EventMedia {
			// A voice note whose bytes are the text: a recording or not.
			ev.Voice = len(text)%2 == 0
			ev.Fetch = func(context.Context) ([]byte, error) { return []byte(text), nil }
		}
		if advisor {
			ev.Chat, ev.Advisor, ev.From, ev.Thread = advisors, true, 5, thread
		}
		if err := e.Handle(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		for _, a := range drain(t, st) {
			if a.Text == "" && a.CopyMessage == 0 && a.Kind() != bot.KindDelete && a.Voice == nil {
				t.Fatalf("empty message for %+v", ev)
			}
			for _, row := range a.Buttons {
				for _, b := range row {
					if n := len(b.Data); n == 0 || n > 64 || !utf8.ValidString(b.Label) {
						t.Fatalf("bad button %+v", b)
					}
				}
			}
		}
	})
}

func TestFirstMessageInDangerGetsEmergencyFirst(t *testing.T) {
	e, st := newEngine(t)
	if err := e.Handle(context.Background(), bot.Event{Chat: 77, Kind: bot.EventText, Text: "my husband beats me", LangHint: "en"}); err != nil {
		t.Fatal(err)
	}
	got := drain(t, st)
	if len(got) == 0 || !strings.Contains(got[0].Text, "112") {
		t.Fatalf("first reply to a first message in danger is not the emergency numbers: %+v", got)
	}
}

func TestFirstMessageQuestionIsAnswered(t *testing.T) {
	e, st := newEngine(t)
	if err := e.Handle(context.Background(), bot.Event{Chat: 78, Kind: bot.EventText, Text: "klage på vedtak fra UDI", LangHint: "nb"}); err != nil {
		t.Fatal(err)
	}
	got := drain(t, st)
	if len(got) < 2 || !strings.Contains(got[1].Text, "UNE") {
		t.Fatalf("a first question got only the greeting: %+v", got)
	}
}

// TestFloodLimit: a burst from one chat gets its first messages answered,
// one "slow down", then silence, except for danger; another chat is not affected.
func TestFloodLimit(t *testing.T) {
	e, st := bottest.Engine(t, "", bot.Config{Flood: bot.Rate{N: 1, Per: time.Second, Burst: 3}})
	ctx := context.Background()
	at := time.Unix(1_000_000, 0)
	for range 20 {
		if err := e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "help", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	got := drain(t, st)
	slow := 0
	for _, a := range got {
		if strings.Contains(a.Text, "very fast") {
			slow++
		}
	}
	if len(got) != 4 || slow != 1 {
		t.Errorf("20 messages in one instant: %d replies, %d slow-downs; want 3 answers and 1 slow-down", len(got), slow)
	}
	_ = e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventText, Text: "he will kill me", At: at})
	if got := drain(t, st); len(got) != 1 || !strings.Contains(got[0].Text, "112") {
		t.Errorf("danger during a flood was not answered: %+v", got)
	}
	_ = e.Handle(ctx, bot.Event{Chat: 2, Kind: bot.EventCommand, Command: "help", At: at})
	if got := drain(t, st); len(got) != 1 {
		t.Errorf("another chat was slowed down: %d replies", len(got))
	}
	_ = e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "help", At: at.Add(2 * time.Second)})
	if got := drain(t, st); len(got) != 1 || strings.Contains(got[0].Text, "very fast") {
		t.Errorf("after a pause she is not answered again: %+v", got)
	}
}

// TestBlockingUnsubscribes: once she blocks the bot, nothing can reach
// her, and her chat ID has no reason to stay in the subscribers.
func TestBlockingUnsubscribes(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	exchange(t, e, st, bot.Event{Chat: 3, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	exchange(t, e, st, bot.Event{Chat: 3, Kind: bot.EventCommand, Command: "subscribe"})
	if subs, _ := st.Subscribers(ctx, ""); len(subs) != 1 {
		t.Fatalf("subscribers = %v, want her", subs)
	}
	exchange(t, e, st, bot.Event{Chat: 3, Kind: bot.EventBlocked})
	if subs, _ := st.Subscribers(ctx, ""); len(subs) != 0 {
		t.Errorf("subscribers after she blocked the bot = %v, want none", subs)
	}
}

// TestNoPersonButtonWithoutAdvisors: with escalation off no screen offers
// a person (the button led to "not possible"), and the about-centre answer
// does not tell her to write to an advisor here.
func TestNoPersonButtonWithoutAdvisors(t *testing.T) {
	e, st := newEngine(t)
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	for _, ev := range []bot.Event{{Kind: bot.EventCommand, Command: "menu"}, {Kind: bot.EventButton, Data: "e:about-centre"},
		{Kind: bot.EventButton, Data: "e:legal-aid"}, {Kind: bot.EventText, Text: "qwzx plork"}, {Kind: bot.EventText, Text: "blorp fnarg"}} {
		ev.Chat = 1
		for _, a := range exchange(t, e, st, ev) {
			if strings.Contains(fmt.Sprint(a.Buttons), " p}") {
				t.Errorf("after %+v: a person button with no advisors", ev)
			}
			if ev.Data == "e:about-centre" && strings.Contains(a.Text, "{advisors}") {
				t.Errorf("about-centre shows its marker: %q", a.Text)
			}
		}
	}
}

// TestUnansweredQuestionsKeepNoNumbers: a question the bot could not
// answer is kept for staff without phone numbers or e-mail addresses.
func TestUnansweredQuestionsKeepNoNumbers(t *testing.T) {
	e, st := newEngine(t)
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventText, Text: "blorp fnarg 98 76 54 32 amina.k@example.com"})
	qs, err := st.Questions(context.Background())
	if err != nil || len(qs) != 1 {
		t.Fatalf("questions = %+v, %v", qs, err)
	}
	if strings.ContainsAny(qs[0].Text, "0123456789@") {
		t.Errorf("stored question keeps what could tell who asked: %q", qs[0].Text)
	}
}

// TestStatsCountEntriesDue: /stats tells staff how many answers have a
// source due for a fact check; none today, all two years on.
func TestStatsCountEntriesDue(t *testing.T) {
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	e, _ := bottest.Engine(t, "", bot.Config{Now: func() time.Time { return clock }})
	text, err := e.Stats(context.Background(), "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "due for a fact check") {
		t.Errorf("entries due today, right after the content round:\n%s", text)
	}
	clock = clock.AddDate(2, 0, 0)
	if text, _ = e.Stats(context.Background(), "en"); !strings.Contains(text, fmt.Sprintf("due for a fact check: %d", len(e.Catalog().Entries))) {
		t.Errorf("two years on, not every entry is due:\n%s", text)
	}
}

// TestAboutCentreWithoutDetails: with no address, phone or advisors set,
// the about-centre answer leaves their lines out, shows no placeholder and
// leaves no gap where they were.
func TestAboutCentreWithoutDetails(t *testing.T) {
	e, st := newEngine(t)
	exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	for _, lang := range content.Languages() {
		exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "l:" + lang})
		got := exchange(t, e, st, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "e:about-centre"})
		text := got[len(got)-1].Text
		if strings.Contains(text, "{") || strings.Contains(text, "\n\n\n") {
			t.Errorf("%s about-centre shows a placeholder or a gap:\n%s", lang, text)
		}
	}
}
