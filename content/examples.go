package content

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/veiviser/veiviser/content/match"
)

// example is one example message as read, with where it came from, until
// the whole catalog is known and its entry ID can be checked.
type example struct {
	file  string
	line  int
	entry string // entry ID, or "" for the danger, out-of-scope and small-talk lists
	list  string // "entry", "acute", "not-acute", "out-of-scope" or a small-talk kind
	ex    match.Example
}

// examples reads an examples file: one language's example messages per
// entry, danger examples both ways, small talk and out-of-scope questions.
func (d *decoder) examples(f field, cat *Catalog) {
	m := d.mapping(f.node, "examples", "lang", "entries", "danger", "small-talk", "out-of-scope")
	lang, ok := d.fileLang(f, m, "examples", cat.exampleLangs)
	if !ok {
		return
	}
	add := func(entry, list string, n *yaml.Node) {
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, "an example must be text")
			return
		}
		text := strings.TrimSpace(n.Value)
		if text == "" {
			d.errorf(n.Line, "empty example")
			return
		}
		if s := foreignScript(text, lang); s != "" {
			d.errorf(n.Line, "example is written in %s script, not in %s (move it to that language's file)", s, lang)
			return
		}
		cat.pending = append(cat.pending, example{file: d.file, line: n.Line, entry: entry, list: list, ex: match.Example{Lang: lang, Text: text}})
	}
	entries := d.mapping(m["entries"].node, "entries")
	for _, id := range sortedByLine(entries) {
		for _, n := range d.list(entries[id], id) {
			add(id, "entry", n)
		}
	}
	danger := d.mapping(m["danger"].node, "danger", "acute", "not-acute")
	for _, list := range []string{"acute", "not-acute"} {
		for _, n := range d.list(danger[list], "danger."+list) {
			add("", list, n)
		}
	}
	small := d.mapping(m["small-talk"].node, "small-talk", SmallTalkKinds()...)
	for _, kind := range SmallTalkKinds() {
		for _, n := range d.list(small[kind], "small-talk."+kind) {
			add("", kind, n)
		}
	}
	for _, n := range d.list(m["out-of-scope"], "out-of-scope") {
		add("", "out-of-scope", n)
	}
}

// exampleKey is what two examples must share to count as the same: their
// letters and digits, in lower case. Cheaper than the matcher's folding,
// which loading ten thousand examples would feel; emoji and punctuation
// alone compare as written.
func exampleKey(s string) string {
	folded := strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}), " ")
	if folded == "" {
		return s
	}
	return folded
}

// meaning is what an example teaches: its entry, or its list. Acute
// danger and the emergency entry teach the same.
func meaning(e example) string {
	switch {
	case e.list == "acute":
		return match.EmergencyID
	case e.entry != "":
		return e.entry
	}
	return e.list
}

// fileLang reads the lang: of a per-language file (examples-<lang>.yaml,
// concepts-<lang>.yaml) and checks it: known, the one the file is named
// for, and in no other file of that kind (seen: language → file).
func (d *decoder) fileLang(f field, m map[string]field, kind string, seen map[string]string) (string, bool) {
	lang := d.str(m["lang"], "lang")
	switch {
	case lang == "":
		d.errorf(f.key.Line, "%s need lang: the language they are written in", kind)
		return "", false
	case !KnownLanguage(lang):
		d.errorf(m["lang"].node.Line, "unknown language code %q in lang (use one of %v)", lang, Languages())
		return "", false
	}
	base := path.Base(d.file)
	if want := strings.TrimSuffix(strings.TrimPrefix(base, kind+"-"), ".yaml"); want != base && KnownLanguage(want) && want != lang {
		d.errorf(m["lang"].node.Line, "lang is %q but the file is named for %q", lang, want)
	}
	if prev, dup := seen[lang]; dup {
		d.errorf(m["lang"].node.Line, "%s in %s are also in %s: keep one file per language", kind, lang, prev)
		return "", false
	}
	seen[lang] = d.file
	return lang, true
}

func sortedByLine(m map[string]field) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return m[a].key.Line - m[b].key.Line })
	return keys
}

// scripts a language is written in besides Latin, which every language
// may use (romanised Arabic, Norwegian words, names). nil means Latin only.
var scripts = map[string][]*unicode.RangeTable{
	"ar": {unicode.Arabic}, "fa": {unicode.Arabic}, "ur": {unicode.Arabic},
	"ti": {unicode.Ethiopic}, "uk": {unicode.Cyrillic}, "th": {unicode.Thai},
}

var scriptNames = map[*unicode.RangeTable]string{
	unicode.Arabic: "Arabic", unicode.Ethiopic: "Ge'ez", unicode.Cyrillic: "Cyrillic", unicode.Thai: "Thai",
}

// foreignScript names the script of the first letter in text that lang is
// not written in, or "" when every letter fits.
func foreignScript(text, lang string) string {
	for _, r := range text {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Latin, r) {
			continue
		}
		if slices.ContainsFunc(scripts[lang], func(t *unicode.RangeTable) bool { return unicode.Is(t, r) }) {
			continue
		}
		for t, name := range scriptNames {
			if unicode.Is(t, r) {
				return name
			}
		}
	}
	return ""
}

// checkExamples runs the checks that need every file: entry IDs exist and
// no example is listed twice, and builds cat.examples.
func checkExamples(cat *Catalog, add func(file string, line int, warning bool, format string, args ...any)) {
	ex := Examples{Entries: map[string][]match.Example{}, SmallTalk: map[string][]match.Example{}}
	type key struct{ lang, text string }
	seen := map[key]example{}
	for _, p := range cat.pending {
		if p.entry != "" && cat.Entries[p.entry] == nil {
			add(p.file, p.line, false, "examples for unknown entry %q", p.entry)
			continue
		}
		k := key{p.ex.Lang, exampleKey(p.ex.Text)}
		if prev, dup := seen[k]; dup {
			if meaning(prev) == meaning(p) {
				add(p.file, p.line, true, "example %q is listed twice (also at line %d)", p.ex.Text, prev.line)
			} else {
				add(p.file, p.line, false, "example %q is listed under %s and under %s (line %d): an example teaches one thing", p.ex.Text, meaning(p), meaning(prev), prev.line)
			}
			continue
		}
		seen[k] = p
		switch p.list {
		case "entry":
			ex.Entries[p.entry] = append(ex.Entries[p.entry], p.ex)
		case "acute":
			ex.Acute = append(ex.Acute, p.ex)
		case "not-acute":
			ex.Calm = append(ex.Calm, p.ex)
		case "out-of-scope":
			ex.OutOfScope = append(ex.OutOfScope, p.ex)
		default:
			ex.SmallTalk[p.list] = append(ex.SmallTalk[p.list], p.ex)
		}
	}
	cat.examples = ex
	cat.pending = nil
}
