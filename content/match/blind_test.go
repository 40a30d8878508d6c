package match_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/match"
)

// blindFloors are what the frozen blind sets must keep scoring, a little
// under what they scored when they were reported (docs/accuracy.md), so a
// change that makes understanding worse fails here.
var blindFloors = struct {
	top3, top3Lang, acute, acuteLang, everyday float64
}{top3: 0.88, top3Lang: 0.75, acute: 0.88, acuteLang: 0.7, everyday: 0.3}

// TestBlindSetFloors asks the frozen blind sets (content/testdata/blind)
// exactly as `veiviser ask --lang L` does and holds them to blindFloors,
// overall and per language.
func TestBlindSetFloors(t *testing.T) {
	cat := mustLoad(t)
	dirs, err := filepath.Glob("../testdata/blind/*")
	if err != nil {
		t.Fatal(err)
	}
	dirs = slices.DeleteFunc(dirs, func(d string) bool { fi, err := os.Stat(d); return err != nil || !fi.IsDir() })
	if len(dirs) == 0 {
		t.Fatal("no blind sets in ../testdata/blind")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel() // the matcher is safe for concurrent use; the sets are many
			type tally struct{ n, ok int }
			rate := func(x tally) float64 { return float64(x.ok) / float64(max(1, x.n)) }
			top3, acute := map[string]*tally{"": {}}, map[string]*tally{"": {}}
			everyday := tally{}
			get := func(m map[string]*tally, lang string) *tally {
				if m[lang] == nil {
					m[lang] = &tally{}
				}
				return m[lang]
			}
			for _, f := range readTSV(t, filepath.Join(dir, "questions.tsv"), 4) {
				lang, want, q := f[0], f[2], f[3]
				_, ok := blindRank(cat.Search(q, lang), want)
				for _, l := range []string{"", lang} {
					x := get(top3, l)
					x.n++
					if ok {
						x.ok++
					}
				}
			}
			for _, f := range readTSV(t, filepath.Join(dir, "danger.tsv"), 3) {
				lang, kind, q := f[0], f[1], f[2]
				flagged := cat.Search(q, lang).Emergency
				switch kind {
				case "acute":
					for _, l := range []string{"", lang} {
						x := get(acute, l)
						x.n++
						if flagged {
							x.ok++
						}
					}
				case "everyday":
					everyday.n++
					if flagged {
						everyday.ok++
					}
				}
			}
			var report strings.Builder
			fmt.Fprintf(&report, "top-3 %.2f, acute flagged %.2f, everyday flagged %.2f;", rate(*top3[""]), rate(*acute[""]), rate(everyday))
			for _, lang := range content.Languages() {
				fmt.Fprintf(&report, " %s %.2f/%.2f", lang, rate(*get(top3, lang)), rate(*get(acute, lang)))
			}
			t.Log(report.String())
			if r := rate(*top3[""]); r < blindFloors.top3 {
				t.Errorf("top-3 %.2f, floor %.2f", r, blindFloors.top3)
			}
			if r := rate(*acute[""]); r < blindFloors.acute {
				t.Errorf("acute danger flagged %.2f, floor %.2f", r, blindFloors.acute)
			}
			if r := rate(everyday); r > blindFloors.everyday {
				t.Errorf("everyday sentences flagged %.2f, at most %.2f", r, blindFloors.everyday)
			}
			for _, lang := range content.Languages() {
				if r := rate(*get(top3, lang)); r < blindFloors.top3Lang {
					t.Errorf("%s: top-3 %.2f, floor %.2f", lang, r, blindFloors.top3Lang)
				}
				if r := rate(*get(acute, lang)); r < blindFloors.acuteLang {
					t.Errorf("%s: acute danger flagged %.2f, floor %.2f", lang, r, blindFloors.acuteLang)
				}
			}
		})
	}
}

// blindRank is whether a blind set's question was answered first and in
// the first three, as the blind scorer counts: "none" is right when
// nothing is offered and no emergency is flagged.
func blindRank(a match.Answer, want string) (top1, top3 bool) {
	if want == "none" {
		ok := len(a.Results) == 0 && !a.Emergency
		return ok, ok
	}
	return rankOf(a, want)
}

func readTSV(t *testing.T, path string, fields int) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.SplitN(line, "\t", fields)
		if len(parts) != fields {
			t.Fatalf("%s:%d: want %d tab-separated fields", path, n, fields)
		}
		for i := range parts[:fields-1] {
			parts[i] = strings.TrimSpace(parts[i])
		}
		out = append(out, parts)
	}
	return out
}
