package content

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes as a content file: the loader must never
// panic, and every problem must point into the file.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(validTopic))
	f.Add([]byte("signals:\n  danger:\n    nb: [slår meg]\n"))
	f.Add([]byte("centre:\n  hours:\n    - days: mon-fri\n      open: \"10:00\"\n      close: \"09:00\"\n"))
	f.Add([]byte("topic: [\n"))
	f.Add([]byte("entries:\n  - id: x\n    text: {nb: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, report, err := Load(fstest.MapFS{"f.yaml": {Data: data}})
		if err != nil && len(report.Errors()) == 0 {
			t.Fatalf("error without a problem in the report: %v", err)
		}
		for _, p := range report.Errors() {
			if p.File != "f.yaml" || p.Line < 0 {
				t.Fatalf("problem not located in the file: %s", p)
			}
		}
	})
}

// FuzzSearch feeds arbitrary questions to the matcher.
func FuzzSearch(f *testing.F) {
	cat := mustLoad(f)
	for _, q := range []string{"he hits me", "oppholdstillatelse", "زوجي يضربني", "สามีตีฉัน", "", "\u2066x\u2069", strings.Repeat("a ", 500)} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		a := cat.Search(q, "")
		if len(a.Results) > maxResults {
			t.Fatalf("%d results", len(a.Results))
		}
		for i := 1; i < len(a.Results); i++ {
			if a.Results[i].Score > a.Results[i-1].Score {
				t.Fatalf("results not best first: %v", a.Results)
			}
		}
		if a.Lang != "" && !KnownLanguage(a.Lang) {
			t.Fatalf("detected unknown language %q", a.Lang)
		}
	})
}
