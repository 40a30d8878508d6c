package content

import (
	"bytes"
	"encoding/csv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sheet is an exported spreadsheet being filled in, as a translator would.
type sheet [][]string

func (s sheet) col(name string) int { return slices.Index(s[0], name) }

// set changes a cell of the row of id and field.
func (s sheet) set(t testing.TB, id, field, col, value string) {
	t.Helper()
	for _, r := range s[1:] {
		if r[0] == id && r[1] == field {
			r[s.col(col)] = value
			return
		}
	}
	t.Fatalf("no row %s %s", id, field)
}

// setAll changes a column in every row of id.
func (s sheet) setAll(id, col, value string) {
	for _, r := range s[1:] {
		if r[0] == id {
			r[s.col(col)] = value
		}
	}
}

func (s sheet) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func snapshot(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files, err := readYAMLFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func mustImport(t *testing.T, dir, lang string, data []byte) ImportReport {
	t.Helper()
	rep, err := Import(dir, lang, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

func TestImportRoundTrip(t *testing.T) {
	dir := copyCatalog(t)
	before := snapshot(t, dir)
	cat := loadDir(t, dir)
	s := sheet(parseSheet(t, export(t, cat, "so", false)))
	body := "Go'aan kasta waa la racfaan karaa.\n\n  • Qoraal cusub: \"UDI\" #1\n\nDhammaad."
	s.set(t, "appeal-decision", "body", ColCurrent, body+"  \n")
	s.setAll("appeal-decision", ColStatus, "Reviewed")

	rep := mustImport(t, dir, "so", s.bytes(t))
	if !slices.Equal(rep.Updated, []string{"appeal-decision"}) || len(rep.Added)+len(rep.Refused) != 0 {
		t.Fatalf("report = %+v, want only appeal-decision updated", rep)
	}
	e := loadDir(t, dir).Entry("appeal-decision")
	so := e.Text["so"]
	if so.Body != body || so.Status != StatusReviewed || so.From != e.SourceHash() {
		t.Errorf("so text after import: body %q, status %s, from %s (want %s)", so.Body, so.Status, so.From, e.SourceHash())
	}
	old := cat.Entry("appeal-decision").Text["so"]
	if so.Title != old.Title || !slices.Equal(so.Keywords, old.Keywords) || !maps.Equal(so.Labels, old.Labels) {
		t.Errorf("fields not in the change were changed: %+v", so)
	}

	// Only the so block of that entry changed, in only its file.
	after := snapshot(t, dir)
	for name := range before {
		if name != e.File && !bytes.Equal(before[name], after[name]) {
			t.Errorf("%s changed", name)
		}
	}
	oldLines, newLines := strings.Split(string(before[e.File]), "\n"), strings.Split(string(after[e.File]), "\n")
	pre := 0
	for pre < len(oldLines) && pre < len(newLines) && oldLines[pre] == newLines[pre] {
		pre++
	}
	suf := 0
	for suf < len(oldLines)-pre && suf < len(newLines)-pre && oldLines[len(oldLines)-1-suf] == newLines[len(newLines)-1-suf] {
		suf++
	}
	changed := strings.Join(oldLines[pre:len(oldLines)-suf], "\n")
	if strings.Contains(changed, "  ti:") || strings.Contains(changed, "  id:") || !strings.Contains(changed, "status: draft") {
		t.Errorf("change reaches outside the so block:\n%s", changed)
	}

	// The same sheet again changes nothing.
	rep = mustImport(t, dir, "so", s.bytes(t))
	if len(rep.Updated)+len(rep.Added) != 0 || len(rep.Unchanged) != len(cat.Entries) {
		t.Errorf("second import: %+v", rep)
	}
	if again := snapshot(t, dir); !maps.EqualFunc(after, again, bytes.Equal) {
		t.Error("second import of the same sheet changed files")
	}
}

func TestImportInsertsAndReplaces(t *testing.T) {
	dir := writeFixture(t)
	s := sheet(parseSheet(t, export(t, loadDir(t, dir), "so", false)))
	s.set(t, "a", "title", ColCurrent, "A so")
	s.set(t, "a", "body", ColCurrent, "Qoraal A.\r\n\r\nWac 116 006.")
	s.set(t, "a", "keywords", ColCurrent, "alif; \"khad\"؛ 116 006;")
	s.set(t, "a", "label:116 006", ColCurrent, "Khadka")
	s.set(t, "b", "title", ColCurrent, "B cusub")
	s.setAll("b", ColStatus, "stale") // left as exported: becomes draft

	rep := mustImport(t, dir, "so", s.bytes(t))
	if !slices.Equal(rep.Added, []string{"a"}) || !slices.Equal(rep.Updated, []string{"b"}) {
		t.Fatalf("report = %+v", rep)
	}
	got, err := os.ReadFile(filepath.Join(dir, "01-t.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	hashB := TextHash("B", "Tekst B.")
	want := strings.ReplaceAll(translateFixture, "hashA", hashA)
	want = strings.Replace(want, "        body: Text A.\n", `        body: Text A.
      so:
        status: draft
        from: `+hashA+`
        title: "A so"
        body: |
          Qoraal A.

          Wac 116 006.
        keywords: ["alif", "\"khad\"", "116 006"]
        labels:
          "116 006": "Khadka"
`, 1)
	want = strings.Replace(want, `        from: 000000000000
        status: reviewed
        title: B so
        body: |
          Qoraal B.
        keywords: [bee]
`, `        from: `+hashB+`
        status: draft
        title: "B cusub"
        body: |
          Qoraal B.
        keywords: ["bee"]
`, 1)
	if string(got) != want {
		t.Errorf("file after import:\n%s\nwant:\n%s", got, want)
	}
}

func TestImportRefusesStaleSource(t *testing.T) {
	dir := writeFixture(t)
	s := sheet(parseSheet(t, export(t, loadDir(t, dir), "en", false)))
	s.set(t, "a", "body", ColCurrent, "Text A, improved.")
	// Meanwhile staff change the Norwegian text.
	name := filepath.Join(dir, "01-t.yaml")
	data, _ := os.ReadFile(name)
	if err := os.WriteFile(name, bytes.Replace(data, []byte("Ring 116 006."), []byte("Ring 116 006 nå."), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	rep := mustImport(t, dir, "en", s.bytes(t))
	if len(rep.Refused) != 1 || !strings.HasPrefix(rep.Refused[0].String(), "row 2: a: the Norwegian text changed") {
		t.Fatalf("refused = %v", rep.Refused)
	}
	if !maps.EqualFunc(before, snapshot(t, dir), bytes.Equal) {
		t.Error("files changed")
	}
}

func TestImportRefusals(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(s sheet)
		reason string
	}{
		{"UnknownID", func(s sheet) { s.setAll("a", ColID, "zz") }, `row 2: unknown id "zz"`},
		{"UnknownField", func(s sheet) { s[3][1] = "summary" }, `row 4: a: unknown field "summary"`},
		{"EmptyTitle", func(s sheet) { s[1][3] = " " }, "row 2: a: the so title is empty"},
		{"EmptyBody", func(s sheet) { s[2][3] = "" }, "row 3: a: the so body is empty"},
		{"WrongLangColumn", func(s sheet) {
			s[0] = append(s[0], "lang")
			for i := 1; i < len(s); i++ {
				s[i] = append(s[i], "so")
			}
			s[1][6] = "ar"
		}, `row 2: a: this row is in language "ar"`},
		{"StaleHash", func(s sheet) { s[2][5] = "0123456789ab" }, "row 3: a: the Norwegian text changed"},
		{"NumberHash", func(s sheet) { s[2][5] = "1.23457E+11" }, `row 3: a: source_hash "1.23457e+11" is not one Veiviser wrote`},
		{"BadStatus", func(s sheet) { s[1][4] = "done" }, `row 2: a: status "done" must be reviewed or draft`},
		{"TwoLineTitle", func(s sheet) { s[1][3] = "A\nso" }, "row 2: a: the title must be one line"},
		{"UnknownLabel", func(s sheet) { s[4][1] = "label:999" }, `row 5: a: there is no action "999"`},
		{"DuplicateField", func(s sheet) { s[3][1] = "title" }, "row 4: a: field title appears twice (also on row 2)"},
		{"ControlCharacter", func(s sheet) { s[2][3] = "Qoraal\x07" }, "row 3: a: the text contains an invisible control character (U+0007)"},
		{"TooLong", func(s sheet) { s[2][3] = strings.Repeat("a", MaxBody+1) }, "row 3: a: the body is 4097 characters"},
		{"EmptyKeyword", func(s sheet) { s[3][3] = "alif; !!!" }, `row 4: a: keyword "!!!" has no letters or digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFixture(t)
			before := snapshot(t, dir)
			s := sheet(parseSheet(t, export(t, loadDir(t, dir), "so", false)))
			s.set(t, "a", "title", ColCurrent, "A so")
			s.set(t, "a", "body", ColCurrent, "Qoraal A.")
			s = s[:5] // entry a only
			tt.edit(s)
			rep := mustImport(t, dir, "so", s.bytes(t))
			if len(rep.Refused) != 1 || !strings.HasPrefix(rep.Refused[0].String(), tt.reason) {
				t.Errorf("refused = %q, want %q", rep.Refused, tt.reason)
			}
			if len(rep.Added)+len(rep.Updated) != 0 {
				t.Errorf("imported despite the problem: %+v", rep)
			}
			if !maps.EqualFunc(before, snapshot(t, dir), bytes.Equal) {
				t.Error("files changed")
			}
		})
	}
}

func TestImportSpreadsheetDialects(t *testing.T) {
	hashB := TextHash("B", "Tekst B.")
	tests := map[string]string{
		"BOMAndCRLF": "\ufeffid,field,norwegian,current,status,source_hash\r\n" +
			"b,title,B,B so,reviewed," + hashB + "\r\n" +
			"b,body,Tekst B.,\"Qoraal\r\ncusub.\",reviewed," + hashB + "\r\n",
		"SemicolonsReordered": "\ufeffSource_Hash;Status;Current;Field;ID\r\n" +
			hashB + ";reviewed;B so;title;b\r\n" +
			hashB + ";reviewed;\"Qoraal\r\ncusub.\";body;b\r\n\r\n;;;;\r\n",
		"TabsLoneCR": "id\tfield\tcurrent\tstatus\tsource_hash\r" +
			"b\ttitle\tB so\treviewed\t" + hashB + "\r" +
			"b\tbody\t\"Qoraal\rcusub.\"\treviewed\t" + hashB + "\r",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t)
			rep := mustImport(t, dir, "so", []byte(data))
			if !slices.Equal(rep.Updated, []string{"b"}) {
				t.Fatalf("report = %+v", rep)
			}
			so := loadDir(t, dir).Entry("b").Text["so"]
			if so.Body != "Qoraal\ncusub." || so.Status != StatusReviewed || so.From != hashB || !slices.Equal(so.Keywords, []string{"bee"}) {
				t.Errorf("so = %+v", so)
			}
		})
	}
}

func TestImportRefusesWholeFile(t *testing.T) {
	tests := map[string]struct {
		lang, data, err string
	}{
		"NotUTF8":      {"so", "id,field,current,source_hash\nb,title,B s\xf8,x\n", "not UTF-8"},
		"NoHeader":     {"so", "b,title,B so,x\n", "the first row must name the columns"},
		"BadQuotes":    {"so", "id,field,current,source_hash\nb,title,\"B so,x\n", "read sheet"},
		"SourceLang":   {"nb", "id,field,current,source_hash\n", "not a translation language"},
		"UnknownLang":  {"xx", "id,field,current,source_hash\n", "not a translation language"},
		"MissingDir":   {"so", "id,field,current,source_hash\n", "no such file"},
		"InvalidFiles": {"so", "id,field,current,source_hash\n", "has errors already"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t)
			switch name {
			case "MissingDir":
				dir = filepath.Join(dir, "nope")
			case "InvalidFiles":
				os.WriteFile(filepath.Join(dir, "02-bad.yaml"), []byte("topic: [\n"), 0o644)
			}
			_, err := Import(dir, tt.lang, strings.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

// A quoted keyword whose second line is no deeper than its language key
// is valid YAML, but line-by-line replacement cannot see where it ends:
// the edited file would not load, so nothing may be written.
func TestImportInvalidResultWritesNothing(t *testing.T) {
	dir := writeFixture(t)
	name := filepath.Join(dir, "01-t.yaml")
	data, _ := os.ReadFile(name)
	data = bytes.Replace(data, []byte("        keywords: [bee]\n"), []byte("        keywords: [\"bee\n      cee\"]\n"), 1)
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if so := loadDir(t, dir).Entry("b").Text["so"]; !slices.Equal(so.Keywords, []string{"bee cee"}) {
		t.Fatalf("fixture: so keywords %q", so.Keywords)
	}
	before := snapshot(t, dir)
	s := sheet(parseSheet(t, export(t, loadDir(t, dir), "so", false)))
	s.setAll("b", ColStatus, "reviewed")
	rep, err := Import(dir, "so", bytes.NewReader(s.bytes(t)))
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err = %v, report %+v", err, rep)
	}
	if len(rep.Updated) != 0 {
		t.Errorf("report claims updates: %+v", rep)
	}
	if !maps.EqualFunc(before, snapshot(t, dir), bytes.Equal) {
		t.Error("files changed")
	}
}

// Another program breaking a file while the import writes: the files are
// put back as they were before the import.
func TestImportRestoresAfterFailedReload(t *testing.T) {
	dir := writeFixture(t)
	before := snapshot(t, dir)
	s := sheet(parseSheet(t, export(t, loadDir(t, dir), "so", false)))
	s.setAll("b", ColStatus, "reviewed")
	breakFile := func(dir string) {
		os.WriteFile(filepath.Join(dir, "01-t.yaml"), []byte("topic: [\n"), 0o644)
	}
	_, err := importSheet(dir, "so", bytes.NewReader(s.bytes(t)), breakFile)
	if err == nil || !strings.Contains(err.Error(), "put back") {
		t.Fatalf("err = %v", err)
	}
	if !maps.EqualFunc(before, snapshot(t, dir), bytes.Equal) {
		t.Error("files not restored")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

// FuzzImport feeds arbitrary bytes as a spreadsheet: Import must never
// panic, never leave the directory invalid, and change files only for
// entries it reports as added or updated.
func FuzzImport(f *testing.F) {
	dir := writeFixture(f)
	s := sheet(parseSheet(f, export(f, loadDir(f, dir), "so", false)))
	f.Add(s.bytes(f))
	s.set(f, "a", "title", ColCurrent, "A so")
	s.set(f, "a", "body", ColCurrent, "Qoraal A.\n\n  • 116 006")
	s.set(f, "a", "label:116 006", ColCurrent, "Khadka")
	s.setAll("b", ColStatus, "reviewed")
	f.Add(s.bytes(f))
	f.Add(bytes.ReplaceAll(s.bytes(f), []byte(","), []byte(";")))
	s.set(f, "b", "body", ColCurrent, "x\u2028      labels: {a: b}\n\"y\": |")
	f.Add(s.bytes(f))
	f.Add([]byte("\ufeffid,field,current,source_hash\r\nb,title,\"\r\n\",000000000000\r\n"))
	f.Add([]byte("id,field,current,source_hash\nzz,body,x,\n,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := writeFixture(t)
		before := snapshot(t, dir)
		rep, err := Import(dir, "so", bytes.NewReader(data))
		cat, _, loadErr := Load(os.DirFS(dir))
		if loadErr != nil {
			t.Fatalf("directory invalid after import (err %v): %v", err, loadErr)
		}
		if err != nil || len(rep.Added)+len(rep.Updated) == 0 {
			if !maps.EqualFunc(before, snapshot(t, dir), bytes.Equal) {
				t.Fatalf("files changed without an import (err %v, report %+v)", err, rep)
			}
			return
		}
		for _, id := range slices.Concat(rep.Added, rep.Updated) {
			e := cat.Entry(id)
			if so := e.Text["so"]; so == nil || so.From != e.SourceHash() || so.Title == "" || so.Body == "" {
				t.Fatalf("%s: so text after import: %+v", id, so)
			}
		}
	})
}

// A sheet without a status column: unchanged entries keep their status,
// changed ones become drafts.
func TestImportWithoutStatusColumn(t *testing.T) {
	dir := writeFixture(t)
	s := sheet(parseSheet(t, export(t, loadDir(t, dir), "en", false)))
	col := s.col(ColStatus)
	for i := range s {
		s[i] = slices.Delete(s[i], col, col+1)
	}
	if rep := mustImport(t, dir, "en", s.bytes(t)); len(rep.Updated)+len(rep.Added) != 0 || !slices.Equal(rep.Unchanged, []string{"a"}) {
		t.Fatalf("untouched sheet: %+v", rep)
	}
	s.set(t, "a", "body", ColCurrent, "Text A, better.")
	if rep := mustImport(t, dir, "en", s.bytes(t)); !slices.Equal(rep.Updated, []string{"a"}) {
		t.Fatalf("changed sheet: %+v", rep)
	}
	if en := loadDir(t, dir).Entry("a").Text["en"]; en.Body != "Text A, better." || en.Status != StatusDraft {
		t.Errorf("en = %+v", en)
	}
}
