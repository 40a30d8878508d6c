package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs veiviser with args and returns its exit code and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, nil)
	return code, stdout.String(), stderr.String()
}

// copyContent copies content/catalog into a new directory.
func copyContent(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, err := filepath.Glob("../../content/catalog/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no catalog: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestContentExportImport(t *testing.T) {
	dir := copyContent(t)
	sheet := filepath.Join(t.TempDir(), "so.csv")
	if code, out, errOut := runCmd(t, "content", "export", "--lang", "so", "--content", dir, "-o", sheet); code != 0 || !strings.Contains(out, "wrote "+sheet) {
		t.Fatalf("export: code %d, %s%s", code, out, errOut)
	}
	data, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, r := range recs[1:] {
		if r[1] == "body" {
			id, r[3], r[4] = r[0], "Qoraal cusub oo tijaabo ah.", "draft"
			break
		}
	}
	var buf bytes.Buffer
	if err := csv.NewWriter(&buf).WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sheet, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runCmd(t, "content", "import", "--lang", "so", "--dir", dir, sheet)
	if code != 0 || !strings.Contains(out, "updated (1): "+id) {
		t.Fatalf("import: code %d, %s%s", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "content", "check", dir); code != 0 || !strings.Contains(out, "ok:") {
		t.Fatalf("check after import: code %d\n%s", code, out)
	}

	// A sheet made from an older Norwegian text is refused, with its row.
	stale := bytes.ReplaceAll(buf.Bytes(), []byte(recs[1][5]), []byte("0123456789ab"))
	if err := os.WriteFile(sheet, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCmd(t, "content", "import", sheet, "--lang", "so", "--dir", dir)
	if code != 1 || !strings.Contains(out, "refused: row 2: "+recs[1][0]+": the Norwegian text changed") || !strings.Contains(errOut, "problem(s)") {
		t.Errorf("stale import: code %d\n%s%s", code, out, errOut)
	}
}

func TestContentExportEmbeddedToStdout(t *testing.T) {
	code, out, errOut := runCmd(t, "content", "export", "--lang", "ar", "--stale")
	if code != 0 || !strings.HasPrefix(out, "\ufeffid,field,norwegian,current,status,source_hash\r\n") {
		t.Fatalf("code %d, %q %s", code, out[:min(len(out), 100)], errOut)
	}
}

func TestContentTranslateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"content", "export"},
		{"content", "export", "--lang", "nb"},
		{"content", "import", "--lang", "so"},
		{"content", "import", "--lang", "so", "missing.csv"},
		{"content", "import", "a.csv", "b.csv", "--lang", "so"},
	} {
		if code, _, errOut := runCmd(t, args...); code != 1 || errOut == "" {
			t.Errorf("%v: code %d, stderr %q", args, code, errOut)
		}
	}
}
