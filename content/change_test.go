package content

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	return b.Bytes()
}

func embeddedFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	names, _ := fs.Glob(Embedded(), "*.yaml")
	for _, n := range names {
		out[n], _ = fs.ReadFile(Embedded(), n)
	}
	return out
}

func TestStageZip(t *testing.T) {
	cur := mustLoad(t)
	files := embeddedFiles(t)
	// Path traversal in names is reduced to the base name: nothing is
	// written to disk, and "../../01-help-now.yaml" is just 01-help-now.yaml.
	moved := map[string][]byte{}
	for n, d := range files {
		moved["catalog/../../"+n] = d
	}
	moved["README.md"] = []byte("not content")
	staged, _, err := Stage(cur, "catalog.zip", zipOf(t, moved))
	if err != nil {
		t.Fatalf("a zip of the catalog: %v", err)
	}
	if d := Compare(cur, staged); d.Summary() != "no changes" {
		t.Errorf("the same catalog zipped differs: %s", d.Summary())
	}

	// A zip bomb: one entry that inflates far beyond the limit.
	bomb := zipOf(t, map[string][]byte{"01-help-now.yaml": bytes.Repeat([]byte("a"), maxZipFileSize+10)})
	if _, _, err := Stage(cur, "bomb.zip", bomb); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("zip bomb not refused: %v", err)
	}
	if _, _, err := Stage(cur, "x.zip", []byte("PK not really")); err == nil {
		t.Error("a broken zip was accepted")
	}
	if _, _, err := Stage(cur, "x.exe", []byte("MZ")); err == nil {
		t.Error("an .exe was accepted")
	}
}

func TestStageOneFileReportsChanges(t *testing.T) {
	cur := mustLoad(t)
	src := string(embeddedFiles(t)["05-services.yaml"])
	changed := strings.Replace(src, "title: Gratis juridisk hjelp", "title: Gratis juridisk hjelp nå", 1)
	staged, _, err := Stage(cur, "05-services.yaml", []byte(changed))
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(cur, staged)
	if len(d.Changed) != 1 || d.Changed[0] != "legal-aid" || len(d.Stale) != 9 {
		t.Errorf("diff = %+v; want legal-aid changed and its 9 translations newly stale", d)
	}
}

// FuzzStage feeds arbitrary bytes as an uploaded zip or topic file.
func FuzzStage(f *testing.F) {
	cur := mustLoad(f)
	f.Add("a.zip", zipOf(f, map[string][]byte{"01-x.yaml": []byte(validTopic)}))
	f.Add("a.yaml", []byte(validTopic))
	f.Add("a.zip", []byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		staged, report, err := Stage(cur, name, data)
		if err == nil && staged == nil {
			t.Fatal("no catalog and no error")
		}
		if err == nil && len(report.Errors()) > 0 {
			t.Fatal("errors in the report but no error returned")
		}
	})
}

// TestHostileUploadStopsEarly: a large YAML of the wrong shape reports a
// hundred errors and stops, and a file over the size limit is refused
// before it is parsed.
func TestHostileUploadStopsEarly(t *testing.T) {
	cur := mustLoad(t)
	var b strings.Builder
	b.WriteString("topic:\n  id: x\n  title: {nb: X}\nentries:\n")
	for i := 0; b.Len() < maxFileSize-200; i++ {
		fmt.Fprintf(&b, "  - id: BAD_%d\n    what: %d\n", i, i)
	}
	_, report, err := Stage(cur, "07-bad.yaml", []byte(b.String()))
	if err == nil {
		t.Fatal("a file of wrong entries was accepted")
	}
	if len(report) > maxReport+1 || !strings.Contains(report[len(report)-1].Message, "stopped after") {
		t.Errorf("%d problems reported, the last %q; want at most %d and a line that says it stopped", len(report), report[len(report)-1], maxReport)
	}
	big := append([]byte("topic:\n"), bytes.Repeat([]byte("#"), maxFileSize)...)
	if _, report, err := Stage(cur, "07-big.yaml", big); err == nil || len(report.Errors()) != 1 {
		t.Errorf("a file over %d bytes: %v, %v; want one error", maxFileSize, err, report)
	}
}
