package content

import (
	"strings"
	"testing"

	"github.com/veiviser/veiviser/content/match"
)

func TestScrub(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ring meg på 912 34 567", "ring meg på"},
		{"my mail is anna@example.com help", "my mail is help"},
		{"call 112 now", "call 112 now"},
		{"§ 53 in 2024", "§ 53 in 2024"},
		{"saksnummer 25/123456", "saksnummer 25/"},
	}
	for _, tt := range tests {
		if got := Scrub(tt.in); got != tt.want {
			t.Errorf("Scrub(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAddExamples: taught questions land in the language's examples file
// under the entry, the catalog still loads, and the matcher learns them.
func TestAddExamples(t *testing.T) {
	cat := mustLoad(t)
	const q = "plork vrrb zinnia kvask"
	if a := cat.Search(q, "nb"); len(a.Results) > 0 && a.Results[0].ID == "legal-aid" {
		t.Fatalf("before teaching, %q already answers legal-aid", q)
	}
	files, n, err := AddExamples(cat.Files(), "nb", "legal-aid", []string{q, q, "ring 912 34 567"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("added %d examples, want 2 (one repeated)", n)
	}
	taught, report, err := FromFiles(files)
	if err != nil {
		t.Fatalf("taught content does not load: %v\n%s", err, report)
	}
	if got := examplesOf(taught.Corpus(), "legal-aid"); !containsText(got, q) {
		t.Fatalf("legal-aid examples do not hold %q", q)
	}
	if a := taught.Search(q, "nb"); len(a.Results) == 0 || a.Results[0].ID != "legal-aid" {
		t.Errorf("after teaching, %q → %v, want legal-aid first", q, a.Results)
	}
	// A language without an examples file gets one.
	delete(files, ExamplesFile("pl"))
	files, _, err = AddExamples(files, "pl", "legal-aid", []string{"darmowy prawnik pilnie"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := FromFiles(files); err != nil {
		t.Fatalf("new examples file does not load: %v", err)
	}
	if !strings.Contains(string(files[ExamplesFile("pl")]), "darmowy prawnik pilnie") {
		t.Error("new pl examples file lacks the example")
	}
}

// examplesOf returns the examples of entry id in c.
func examplesOf(c *match.Corpus, id string) []match.Example {
	for _, e := range c.Entries {
		if e.ID == id {
			return e.Examples
		}
	}
	return nil
}

func containsText(xs []match.Example, text string) bool {
	for _, x := range xs {
		if x.Text == text {
			return true
		}
	}
	return false
}
