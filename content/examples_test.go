package content

import (
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/veiviser/veiviser/content/match"
)

// TestExamplesChecked: every mistake in an examples or concepts file is
// reported with its file and line.
func TestExamplesChecked(t *testing.T) {
	base := map[string]string{}
	for name, data := range mustLoad(t).Files() {
		if !strings.HasPrefix(name, "examples-") && !strings.HasPrefix(name, "concepts-") {
			base[name] = string(data)
		}
	}
	tests := []struct {
		name, file, data, want string
	}{
		{"UnknownEntry", "examples-nb.yaml", "examples:\n  lang: nb\n  entries:\n    no-such-entry: [\"hei\"]\n", "examples-nb.yaml:4: examples for unknown entry \"no-such-entry\""},
		{"TwoMeanings", "examples-en.yaml", "examples:\n  lang: en\n  entries:\n    legal-aid: [\"free lawyer\"]\n    interpreter: [\"Free lawyer!\"]\n", "examples-en.yaml:5: example \"Free lawyer!\" is listed under interpreter and under legal-aid"},
		{"WrongScript", "examples-so.yaml", "examples:\n  lang: so\n  entries:\n    legal-aid:\n      - \"ตีหนู\"\n", "examples-so.yaml:5: example is written in Thai script, not in so"},
		{"FileNamedForOther", "examples-pl.yaml", "examples:\n  lang: uk\n", "examples-pl.yaml:2: lang is \"uk\" but the file is named for \"pl\""},
		{"NoLang", "examples-x.yaml", "examples:\n  entries: {}\n", "examples-x.yaml:1: examples need lang"},
		{"AcuteAndCalm", "examples-en.yaml", "examples:\n  lang: en\n  danger:\n    acute: [\"help\"]\n    not-acute: [\"help\"]\n", "examples-en.yaml:5: example \"help\" is listed under not-acute and under emergency-numbers"},
		{"ShortStem", "concepts-nb.yaml", "concepts:\n  lang: nb\n  words:\n    hit: [\"sl*\"]\n", "concepts-nb.yaml:4: stem \"sl*\" is too short"},
		{"ConceptWrongScript", "concepts-ar.yaml", "concepts:\n  lang: ar\n  words:\n    hit: [\"ตี\"]\n", "concepts-ar.yaml:4: form \"ตี\" is written in Thai script"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{tt.file: {Data: []byte(tt.data)}}
			for name, data := range base {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, report, err := Load(fsys)
			if err == nil {
				t.Fatalf("loaded without error; want %q", tt.want)
			}
			var all strings.Builder
			for _, p := range report {
				all.WriteString(p.String() + "\n")
			}
			if !strings.Contains(all.String(), tt.want) {
				t.Errorf("report lacks %q:\n%s", tt.want, all.String())
			}
		})
	}
}

// TestLeanCorpusIsTheCorpusWithoutExamples: what a matcher read from its
// model is given (entries, staff phrases, concepts) is the corpus it was
// trained on, less the examples: the concepts files are read for it, the
// examples files are not.
func TestLeanCorpusIsTheCorpusWithoutExamples(t *testing.T) {
	cat, _, err := load(Embedded(), loadFixed)
	if err != nil {
		t.Fatal(err)
	}
	lean := cat.leanCorpus()
	if want := cat.Corpus().WithoutExamples(); !reflect.DeepEqual(lean, want) {
		t.Error("the lean corpus is not the corpus without its examples")
	}
	if len(lean.Concepts) == 0 {
		t.Error("the lean corpus has no concepts")
	}
	if len(cat.later) == 0 {
		t.Error("the examples files were read")
	}
}

// countingModels is Models that trains, counting how it was asked.
type countingModels struct {
	calls  int
	digest []byte
	lean   *match.Corpus
}

func (m *countingModels) Matcher(digest []byte, lean *match.Corpus, full func() *match.Corpus) *match.Matcher {
	m.calls++
	m.digest, m.lean = digest, lean
	return match.New(full())
}

// TestUseModels: a catalog given models asks them for its matcher, once,
// with the hash of its files and its corpus less the examples.
func TestUseModels(t *testing.T) {
	cat, _, err := load(Embedded(), loadFixed)
	if err != nil {
		t.Fatal(err)
	}
	models := &countingModels{}
	cat.UseModels(models)
	cat.Warm()
	cat.Search("free lawyer", "en")
	if models.calls != 1 {
		t.Fatalf("models asked %d times, want once", models.calls)
	}
	if len(models.digest) != 32 || cat.Version != hex.EncodeToString(models.digest[:6]) {
		t.Errorf("digest %x for version %s", models.digest, cat.Version)
	}
	if len(models.lean.Acute) != 0 || len(models.lean.Entries[0].Examples) != 0 {
		t.Error("the lean corpus has examples")
	}
}
