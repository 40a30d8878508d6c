package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
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
