// Package devset reads the development question set in
// content/testdata/questions: one <lang>.tsv file per language with
// "<expected-entry-id>TAB<question>" lines. The accuracy test, the
// benchmarks and the load driver all ask the same questions.
package devset

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Question is one line of the set.
type Question struct {
	Lang string // from the file name
	Want string // the entry that should answer it
	Text string
}

// Read returns every question of the .tsv files in dir, file by file in
// name order; a malformed line is an error with its file and line.
func Read(dir string) ([]Question, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("devset: no .tsv files in %s (run from the repository root or give the directory)", dir)
	}
	var out []Question
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".tsv")
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("devset: %w", err)
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			want, text, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				fh.Close()
				return nil, fmt.Errorf("%s:%d: want <entry-id>TAB<question>", f, n)
			}
			out = append(out, Question{Lang: lang, Want: want, Text: text})
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("devset: %s: %w", f, err)
		}
	}
	return out, nil
}

// ByLang groups the question texts by language.
func ByLang(qs []Question) map[string][]string {
	out := map[string][]string{}
	for _, q := range qs {
		out[q.Lang] = append(out[q.Lang], q.Text)
	}
	return out
}
