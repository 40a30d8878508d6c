package match_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/devset"
)

// benchQuestions reads the development questions, keyed by language.
func benchQuestions(b *testing.B) map[string][]string {
	b.Helper()
	qs, err := devset.Read("../testdata/questions")
	if err != nil {
		b.Fatal(err)
	}
	return devset.ByLang(qs)
}

// typo misspells a question the way thumbs do: one letter of its longest
// word dropped, so no question of the set matches its keywords exactly.
func typo(q string) string {
	ws := strings.Fields(q)
	long := 0
	for i, w := range ws {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(ws[long]) {
			long = i
		}
	}
	if r := []rune(ws[long]); len(r) >= 4 {
		ws[long] = string(r[:len(r)/2]) + string(r[len(r)/2+1:])
	}
	return strings.Join(ws, " ")
}

// mixed are questions that mix a Norwegian word from a letter into another
// language, or write Arabic, Persian and Urdu in Latin letters.
var mixed = []string{
	"UDI قال لا على طلبي شو اعمل",
	"barnevernet waxay qaateen caruurta",
	"mera oppholdstillatelse khatam ho raha hai",
	"شوهرم گفته oppholdstillatelse من باطل میشه",
	"klage на рішення UDI",
	"fastlege ไม่พูดภาษาไทย ต้องการล่าม",
	"zawji yadrebni ana khayfa",
	"introduksjonsprogrammet stipendium ile",
}

// query is one question and the language it is searched in ("" detects it).
type query struct{ text, lang string }

// detect asks for every question with the language detected from its text.
func detect(qs []string) []query {
	out := make([]query, len(qs))
	for i, q := range qs {
		out[i] = query{text: q}
	}
	return out
}

// searchBench times one Search per operation over qs, in turn, and reports
// the 50th and 99th percentile of the single-question times.
func searchBench(b *testing.B, cat *content.Catalog, qs []query) {
	samples := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		q := qs[i%len(qs)]
		cat.Search(q.text, q.lang)
		samples[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(samples)
	b.ReportMetric(float64(samples[(len(samples)-1)/2]), "p50-ns")
	b.ReportMetric(float64(samples[(len(samples)*99+99)/100-1]), "p99-ns")
}

// BenchmarkSearch matches free-text questions against the embedded catalog:
// per language with the language detected from the text (as for a user who
// has not chosen one), the same questions with a typo, and mixed-language
// questions.
func BenchmarkSearch(b *testing.B) {
	cat, _, err := content.Load(content.Embedded())
	if err != nil {
		b.Fatal(err)
	}
	cat.Warm()
	byLang := benchQuestions(b)
	var typos []string
	var chosen []query
	for _, lang := range content.Languages() {
		qs := byLang[lang]
		if len(qs) == 0 {
			b.Fatalf("no questions for %s", lang)
		}
		b.Run(lang, func(b *testing.B) { searchBench(b, cat, detect(qs)) })
		for _, q := range qs {
			typos = append(typos, typo(q))
			chosen = append(chosen, query{q, lang})
		}
	}
	b.Run("typos", func(b *testing.B) { searchBench(b, cat, detect(typos)) })
	b.Run("mixed", func(b *testing.B) { searchBench(b, cat, detect(mixed)) })
	// A user who chose her language: no detection.
	b.Run("chosen-lang", func(b *testing.B) { searchBench(b, cat, chosen) })
}

// BenchmarkLoad reads and validates the embedded catalog, the work done
// before the bot answers at start and at every content reload ("validate"),
// and then builds the search index, which the first question needs ("index").
func BenchmarkLoad(b *testing.B) {
	for _, warm := range []bool{false, true} {
		name := map[bool]string{false: "validate", true: "index"}[warm]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cat, _, err := content.Load(content.Embedded())
				if err != nil {
					b.Fatal(err)
				}
				if warm {
					cat.Warm()
				}
			}
		})
	}
}
