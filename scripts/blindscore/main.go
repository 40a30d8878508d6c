// Command blindscore scores a blind question set against a built veiviser
// binary, exactly as `veiviser ask --json --lang L -` answers, and prints
// Markdown tables per language and per kind. It reads two files from the
// set's directory:
//
//	questions.tsv  lang<TAB>kind<TAB>expected-id<TAB>message   (expected "none": should decline)
//	danger.tsv     lang<TAB>kind<TAB>message                   (kind acute, past or everyday)
//
// It prints totals only, never the rows it missed, so scoring a set you
// report does not show you what to tune on.
//
// Given several directories it scores them pooled, as one set: a
// language has 22 questions and 10 acute messages in one set, so one
// message moves its figure by 0.05 or 0.10, and only several sets
// together say whether a language is really below its target.
//
//	go build -o /tmp/veiviser ./cmd/veiviser
//	go run ./scripts/blindscore -bin /tmp/veiviser DIR [DIR...]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

type row struct {
	lang, kind, want, text string
}

type answer struct {
	Lang      string `json:"lang"`
	Emergency bool   `json:"emergency"`
	Results   []struct {
		ID string `json:"id"`
	} `json:"results"`
}

func main() {
	bin := flag.String("bin", "veiviser", "veiviser binary to score")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: blindscore -bin BINARY DIR [DIR...]")
		os.Exit(2)
	}
	var qs, ds []row
	for _, dir := range flag.Args() {
		q, err := read(filepath.Join(dir, "questions.tsv"), 4)
		if err != nil {
			fail(err)
		}
		d, err := read(filepath.Join(dir, "danger.tsv"), 3)
		if err != nil {
			fail(err)
		}
		qs, ds = append(qs, q...), append(ds, d...)
	}
	qa, err := ask(*bin, qs)
	if err != nil {
		fail(err)
	}
	da, err := ask(*bin, ds)
	if err != nil {
		fail(err)
	}
	printQuestions(qs, qa)
	printDanger(ds, da)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "blindscore:", err)
	os.Exit(1)
}

func read(path string, fields int) ([]row, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []row
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "\t", fields)
		if len(f) != fields {
			return nil, fmt.Errorf("%s:%d: want %d tab-separated fields", path, i+1, fields)
		}
		r := row{lang: strings.TrimSpace(f[0]), kind: strings.TrimSpace(f[1])}
		if fields == 4 {
			r.want, r.text = strings.TrimSpace(f[2]), f[3]
		} else {
			r.text = f[2]
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// ask runs the binary once per language with every question on stdin.
func ask(bin string, rows []row) ([]answer, error) {
	out := make([]answer, len(rows))
	byLang := map[string][]int{}
	for i, r := range rows {
		byLang[r.lang] = append(byLang[r.lang], i)
	}
	for lang, idx := range byLang {
		var in bytes.Buffer
		for _, i := range idx {
			in.WriteString(strings.ReplaceAll(rows[i].text, "\n", " ") + "\n")
		}
		cmd := exec.Command(bin, "ask", "--json", "--lang", lang, "-")
		cmd.Stdin = &in
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("ask --lang %s: %w", lang, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			if n == len(idx) {
				return nil, fmt.Errorf("ask --lang %s: more answers than questions", lang)
			}
			if err := json.Unmarshal(sc.Bytes(), &out[idx[n]]); err != nil {
				return nil, fmt.Errorf("ask --lang %s: %w", lang, err)
			}
			n++
		}
		if n != len(idx) {
			return nil, fmt.Errorf("ask --lang %s: %d answers for %d questions", lang, n, len(idx))
		}
	}
	return out, nil
}

type tally struct{ n, top1, top3 int }

func (t tally) cell(k int) string {
	if t.n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(k)/float64(t.n))
}

func rank(a answer, want string) (top1, top3 bool) {
	if want == "none" {
		ok := len(a.Results) == 0 && !a.Emergency
		return ok, ok
	}
	for i, r := range a.Results {
		if r.ID == want {
			return i == 0, i < 3
		}
	}
	return false, false
}

