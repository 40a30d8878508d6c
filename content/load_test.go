package content

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedCatalogLoads(t *testing.T) {
	cat, report, err := Load(Embedded())
	if err != nil {
		t.Fatalf("embedded catalog: %v", err)
	}
	if len(cat.Topics) == 0 || len(cat.Entries) == 0 {
		t.Fatalf("embedded catalog is empty: %d topics, %d entries", len(cat.Topics), len(cat.Entries))
	}
	for _, p := range report.Warnings() {
		if strings.Contains(p.Message, "stale") {
			t.Errorf("stale translation in the shipped catalog: %s", p)
		}
	}
}

// validEntry is a minimal correct topic file; the cases below break one thing each.
const validTopic = `topic:
  id: t
  order: 1
  title: {nb: Tema, en: Topic}
entries:
  - id: a
    reviewed: 2026-11-25
    sources:
      - url: https://example.org/a
        checked: 2026-11-25
    actions:
      - phone: "116 006"
        source: https://example.org/a
        label: Linje
    related: [b]
    text:
      nb:
        title: A
        body: Tekst A.
        keywords: [alfa]
  - id: b
    reviewed: 2026-11-25
    sources:
      - url: https://example.org/b
        checked: 2026-11-25
    text:
      nb:
        title: B
        body: Tekst B.
`

func TestLoadReportsFileAndLine(t *testing.T) {
	tests := []struct {
		name    string
		old     string // replaced in validTopic; empty means use file as is
		new     string
		file    string // extra file
		want    string // expected "file:line: ..." prefix and message fragment
		message string
	}{
		{name: "DuplicateID", old: "  - id: b", new: "  - id: a", want: "t.yaml:21:", message: `duplicate id "a"`},
		{name: "UnknownRelated", old: "related: [b]", new: "related: [zz]", want: "t.yaml:6:", message: `related id "zz" does not exist`},
		{name: "MissingNorwegian", old: "      nb:\n        title: B", new: "      en:\n        status: draft\n        title: B", want: "t.yaml:21:", message: "no nb text"},
		{name: "PhoneWithoutSource", old: "        source: https://example.org/a\n", new: "", want: "t.yaml:12:", message: "phone number 116 006 has no source"},
		{name: "PhoneSourceNotListed", old: "        source: https://example.org/a\n", new: "        source: https://example.org/other\n", want: "t.yaml:12:", message: "not listed in sources"},
		{name: "MalformedDate", old: "reviewed: 2026-11-25\n    sources:\n      - url: https://example.org/b", new: "reviewed: 25.11.2026\n    sources:\n      - url: https://example.org/b", want: "t.yaml:22:", message: "is not a date"},
		{name: "UnknownLanguage", old: "      nb:\n        title: A", new: "      xx:\n        title: Q\n      nb:\n        title: A", want: "t.yaml:17:", message: `unknown language code "xx"`},
		{name: "BodyTooLong", old: "body: Tekst B.", new: "body: " + strings.Repeat("a", MaxBody+1), want: "t.yaml:29:", message: "Telegram allows 4096"},
		{name: "UnknownKey", old: "    related: [b]", new: "    relatd: [b]", want: "t.yaml:15:", message: `unknown key "relatd"`},
		{name: "YAMLSyntax", old: "  order: 1", new: "  order: [1", want: "t.yaml:", message: "YAML syntax"},
		{name: "BadSignals", file: "u.yaml", want: "u.yaml:5:", message: "must be a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := validTopic
			if tt.old != "" {
				if !strings.Contains(src, tt.old) {
					t.Fatalf("test case does not apply: %q not in file", tt.old)
				}
				src = strings.Replace(src, tt.old, tt.new, 1)
			}
			fsys := fstest.MapFS{"t.yaml": {Data: []byte(src)}}
			if tt.file != "" {
				fsys[tt.file] = &fstest.MapFile{Data: []byte("signals:\n  danger:\n    nb: [slår]\n    en:\n      status: x\n")}
			}
			_, report, err := Load(fsys)
			var invalid *InvalidError
			if !errors.As(err, &invalid) {
				t.Fatalf("Load() error = %v, want *InvalidError", err)
			}
			for _, p := range report.Errors() {
				if strings.HasPrefix(p.String(), tt.want) && strings.Contains(p.Message, tt.message) {
					return
				}
			}
			t.Errorf("no error %q …%q in:\n%s", tt.want, tt.message, invalid)
		})
	}
}

func TestLoadValid(t *testing.T) {
	cat, report, err := Load(fstest.MapFS{"t.yaml": {Data: []byte(validTopic)}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cat.Entry("a").Actions[0].Phone; got != "116 006" {
		t.Errorf("phone = %q", got)
	}
	if len(report.Errors()) != 0 {
		t.Errorf("errors in valid content: %v", report)
	}
}

func TestStaleTranslation(t *testing.T) {
	src := strings.Replace(validTopic, "        keywords: [alfa]\n",
		"        keywords: [alfa]\n      en:\n        status: draft\n        from: 000000000000\n        title: A\n        body: Text A.\n", 1)
	cat, report, err := Load(fstest.MapFS{"t.yaml": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	if !cat.Entry("a").Stale("en") {
		t.Error("translation from another nb text is not stale")
	}
	found := false
	for _, p := range report.Warnings() {
		found = found || strings.Contains(p.Message, "stale")
	}
	if !found {
		t.Errorf("no stale warning in %v", report)
	}
}

func TestEveryEntryHasSourcesForItsPhones(t *testing.T) {
	cat, _, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cat.Entries {
		for _, a := range e.Actions {
			if a.Phone != "" && a.Source == "" {
				t.Errorf("%s: phone %s has no source", e.ID, a.Phone)
			}
		}
	}
}

// TestEmbeddedLearningFiles: the embedded catalog, whose examples and
// concepts files are read only when its matcher is first needed, learns
// from exactly what a full Load reads and checks.
func TestEmbeddedLearningFiles(t *testing.T) {
	full, report, err := Load(Embedded())
	if err != nil {
		t.Fatalf("embedded catalog: %v\n%v", err, report.Errors())
	}
	lazy, _, err := load(Embedded(), loadFixed)
	if err != nil {
		t.Fatal(err)
	}
	if len(lazy.examples.Entries) != 0 {
		t.Fatal("examples read at load, not later")
	}
	lazy.laterOnce.Do(lazy.readLater)
	if !reflect.DeepEqual(full.corpus(), lazy.corpus()) {
		t.Error("the lazily read examples and concepts differ from a full load's")
	}
	lazy.Warm()
	if len(lazy.examples.Entries) != 0 || lazy.concepts != nil {
		t.Error("the catalog keeps the examples and concepts after its matcher learned them")
	}
	if !reflect.DeepEqual(full.corpus(), lazy.Corpus()) {
		t.Error("the examples and concepts read again differ from a full load's")
	}
	for name, data := range lazy.files {
		if data != nil {
			t.Errorf("the embedded catalog holds a copy of %s", name)
		}
	}
	if !reflect.DeepEqual(full.Files(), lazy.Files()) {
		t.Error("the embedded catalog's files, read again, differ from a full load's")
	}
}
