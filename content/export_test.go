package content

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// translateFixture is a small topic file for translation tests: entry a
// has en and ti but no so, entry b has a stale so. hashA stands for the
// hash of a's nb text, filled in by writeFixture.
const translateFixture = `topic:
  id: t
  order: 1
  title: {nb: Tema, en: Topic}

entries:
  # first entry
  - id: a
    reviewed: 2026-11-25
    sources:
      - url: https://example.org/a
        checked: 2026-11-25
    actions:
      - phone: "116 006"
        source: https://example.org/a
        label: Linje
    text:
      nb:
        title: A
        body: |
          Tekst A.

          Ring 116 006.
        keywords: [alfa, linje]
      en:
        status: reviewed
        from: hashA
        title: A in English
        body: Text A.
      # Tigrinya is next
      ti:
        status: draft
        from: hashA
        title: ቲ
        body: ጽሑፍ
  - id: b
    reviewed: 2026-11-25
    sources:
      - url: https://example.org/b
        checked: 2026-11-25
    text:
      nb:
        title: B
        body: Tekst B.
      so:
        from: 000000000000
        status: reviewed
        title: B so
        body: |
          Qoraal B.
        keywords: [bee]
  # trailing comment
`

var hashA = TextHash("A", "Tekst A.\n\nRing 116 006.")

// writeFixture writes translateFixture into a new directory.
func writeFixture(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	data := strings.ReplaceAll(translateFixture, "hashA", hashA)
	if err := os.WriteFile(filepath.Join(dir, "01-t.yaml"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyCatalog copies the embedded catalog into a new directory.
func copyCatalog(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	names, err := fs.Glob(Embedded(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(Embedded(), name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadDir(t testing.TB, dir string) *Catalog {
	t.Helper()
	cat, _, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return cat
}

func export(t testing.TB, cat *Catalog, lang string, staleOnly bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(cat, lang, staleOnly, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseSheet reads an exported sheet back into records.
func parseSheet(t testing.TB, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExportEmbedded(t *testing.T) {
	cat, _, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	data := export(t, cat, "so", false)
	if !bytes.HasPrefix(data, []byte(utf8BOM+"id,field,norwegian,current,status,source_hash\r\n")) {
		t.Fatalf("sheet does not start with a BOM and the header: %q", data[:min(80, len(data))])
	}
	recs := parseSheet(t, data)
	rows := 0
	for _, e := range cat.Entries {
		rows += 4 + len(e.Actions)
	}
	if len(recs)-1 != rows {
		t.Errorf("%d rows, want %d (title, body, keywords, button and one per action label)", len(recs)-1, rows)
	}
	first := cat.Entry(cat.Topics[0].Entries[0])
	if recs[1][0] != first.ID || recs[1][1] != FieldTitle {
		t.Errorf("first row is %v, want the title of %s (menu order)", recs[1][:2], first.ID)
	}
	for _, r := range recs[1:] {
		e := cat.Entry(r[0])
		if e == nil {
			t.Fatalf("row for unknown entry %q", r[0])
		}
		if r[5] != e.SourceHash() {
			t.Errorf("%s %s: source_hash %s, want %s", r[0], r[1], r[5], e.SourceHash())
		}
		if r[4] != exportStatus(e, "so") {
			t.Errorf("%s: status %s", r[0], r[4])
		}
		if r[1] == FieldKeywords && r[3] != strings.Join(e.Text["so"].Keywords, "; ") {
			t.Errorf("%s: keywords %q", r[0], r[3])
		}
		if r[1] == FieldBody && (r[2] != e.Text["nb"].Body || r[3] != e.Text["so"].Body) {
			t.Errorf("%s: body cells differ from the catalog", r[0])
		}
	}
}

func TestExportStaleOnly(t *testing.T) {
	cat := loadDir(t, writeFixture(t))
	recs := parseSheet(t, export(t, cat, "so", true))
	want := [][]string{
		{"a", "title", "A", "", StatusMissing, hashA},
		{"a", "body", "Tekst A.\n\nRing 116 006.", "", StatusMissing, hashA},
		{"a", "keywords", "alfa; linje", "", StatusMissing, hashA},
		{"a", "button", "", "", StatusMissing, hashA},
		{"a", "label:116 006", "Linje", "", StatusMissing, hashA},
		{"b", "title", "B", "B so", StatusStale, TextHash("B", "Tekst B.")},
		{"b", "body", "Tekst B.", "Qoraal B.", StatusStale, TextHash("B", "Tekst B.")},
		{"b", "keywords", "", "bee", StatusStale, TextHash("B", "Tekst B.")},
		{"b", "button", "", "", StatusStale, TextHash("B", "Tekst B.")},
	}
	if len(recs)-1 != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(recs)-1, len(want), recs)
	}
	for i, w := range want {
		if strings.Join(recs[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("row %d = %q, want %q", i+2, recs[i+1], w)
		}
	}
	// ti is fresh: nothing to do.
	if recs := parseSheet(t, export(t, cat, "ti", true)); len(recs) != 1+4 || recs[1][0] != "b" {
		t.Errorf("ti stale-only export = %q, want only b (missing)", recs)
	}
}

func TestExportRefusesSourceLanguage(t *testing.T) {
	cat := loadDir(t, writeFixture(t))
	for _, lang := range []string{"nb", "xx", ""} {
		if err := Export(cat, lang, false, &bytes.Buffer{}); err == nil {
			t.Errorf("Export(%q) succeeded", lang)
		}
	}
}
