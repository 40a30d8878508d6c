package match_test

import (
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/devset"
	"github.com/veiviser/veiviser/content/match"
)

const folds = 5

func foldOf(ex match.Example) int {
	h := fnv.New32a()
	h.Write([]byte(ex.Lang + ex.Text))
	return int(h.Sum32() % folds)
}

// without returns a copy of c with the examples of fold f left out.
func without(c *match.Corpus, f int) *match.Corpus {
	keep := func(xs []match.Example) []match.Example {
		if os.Getenv("VEIVISER_TRAINFIT") != "" {
			return xs
		}
		return slices.DeleteFunc(slices.Clone(xs), func(x match.Example) bool { return foldOf(x) == f })
	}
	out := *c
	out.Entries = nil
	for _, e := range c.Entries {
		e.Examples = keep(e.Examples)
		out.Entries = append(out.Entries, e)
	}
	out.Acute, out.Calm, out.OutOfScope = keep(c.Acute), keep(c.Calm), keep(c.OutOfScope)
	out.SmallTalk = map[string][]match.Example{}
	for k, v := range c.SmallTalk {
		out.SmallTalk[k] = keep(v)
	}
	return &out
}

// onlyAsked reads VEIVISER_EVAL_ONLY, a file of "lang<TAB>text" lines
// (the examples as they were before some were added): only those are
// asked, while training uses every example, so figures before and after
// adding examples are on the same questions. Unset, every example is asked.
func onlyAsked(t *testing.T) func(match.Example) bool {
	path := os.Getenv("VEIVISER_EVAL_ONLY")
	if path == "" {
		return func(match.Example) bool { return true }
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		keep[line] = true
	}
	return func(ex match.Example) bool { return keep[ex.Lang+"\t"+ex.Text] }
}

