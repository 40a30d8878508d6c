package locales_test

// An external test package: it renders the catalog through the engine,
// which imports locales.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// TestIsolateRenderedRTL runs the interface strings and the catalog, filled
// in as the bot sends them, through Isolate in ar, fa and ur, and looks for
// the two faults the translations review saw with FriBidi: a command shown
// as "menu/" (a "/" left just before an isolate, so drawn to its right) and
// "112:" with the colon drawn on the number's far side (a colon as the last
// rune inside an isolate).
func TestIsolateRenderedRTL(t *testing.T) {
	s, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err := content.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ar", "fa", "ur"} {
		for where, text := range renderedTexts(t, s, cat, lang) {
			out := locales.Isolate(lang, text)
			if i := strings.Index(out, "/\u2066"); i >= 0 {
				t.Errorf("%s %s: a \"/\" right of an isolate: %q", lang, where, around(out, i))
			}
			if i := strings.Index(out, ":\u2069"); i >= 0 {
				t.Errorf("%s %s: a colon ends an isolate: %q", lang, where, around(out, i))
			}
		}
	}
}

// renderedTexts returns what the bot sends in lang, by where it comes
// from: every interface message with its placeholders filled, and for each
// entry its answer (title, body with the centre's details, numbers and
// links with their labels) and its button; for each topic its title and
// button.
func renderedTexts(t *testing.T, s *locales.Strings, cat *content.Catalog, lang string) map[string]string {
	texts := map[string]string{}
	hours := centreHours(s, cat, lang)
	days := strings.Split(s.T(lang, "Weekdays", nil), ",")
	data := map[string]any{
		"Hours":    hours,
		"When":     days[1] + " 10:00",
		"Place":    3,
		"Topic":    cat.Topics[0].TitleIn(lang),
		"Language": locales.Name("nb"),
	}
	raw, err := os.ReadFile("active." + lang + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]map[string]string
	if err := toml.Unmarshal(raw, &msgs); err != nil {
		t.Fatalf("active.%s.toml: %v", lang, err)
	}
	for id := range msgs {
		texts["message "+id] = s.T(lang, id, data)
	}
	// Every answer as the engine renders it (title, body with the centre's
	// details, numbers and links, buttons), already through Isolate.
	e, st := bottest.Engine(t, "", bot.Config{Catalog: cat, Strings: s})
	ctx := context.Background()
	if err := e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "l:" + lang}); err != nil {
		t.Fatal(err)
	}
	for _, id := range cat.IDs() {
		if err := e.Handle(ctx, bot.Event{Chat: 1, Kind: bot.EventButton, Data: "e:" + id}); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := st.Pending(ctx, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range pending {
		texts[fmt.Sprintf("answer %d", i)] = locales.StripIsolates(q.Action.Text)
		for _, row := range q.Action.Buttons {
			for _, b := range row {
				texts[fmt.Sprintf("answer %d button %s", i, b.Data)] = locales.StripIsolates(b.Label)
			}
		}
	}
	for _, tp := range cat.Topics {
		texts["topic "+tp.ID] = tp.TitleIn(lang)
		texts["topic "+tp.ID+" button"] = tp.ButtonIn(lang)
	}
	return texts
}

// centreHours is the opening hours as the bot writes them, with day names in lang.
func centreHours(s *locales.Strings, cat *content.Catalog, lang string) string {
	return cat.Centre.HoursText(strings.Split(s.T(lang, "Weekdays", nil), ","))
}

// around returns the text near byte i, for a readable failure.
func around(s string, i int) string {
	lo, hi := max(0, i-40), min(len(s), i+40)
	for lo > 0 && !isRuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !isRuneStart(s[hi]) {
		hi++
	}
	return s[lo:hi]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
