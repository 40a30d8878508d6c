package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/content"
)

// TestVoiceNoteIsNeverFetched: a woman's voice message outside a ticket
// gets a translated "I cannot listen", the person button and the topics,
// and its audio is never downloaded, so it cannot be stored.
func TestVoiceNoteIsNeverFetched(t *testing.T) {
	e, st := bottest.EngineWithContent(t, bot.Config{Escalation: bot.Escalation{Chat: -100}})
	exchange(t, e, st, bot.Event{ID: "a", Chat: 501, Kind: bot.EventButton, Data: "l:so"})
	fetched := false
	fetch := func(context.Context) ([]byte, error) { fetched = true; return nil, errors.New("must not be called") }
	acts := exchange(t, e, st, bot.Event{ID: "b", Chat: 501, Kind: bot.EventMedia, Voice: true, Fetch: fetch})
	if fetched {
		t.Fatal("a user's voice note was fetched")
	}
	if len(acts) != 1 || !strings.Contains(acts[0].Text, "fariimaha codka") {
		t.Fatalf("reply to a voice note: %+v", acts)
	}
	var data []string
	for _, row := range acts[0].Buttons {
		for _, b := range row {
			data = append(data, b.Data)
		}
	}
	if !slices.Contains(data, "p") || !slices.ContainsFunc(data, func(d string) bool { return strings.HasPrefix(d, "t:") }) {
		t.Errorf("buttons under the reply: %v", data)
	}
}

// TestParseVolunteerCommand: staff write the name as they like; the words
// that are languages are her languages.
func TestParseVolunteerCommand(t *testing.T) {
	const staff = 900
	e, st := bottest.EngineWithContent(t, bot.Config{Staff: []int64{staff}})
	ctx := context.Background()
	tests := []struct {
		args  string
		name  string
		langs []string
	}{
		{"333 Amina so ti", "Amina", []string{"so", "ti"}},
		{"333 Amina Yusuf Ali SO", "Amina Yusuf Ali", []string{"so"}},
		{"333 Faduma nb", "", nil},                // nb is the source, not a translation
		{"333 so ti", "", nil},                    // no name
		{"x Amina so", "", nil},                   // no user ID
		{"1152921504606846977 Amina so", "", nil}, // a web chat ID
	}
	for i, tc := range tests {
		exchange(t, e, st, bot.Event{ID: "v" + tc.args, Chat: staff, Kind: bot.EventCommand, Command: "volunteer", Text: "add " + tc.args})
		v, found, err := st.Volunteer(ctx, 333)
		if err != nil {
			t.Fatal(err)
		}
		if tc.name == "" {
			if found {
				t.Errorf("%d: /volunteer add %s added %+v", i, tc.args, v)
			}
			continue
		}
		if !found || v.Name != tc.name || !slices.Equal(v.Langs, tc.langs) {
			t.Errorf("/volunteer add %s: %+v (found %v)", tc.args, v, found)
		}
		exchange(t, e, st, bot.Event{ID: "r" + tc.args, Chat: staff, Kind: bot.EventCommand, Command: "volunteer", Text: "remove 333"})
	}
}

// TestConcurrentReviewsAllStaged: two volunteers confirming at the same
// moment both end up in the staged content; neither overwrites the other.
func TestConcurrentReviewsAllStaged(t *testing.T) {
	const staff = 900
	e, st := bottest.EngineWithContent(t, bot.Config{Staff: []int64{staff}})
	ctx := context.Background()
	exchange(t, e, st, bot.Event{ID: "a1", Chat: staff, Kind: bot.EventCommand, Command: "volunteer", Text: "add 31 Amina so"})
	exchange(t, e, st, bot.Event{ID: "a2", Chat: staff, Kind: bot.EventCommand, Command: "volunteer", Text: "add 32 Hodan ti"})
	hash := e.Catalog().Entry("legal-aid").SourceHash()[:8]
	errs := make(chan error, 2)
	for i, v := range []struct {
		chat int64
		lang string
	}{{31, "so"}, {32, "ti"}} {
		go func() {
			errs <- e.Handle(ctx, bot.Event{ID: "p" + string(rune('0'+i)), Chat: v.chat, Kind: bot.EventButton, Data: "rv:ok:" + v.lang + ":legal-aid:" + hash})
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	_, files, found, err := st.Staged(ctx)
	if err != nil || !found {
		t.Fatalf("nothing staged: %v", err)
	}
	cat, _, err := content.FromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"so", "ti"} {
		if txt := cat.Entry("legal-aid").Text[lang]; txt.Status != content.StatusReviewed {
			t.Errorf("%s review lost: %+v", lang, txt)
		}
	}
}

// TestVoiceFirst: staff turn recordings first on for Somali; a Somali user
// then gets the recording before the text, unless she is in discreet mode,
// and a user of another language gets the text alone.
func TestVoiceFirst(t *testing.T) {
	embedded, _, err := content.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	files, err := content.ApplyReview(embedded.Files(), content.Review{Entry: "legal-aid", Lang: "so", By: "Amina",
		From: embedded.Entry("legal-aid").SourceHash(), Audio: []byte("OggS\x00\x02 so")})
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err := content.FromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	const staff = 900
	e, st := bottest.EngineWithContent(t, bot.Config{Catalog: cat, Staff: []int64{staff}})
	n := 0
	send := func(ev bot.Event) []bot.Action {
		n++
		ev.ID = "v" + string(rune('a'+n))
		return exchange(t, e, st, ev)
	}
	send(bot.Event{Chat: staff, Kind: bot.EventCommand, Command: "voicefirst", Text: "so on"})
	for _, tc := range []struct {
		chat     int64
		lang     string
		discreet bool
		first    bool
	}{{501, "so", false, true}, {502, "so", true, false}, {503, "ar", false, false}} {
		send(bot.Event{Chat: tc.chat, Kind: bot.EventButton, Data: "l:" + tc.lang})
		send(bot.Event{Chat: tc.chat, Kind: bot.EventButton, Data: "d:" + map[bool]string{true: "on", false: "off"}[tc.discreet]})
		acts := send(bot.Event{Chat: tc.chat, Kind: bot.EventButton, Data: "e:legal-aid"})
		if got := len(acts) > 1 && acts[0].Voice != nil; got != tc.first {
			t.Errorf("%s, discreet %v: recording first %v, want %v (%d actions)", tc.lang, tc.discreet, got, tc.first, len(acts))
		}
		if tc.lang == "so" && !hasData(acts[len(acts)-1], "au:legal-aid") {
			t.Errorf("%s: no 🔊 under the answer", tc.lang)
		}
	}
}

func hasData(a bot.Action, data string) bool {
	for _, row := range a.Buttons {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}