// dumpAsked writes every example of c as a "lang<TAB>text" line: the
// list VEIVISER_EVAL_ONLY reads, taken before examples are added.
func dumpAsked(t *testing.T, c *match.Corpus, path string) {
	var b strings.Builder
	line := func(ex match.Example) { fmt.Fprintf(&b, "%s\t%s\n", ex.Lang, ex.Text) }
	for _, e := range c.Entries {
		for _, ex := range e.Examples {
			line(ex)
		}
	}
	for _, xs := range [][]match.Example{c.Acute, c.Calm, c.OutOfScope} {
		for _, ex := range xs {
			line(ex)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(c.SmallTalk)) {
		for _, ex := range c.SmallTalk[kind] {
			line(ex)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

type evalTally struct{ n, top1, top3 int }

func (t *evalTally) add(top1, top3 bool) {
	t.n++
	if top1 {
		t.top1++
	}
	if top3 {
		t.top3++
	}
}

func (t evalTally) rate(k int) float64 { return float64(k) / float64(max(1, t.n)) }
func (t evalTally) top1Rate() float64  { return t.rate(t.top1) }
func (t evalTally) top3Rate() float64  { return t.rate(t.top3) }

func (t evalTally) String() string {
	if t.n == 0 {
		return "     –      –"
	}
	return fmt.Sprintf("%5.2f  %5.2f", float64(t.top1)/float64(t.n), float64(t.top3)/float64(t.n))
}

// latinScript reports an example in Latin letters in a language written
// in another script: Arabizi, Finglish, Roman Urdu, Latin Tigrinya.
func latinScript(ex match.Example) bool {
	switch ex.Lang {
	case "ar", "fa", "ur", "ti", "uk", "th":
	default:
		return false
	}
	letters, latin := 0, 0
	for _, r := range ex.Text {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Latin, r) {
				latin++
			}
		}
	}
	return letters > 0 && latin*10 >= letters*9
}

func rankOf(a match.Answer, want string) (bool, bool) {
	for i, r := range a.Results {
		if r.ID == want {
			return i == 0, i < 3
		}
	}
	return false, false
}

// settingsFromEnv is the default settings with VEIVISER_SET's changes
// ("danger=0.3 short=0.4"): the evaluation tests try settings this way.
func settingsFromEnv(t *testing.T) match.Settings {
	t.Helper()
	set := match.DefaultSettings()
	for _, kv := range strings.Fields(os.Getenv("VEIVISER_SET")) {
		k, v, _ := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("VEIVISER_SET: %s: %v", kv, err)
		}
		switch k {
		case "lexweight":
			set.LexWeight = x
		case "lexhalf":
			set.LexHalf = x
		case "min":
			set.MinScore = x
		case "rel":
			set.RelFloor = x
		case "chat":
			set.ChatScore = x
		case "calmw":
			set.CalmWeight = x
		case "centroid":
			set.Centroid = x
		case "near":
			set.NearAcute = x
		case "short":
			set.DangerShort = x
		case "shortthai":
			set.DangerUnsegmented = x
		case "danger":
			set.Danger = x
		case "l2":
			set.L2 = x
		case "asked":
			set.AskedWeight = x
		case "epochs":
			set.Epochs = int(x)
		case "nearest":
			set.Nearest = x
		case "scope":
			set.ScopeMargin = x
		case "balance":
			set.Balance = x
		case "repeat":
			set.ConceptRepeat = int(x)
		case "sure":
			set.SureScore = x
		case "margin2":
			set.SureMargin = x
		case "window":
			set.DangerWindow = x
		case "last":
			set.LastWindow = x
		case "calmveto":
			set.CalmVeto = x
		case "sure2":
			set.DangerSure = x
		case "phraselong":
			set.PhraseLong = x
		case "sensdanger":
			set.SensitiveDanger = x
		case "settled":
			set.Settled = x
		case "besidecry":
			set.BesideCry = x
		case "linear":
			set.Linear = x
		case "linscope":
			set.LinearScope = x
		case "nophrases":
			set.NoPhrases = x != 0
		default:
			t.Fatalf("VEIVISER_SET: unknown %s", k)
		}
	}
	return set
}

// TestCrossValidation trains on four fifths of the examples and asks the
// fifth, five times, and asks the development questions of the whole
// model: the figures to tune on. It only reports; run it with
// VEIVISER_EVAL=1 go test ./content/match -run CrossValidation -v.
func TestCrossValidation(t *testing.T) {
	if os.Getenv("VEIVISER_EVAL") == "" {
		t.Skip("set VEIVISER_EVAL=1 to run the cross-validation report")
	}
	cat := mustLoad(t)
	full := cat.Corpus()
	type row struct{ entry, acute, calm, scope, chat evalTally }
	by := map[string]*row{}
	get := func(lang string) *row {
		if by[lang] == nil {
			by[lang] = &row{}
		}
		return by[lang]
	}
	misses := os.Getenv("VEIVISER_EVAL") == "misses"
	set := settingsFromEnv(t)
	asked := onlyAsked(t)
	if path := os.Getenv("VEIVISER_EVAL_DUMP"); path != "" {
		dumpAsked(t, full, path)
	}
	var sure, long, longDanger, latin evalTally
	// flagged counts held-out examples that danger flagged, by entry;
	// behindCard those whose own answer came second, after the card (the
	// miss the blind scorer also counts apart).
	flagged := map[string]int{}
	behindCard := 0
	// confusion counts held-out examples whose first result was another
	// entry: want → got. Neighbouring entries that share most of their
	// words are where top-1 is lost, and this says which.
	confusion := map[[2]string]int{}
	for f := range folds {
		m := match.NewWithSettings(without(full, f), set)
		for _, e := range full.Entries {
			for _, ex := range e.Examples {
				if foldOf(ex) != f || !asked(ex) {
					continue
				}
				a := m.Search(ex.Text, ex.Lang)
				t1, t3 := rankOf(a, e.ID)
				get(ex.Lang).entry.add(t1, t3)
				if len(strings.Fields(ex.Text)) >= 40 {
					long.add(t1, t3)
					longDanger.add(a.Emergency, a.Emergency)
				}
				if a.Sure {
					sure.add(t1, t1)
				}
				if latinScript(ex) {
					latin.add(t1, t3)
				}
				if a.Emergency {
					flagged[e.ID]++
					if !t1 && len(a.Results) > 1 && a.Results[1].ID == e.ID {
						behindCard++
					}
				}
				if !t1 && len(a.Results) > 0 {
					confusion[[2]string{e.ID, a.Results[0].ID}]++
				}
				if misses && !t1 {
					why := ""
					if a.Emergency {
						why = " " + m.Why(ex.Text)
					}
					t.Logf("miss %s %s: %q → %v%s", ex.Lang, e.ID, ex.Text, a.Results, why)
				}
			}
		}
		for _, ex := range full.Acute {
			if foldOf(ex) == f && asked(ex) {
				a := m.Search(ex.Text, ex.Lang)
				get(ex.Lang).acute.add(a.Emergency, a.Emergency)
				if misses && !a.Emergency {
					t.Logf("acute missed %s: %q", ex.Lang, ex.Text)
				}
			}
		}
		for _, ex := range full.Calm {
			if foldOf(ex) == f && asked(ex) {
				a := m.Search(ex.Text, ex.Lang)
				get(ex.Lang).calm.add(a.Emergency, a.Emergency)
				if misses && a.Emergency {
					t.Logf("calm flagged %s: %q %s", ex.Lang, ex.Text, m.Why(ex.Text))
				}
			}
		}
		for _, ex := range full.OutOfScope {
			if foldOf(ex) == f && asked(ex) {
				a := m.Search(ex.Text, ex.Lang)
				ok := len(a.Results) == 0 && !a.Emergency
				get(ex.Lang).scope.add(ok, ok)
				if misses && !ok {
					t.Logf("out of scope answered %s: %q → %v", ex.Lang, ex.Text, a.Results)
				}
			}
		}
		for kind, xs := range full.SmallTalk {
			for _, ex := range xs {
				if foldOf(ex) == f && asked(ex) {
					a := m.Search(ex.Text, ex.Lang)
					get(ex.Lang).chat.add(a.SmallTalk == kind, a.SmallTalk != "")
					if misses && a.SmallTalk != kind {
						t.Logf("small talk %s %s: %q → %q %v", ex.Lang, kind, ex.Text, a.SmallTalk, a.Results)
					}
				}
			}
		}
	}
	dev := map[string]*evalTally{}
	m := match.NewWithSettings(full, set)
	qs, err := devset.Read("../testdata/questions")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if dev[q.Lang] == nil {
			dev[q.Lang] = &evalTally{}
		}
		a := m.Search(q.Text, "")
		t1, t3 := rankOf(a, q.Want)
		dev[q.Lang].add(t1, t3)
		if misses && !t1 {
			t.Logf("dev miss %s %s: %q → %v", q.Lang, q.Want, q.Text, a.Results)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nheld-out examples (5-fold) and development questions\nlang  entry top1 top3   acute  calm   scope  chat    dev top1 top3\n")
	var tot row
	var devTot evalTally
	sum := func(d *evalTally, s evalTally) { d.n += s.n; d.top1 += s.top1; d.top3 += s.top3 }
	for _, lang := range content.Languages() {
		r := get(lang)
		d := dev[lang]
		if d == nil {
			d = &evalTally{}
		}
		rate := func(x evalTally) string {
			if x.n == 0 {
				return "    –"
			}
			return fmt.Sprintf("%5.2f", float64(x.top1)/float64(x.n))
		}
		fmt.Fprintf(&b, "%-4s  %s  %s  %s  %s  %s    %s\n", lang, r.entry, rate(r.acute), rate(r.calm), rate(r.scope), rate(r.chat), *d)
		sum(&tot.entry, r.entry)
		sum(&tot.acute, r.acute)
		sum(&tot.calm, r.calm)
		sum(&tot.scope, r.scope)
		sum(&tot.chat, r.chat)
		sum(&devTot, *d)
	}
	fmt.Fprintf(&b, "all   %s  %5.2f  %5.2f  %5.2f  %5.2f    %s\n", tot.entry,
		float64(tot.acute.top1)/float64(max(1, tot.acute.n)), float64(tot.calm.top1)/float64(max(1, tot.calm.n)),
		float64(tot.scope.top1)/float64(max(1, tot.scope.n)), float64(tot.chat.top1)/float64(max(1, tot.chat.n)), devTot)
	fmt.Fprintf(&b, "long examples (40+ words): %s, flagged as danger %.2f\n", long, float64(longDanger.top1)/float64(max(1, longDanger.n)))
	fmt.Fprintf(&b, "entry examples: %d, top-1 %d, top-3 %d\n", tot.entry.n, tot.entry.top1, tot.entry.top3)
	ids := slices.Collect(maps.Keys(flagged))
	total := 0
	for _, id := range ids {
		total += flagged[id]
	}
	fmt.Fprintf(&b, "flagged as danger: %d, of which the card first and her answer second: %d\n", total, behindCard)
	fmt.Fprintf(&b, "most flagged entries:")
	slices.SortFunc(ids, func(x, y string) int {
		if c := flagged[y] - flagged[x]; c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	for _, id := range ids[:min(len(ids), 8)] {
		fmt.Fprintf(&b, " %s %d", id, flagged[id])
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "Latin-script ar, fa, ur, ti, uk, th examples: %s (%d)\n", latin, latin.n)
	fmt.Fprintf(&b, "most confused (wanted → ranked first, held-out examples):\n")
	pairs := slices.Collect(maps.Keys(confusion))
	slices.SortFunc(pairs, func(x, y [2]string) int {
		if c := confusion[y] - confusion[x]; c != 0 {
			return c
		}
		return strings.Compare(x[0]+x[1], y[0]+y[1])
	})
	for _, p := range pairs[:min(len(pairs), 20)] {
		fmt.Fprintf(&b, "  %3d  %s → %s\n", confusion[p], p[0], p[1])
	}
	fmt.Fprintf(&b, "answered directly: %d (%.2f of entry examples), right %.2f\n", sure.n, float64(sure.n)/float64(max(1, tot.entry.n)), float64(sure.top1)/float64(max(1, sure.n)))
	t.Log(b.String())
}

// TestDevelopmentBlindSets trains on all the content with VEIVISER_SET's
// settings and asks blind sets that have been reported already, so may be
// tuned on (VEIVISER_EVAL_BLIND="../testdata/blind/2026-12-07-w ..."),
// exactly as the blind scorer counts: the figures to tune the detector on
// with messages written by other people than the examples. It only
// reports.
func TestDevelopmentBlindSets(t *testing.T) {
	dirs := strings.Fields(os.Getenv("VEIVISER_EVAL_BLIND"))
	if len(dirs) == 0 {
		t.Skip("set VEIVISER_EVAL_BLIND to directories of reported blind sets")
	}
	corpus := mustLoad(t).Corpus()
	joinBlindSets(t, corpus, strings.Fields(os.Getenv("VEIVISER_EVAL_JOIN")))
	m := match.NewWithSettings(corpus, settingsFromEnv(t))
	top1, behindCard := map[string]*evalTally{}, 0
	danger := map[string]map[string]*evalTally{} // kind → lang → flagged
	count := func(m map[string]*evalTally, lang string, a, b bool) {
		for _, l := range []string{"all", lang} {
			if m[l] == nil {
				m[l] = &evalTally{}
			}
			m[l].add(a, b)
		}
	}
	for _, dir := range dirs {
		for _, f := range readTSV(t, filepath.Join(dir, "questions.tsv"), 4) {
			lang, want, q := f[0], f[2], f[3]
			a := m.Search(q, lang)
			t1, t3 := blindRank(a, want)
			if !t1 && len(a.Results) > 1 && a.Emergency && a.Results[1].ID == want {
				behindCard++
			}
			count(top1, lang, t1, t3)
		}
		for _, f := range readTSV(t, filepath.Join(dir, "danger.tsv"), 3) {
			if danger[f[1]] == nil {
				danger[f[1]] = map[string]*evalTally{}
			}
			e := m.Search(f[2], f[0]).Emergency
			count(danger[f[1]], f[0], e, e)
		}
	}
	// worst is the lowest language's rate, or the highest one's where
	// flagging is the mistake (past violence, everyday trap words).
	worst := func(m map[string]*evalTally, top3, highest bool) string {
		w, wl := 2.0, ""
		for _, l := range slices.Sorted(maps.Keys(m)) {
			r := m[l].top1Rate()
			if top3 {
				r = m[l].top3Rate()
			}
			if highest {
				r = -r
			}
			if l != "all" && r < w {
				w, wl = r, l
			}
		}
		return fmt.Sprintf("%.3f %s", max(w, -w), wl)
	}
	t.Logf("questions: top-1 %.3f (worst %s), top-3 %.3f (worst %s), %d behind the card",
		top1["all"].top1Rate(), worst(top1, false, false), top1["all"].top3Rate(), worst(top1, true, false), behindCard)
	for _, kind := range slices.Sorted(maps.Keys(danger)) {
		t.Logf("%s flagged: %.3f of %d (worst language %s)", kind, danger[kind]["all"].top1Rate(), danger[kind]["all"].n, worst(danger[kind], false, kind != "acute"))
	}
}

// joinBlindSets adds the messages of reported blind sets to c as examples
// (VEIVISER_EVAL_JOIN): what joining them to the content would change,
// measured on other sets before anyone writes them into the examples.
func joinBlindSets(t *testing.T, c *match.Corpus, dirs []string) {
	t.Helper()
	entry := map[string]int{}
	for i, e := range c.Entries {
		entry[e.ID] = i
	}
	for _, dir := range dirs {
		for _, f := range readTSV(t, filepath.Join(dir, "questions.tsv"), 4) {
			ex := match.Example{Lang: f[0], Text: f[3]}
			if i, ok := entry[f[2]]; ok {
				c.Entries[i].Examples = append(c.Entries[i].Examples, ex)
			} else if f[2] == "none" {
				c.OutOfScope = append(c.OutOfScope, ex)
			}
		}
		for _, f := range readTSV(t, filepath.Join(dir, "danger.tsv"), 3) {
			ex := match.Example{Lang: f[0], Text: f[2]}
			if f[1] == "acute" {
				c.Acute = append(c.Acute, ex)
			} else {
				c.Calm = append(c.Calm, ex)
			}
		}
	}
}
