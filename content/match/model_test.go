package match_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/veiviser/veiviser/content/devset"
	"github.com/veiviser/veiviser/content/match"
)

// TestModelAnswersAsTrained: a matcher read back from the model of a
// trained one, with the corpus less its examples as a restart has it,
// gives the same answers, scores and all: the model holds everything
// training learned.
func TestModelAnswersAsTrained(t *testing.T) {
	cat := mustLoad(t)
	corpus := cat.Corpus()
	set := match.DefaultSettings()
	trained := cat.Matcher() // trained by match.New, with DefaultSettings
	key := match.ModelKey([]byte("content"), set, []byte("test"))
	var buf bytes.Buffer
	if err := trained.WriteModel(&buf, key); err != nil {
		t.Fatal(err)
	}
	read, err := match.NewFromModel(corpus.WithoutExamples(), set, buf.Bytes(), key)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := devset.Read("../testdata/questions")
	if err != nil {
		t.Fatal(err)
	}
	var questions []string
	for _, q := range dev {
		questions = append(questions, q.Text)
	}
	for i, e := range corpus.Entries {
		for j, ex := range e.Examples {
			if (i+j)%40 == 0 {
				questions = append(questions, ex.Text)
			}
		}
	}
	for i, ex := range append(corpus.Acute, corpus.Calm...) {
		if i%10 == 0 {
			questions = append(questions, ex.Text)
		}
	}
	if len(questions) < 500 {
		t.Fatalf("only %d questions to ask", len(questions))
	}
	for _, q := range questions {
		if got, want := read.Search(q, ""), trained.Search(q, ""); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: read back %+v, trained %+v", q, got, want)
		}
	}
}

// TestModelRefusesOthers: a model is used only under its own key, and a
// cut or altered one is refused with an error, never a panic.
func TestModelRefusesOthers(t *testing.T) {
	cat := mustLoad(t)
	corpus := cat.Corpus()
	set := match.DefaultSettings()
	key := match.ModelKey([]byte("content"), set, []byte("test"))
	var buf bytes.Buffer
	if err := cat.Matcher().WriteModel(&buf, key); err != nil {
		t.Fatal(err)
	}
	model := buf.Bytes()
	other := set
	other.Danger += 0.01
	for name, k := range map[string][32]byte{
		"other settings": match.ModelKey([]byte("content"), other, []byte("test")),
		"other program":  match.ModelKey([]byte("content"), set, []byte("tests")),
		"other content":  match.ModelKey([]byte("contents"), set, []byte("test")),
	} {
		if k == key {
			t.Errorf("%s: same key", name)
		}
		if _, err := match.NewFromModel(corpus, set, model, k); err == nil {
			t.Errorf("%s: model accepted", name)
		}
	}
	fewer := *corpus
	fewer.Entries = fewer.Entries[1:]
	if _, err := match.NewFromModel(&fewer, set, model, key); err == nil {
		t.Error("model accepted for other entries")
	}
	for _, cut := range []int{0, 10, 100, len(model) / 2, len(model) - 8, len(model) - 1} {
		if _, err := match.NewFromModel(corpus, set, model[:cut], key); err == nil {
			t.Errorf("model cut to %d bytes accepted", cut)
		}
	}
	if _, err := match.NewFromModel(corpus, set, append(bytes.Clone(model), 0), key); err == nil {
		t.Error("model with a byte more accepted")
	}
}

// FuzzNewFromModel: whatever bytes a model file holds, reading it gives a
// matcher or an error, never a panic. The key is taken from the bytes
// themselves, so that the fuzzer gets past it to the arrays.
func FuzzNewFromModel(f *testing.F) {
	corpus := &match.Corpus{
		Languages: []string{"en"},
		Entries: []match.Entry{{ID: match.EmergencyID, Text: map[string]match.Text{"en": {Title: "Emergency numbers"}},
			Examples: []match.Example{{Lang: "en", Text: "police number"}, {Lang: "en", Text: "ambulance"}}}},
		Acute: []match.Example{{Lang: "en", Text: "help he has a knife"}},
		Calm:  []match.Example{{Lang: "en", Text: "knife and fork"}},
	}
	set := match.DefaultSettings()
	var buf bytes.Buffer
	if err := match.NewWithSettings(corpus, set).WriteModel(&buf, [32]byte{1, 2, 3}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:100])
	f.Add([]byte("veiviser model 4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var key [32]byte
		if len(data) >= 16+32 {
			key = [32]byte(data[16:48])
		}
		match.NewFromModel(corpus, set, data, key)
	})
}
