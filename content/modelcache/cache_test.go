package modelcache

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/content/match"
)

// corpus is a small catalog's worth of examples: training it takes
// milliseconds, and it has every kind of row a model keeps.
func corpus() *match.Corpus {
	entry := func(id string, sensitive bool, title string, examples ...string) match.Entry {
		e := match.Entry{ID: id, Sensitive: sensitive, Text: map[string]match.Text{"en": {Title: title, Body: title + " and more about it"}}}
		for _, x := range examples {
			e.Examples = append(e.Examples, match.Example{Lang: "en", Text: x})
		}
		return e
	}
	return &match.Corpus{
		Languages: []string{"en", "nb"},
		Entries: []match.Entry{
			entry(match.EmergencyID, false, "Emergency numbers", "what number do I call for the police", "ambulance number", "number for the fire brigade"),
			entry("legal-aid", false, "Free legal aid", "I need a lawyer but have no money", "free lawyer", "who can help me with the law for free"),
			entry("crisis-centre", true, "A safe place to stay", "where can I sleep tonight with my children", "shelter for women", "I cannot go home, where can I stay"),
		},
		Danger:     map[string][]string{"en": {"he is here"}},
		Human:      map[string][]string{"en": {"talk to a person"}},
		Acute:      []match.Example{{Lang: "en", Text: "help he has a knife"}, {Lang: "en", Text: "he will kill me tonight"}, {Lang: "nb", Text: "han slår meg nå"}},
		Calm:       []match.Example{{Lang: "en", Text: "he hit me last year"}, {Lang: "en", Text: "this course is killing me"}},
		OutOfScope: []match.Example{{Lang: "en", Text: "how do I file my tax return"}, {Lang: "en", Text: "driving licence test"}},
		SmallTalk:  map[string][]match.Example{"hello": {{Lang: "en", Text: "hello"}, {Lang: "en", Text: "hi there"}}, "thanks": {{Lang: "en", Text: "thank you"}}},
	}
}

// matcher asks c for the matcher of corpus as the catalog does.
func matcher(c *Cache, corpus *match.Corpus) *match.Matcher {
	return c.Matcher([]byte("content"), corpus.WithoutExamples(), func() *match.Corpus { return corpus })
}

var questions = []string{"I have no money for a lawyer", "police number", "he is here with a knife", "where can we sleep", "weather tomorrow", "hello", "hjelp"}

// newCache is a cache in a fresh folder, with what it logs.
func newCache(t *testing.T) (*Cache, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	return New(filepath.Join(t.TempDir(), "veiviser.db.matcher"), slog.New(slog.NewTextHandler(&logs, nil))), &logs
}

func answers(m *match.Matcher) []match.Answer {
	var out []match.Answer
	for _, q := range questions {
		out = append(out, m.Search(q, ""))
	}
	return out
}

// TestKeptAndReadBack: the first start trains and writes the model, the
// next reads it instead of training, and both answer as a matcher
// trained here does.
func TestKeptAndReadBack(t *testing.T) {
	c, logs := newCache(t)
	want := answers(match.New(corpus()))
	first := matcher(c, corpus())
	if _, err := os.Stat(c.path); err != nil {
		t.Fatalf("no model file after training: %v", err)
	}
	if strings.Contains(logs.String(), "read from its model file") {
		t.Fatal("the first start read a model it had not written")
	}
	var restartLog bytes.Buffer
	again := New(c.path, slog.New(slog.NewTextHandler(&restartLog, nil)))
	second := matcher(again, corpus())
	if !strings.Contains(restartLog.String(), "read from its model file") {
		t.Fatalf("the restart trained again: %s", restartLog.String())
	}
	for i, m := range []*match.Matcher{first, second} {
		if got := answers(m); !reflect.DeepEqual(got, want) {
			t.Errorf("matcher %d answers %+v, want %+v", i, got, want)
		}
	}
}

// TestTrainsOverWhatItCannotUse: a model file cut short, altered on disk,
// or written for other content is trained over, and the file is then
// right again.
func TestTrainsOverWhatItCannotUse(t *testing.T) {
	want := answers(match.New(corpus()))
	for name, spoil := range map[string]func(path string){
		"cut short": func(path string) {
			b, _ := os.ReadFile(path)
			os.WriteFile(path, b[:len(b)/2], 0o600)
		},
		"a byte altered": func(path string) {
			b, _ := os.ReadFile(path)
			b[len(b)/3] ^= 1
			os.WriteFile(path, b, 0o600)
		},
		"empty":   func(path string) { os.WriteFile(path, nil, 0o600) },
		"garbage": func(path string) { os.WriteFile(path, bytes.Repeat([]byte("veiviser"), 1000), 0o600) },
		"other content": func(path string) {
			other := corpus()
			other.Acute = other.Acute[1:]
			c := &Cache{path: path, log: slog.New(slog.DiscardHandler)}
			c.write(match.New(other), match.ModelKey([]byte("other content"), match.DefaultSettings(), []byte("test")))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newCache(t)
			c.program = func() ([]byte, error) { return []byte("test"), nil }
			matcher(c, corpus())
			spoil(c.path)
			var logs bytes.Buffer
			c.log = slog.New(slog.NewTextHandler(&logs, nil))
			m := matcher(c, corpus())
			if !strings.Contains(logs.String(), "training again") {
				t.Errorf("the spoilt file was not reported: %s", logs.String())
			}
			if got := answers(m); !reflect.DeepEqual(got, want) {
				t.Errorf("answers %+v, want %+v", got, want)
			}
			if _, err := c.read(corpus(), match.DefaultSettings(), match.ModelKey([]byte("content"), match.DefaultSettings(), []byte("test"))); err != nil {
				t.Errorf("the file was not made right again: %v", err)
			}
		})
	}
}

// TestWorksWithoutTheFile: where the model cannot be written (the folder
// is gone), the matcher is trained and answers all the same.
func TestWorksWithoutTheFile(t *testing.T) {
	var logs bytes.Buffer
	c := New(filepath.Join(t.TempDir(), "gone", "veiviser.db.matcher"), slog.New(slog.NewTextHandler(&logs, nil)))
	if got, want := answers(matcher(c, corpus())), answers(match.New(corpus())); !reflect.DeepEqual(got, want) {
		t.Errorf("answers %+v, want %+v", got, want)
	}
	if !strings.Contains(logs.String(), "model file not written") {
		t.Errorf("the failed write was not reported: %s", logs.String())
	}
}

// TestRemovesWhatAStoppedWriteLeft: a run killed while writing the model
// leaves a temporary file; the next start removes it, and the model file
// beside it is still read.
func TestRemovesWhatAStoppedWriteLeft(t *testing.T) {
	c, _ := newCache(t)
	matcher(c, corpus())
	left := c.path + ".123456.tmp"
	if err := os.WriteFile(left, []byte("half a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	again := New(c.path, slog.New(slog.NewTextHandler(&logs, nil)))
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Errorf("the temporary file is still there: %v", err)
	}
	matcher(again, corpus())
	if !strings.Contains(logs.String(), "read from its model file") {
		t.Errorf("the model was not read: %s", logs.String())
	}
}