func printQuestions(rows []row, ans []answer) {
	byLang, byKind := map[string]*tally{}, map[string]*tally{}
	var all, inScope tally
	behindCard := 0 // top-1 misses where danger put the card first and her answer second
	for i, r := range rows {
		t1, t3 := rank(ans[i], r.want)
		if a := ans[i]; !t1 && len(a.Results) > 1 && a.Results[0].ID == "emergency-numbers" && a.Results[1].ID == r.want {
			behindCard++
		}
		for _, t := range []*tally{get(byLang, r.lang), get(byKind, r.kind), &all} {
			add(t, t1, t3)
		}
		if r.want != "none" {
			add(&inScope, t1, t3)
		}
	}
	fmt.Printf("### Questions (%d)\n\n| language | n | top-1 | top-3 |\n|---|---:|---:|---:|\n", all.n)
	for _, k := range keys(byLang) {
		t := byLang[k]
		fmt.Printf("| %s | %d | %s | %s |\n", k, t.n, t.cell(t.top1), t.cell(t.top3))
	}
	fmt.Printf("| **all** | %d | **%s** | **%s** |\n", all.n, all.cell(all.top1), all.cell(all.top3))
	fmt.Printf("| in scope | %d | %s | %s |\n\n", inScope.n, inScope.cell(inScope.top1), inScope.cell(inScope.top3))
	fmt.Printf("| kind | n | top-1 | top-3 |\n|---|---:|---:|---:|\n")
	for _, k := range keys(byKind) {
		t := byKind[k]
		fmt.Printf("| %s | %d | %s | %s |\n", k, t.n, t.cell(t.top1), t.cell(t.top3))
	}
	fmt.Println("\n(`outofscope` rows count as right when nothing is offered.)")
	fmt.Printf("\nOf the top-1 misses, %d are questions flagged as danger whose answer came second, after the emergency card that danger puts first.\n", behindCard)
	fmt.Println()
}

func printDanger(rows []row, ans []answer) {
	kinds := []string{}
	flagged := map[string]map[string]*tally{} // lang → kind
	total := map[string]*tally{}
	for i, r := range rows {
		if !slices.Contains(kinds, r.kind) {
			kinds = append(kinds, r.kind)
		}
		if flagged[r.lang] == nil {
			flagged[r.lang] = map[string]*tally{}
		}
		f := ans[i].Emergency
		add(get(flagged[r.lang], r.kind), f, f)
		add(get(total, r.kind), f, f)
	}
	slices.Sort(kinds)
	fmt.Printf("### Danger (%d), share flagged as emergency\n\n| language |", len(rows))
	for _, k := range kinds {
		fmt.Printf(" %s |", k)
	}
	fmt.Print("\n|---|")
	for range kinds {
		fmt.Print("---:|")
	}
	fmt.Println()
	for _, lang := range keys(flagged) {
		fmt.Printf("| %s |", lang)
		for _, k := range kinds {
			t := get(flagged[lang], k)
			fmt.Printf(" %s |", t.cell(t.top1))
		}
		fmt.Println()
	}
	fmt.Print("| **all** |")
	for _, k := range kinds {
		t := get(total, k)
		fmt.Printf(" **%s** (n=%d) |", t.cell(t.top1), t.n)
	}
	fmt.Println()
}

func get(m map[string]*tally, k string) *tally {
	if m[k] == nil {
		m[k] = &tally{}
	}
	return m[k]
}

func add(t *tally, top1, top3 bool) {
	t.n++
	if top1 {
		t.top1++
	}
	if top3 {
		t.top3++
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	order := []string{"nb", "en", "ar", "so", "ti", "fa", "uk", "ur", "pl", "th"}
	slices.SortFunc(ks, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia >= 0 && ib >= 0 {
			return ia - ib
		}
		if ia != ib {
			return ib - ia
		}
		return strings.Compare(a, b)
	})
	return ks
}
