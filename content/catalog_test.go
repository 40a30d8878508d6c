package content

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustLoad(tb testing.TB) *Catalog {
	tb.Helper()
	cat, _, err := LoadEmbedded()
	if err != nil {
		tb.Fatalf("load embedded catalog: %v", err)
	}
	return cat
}

// requiredIDs are the entries design.md promises (evaluations use them).
var requiredIDs = []string{
	"emergency-numbers", "violence-helpline", "crisis-centre", "police-report", "forced-marriage", "fgm", "social-control",
	"family-permit", "three-year-rule", "permit-after-violence", "leaving-spouse", "permanent-residence", "permit-renewal", "appeal-decision",
	"intro-programme", "intro-benefit", "norwegian-courses", "work-and-education",
	"child-welfare-what", "child-welfare-investigation", "child-welfare-rights", "child-discipline-law",
	"interpreter", "health-gp", "health-emergency", "legal-aid", "about-centre", "privacy",
	"mental-health-crisis", "sexual-assault", "temporary-protection", "eea-citizens",
}

func TestEveryRequiredEntryInEveryLanguage(t *testing.T) {
	cat := mustLoad(t)
	for _, id := range requiredIDs {
		e := cat.Entry(id)
		if e == nil {
			t.Errorf("required entry %s is missing", id)
			continue
		}
		for _, lang := range Languages() {
			txt := e.Text[lang]
			switch {
			case txt == nil:
				t.Errorf("%s has no %s text", id, lang)
			case lang != "nb" && lang != "en" && txt.Status != StatusDraft:
				t.Errorf("%s/%s is marked %s; translations nobody at the centre checked must be draft", id, lang, txt.Status)
			case len(txt.Keywords) < 5:
				t.Errorf("%s/%s has only %d keywords", id, lang, len(txt.Keywords))
			}
		}
	}
}

// phoneLike finds what reads as a Norwegian phone number in a text: the
// short emergency numbers, 116 xxx helplines, five-digit service numbers
// and eight-digit numbers in their usual groupings.
var phoneLike = regexp.MustCompile(`(?:^|[^\d])(11[0-3]|116 ?\d{3}|0\d{4}|\d{2} \d{2} \d{2} \d{2}|\d{3} \d{2} \d{3}|\d{8})(?:[^\d]|$)`)

// checkedNumbers reads the facts file: numbers on lines marked VERIFIED
// are allowed; numbers the words right after say must not be used
// (UNVERIFIED, must NOT, OUTDATED) are forbidden unless verified elsewhere.
func checkedNumbers(t *testing.T) (allowed, forbidden map[string]bool) {
	t.Helper()
	facts, err := os.ReadFile("testdata/facts.md")
	if err != nil {
		t.Fatal(err)
	}
	allowed, forbidden = map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(string(facts), "\n") {
		for _, loc := range phoneLike.FindAllStringSubmatchIndex(line, -1) {
			number := line[loc[2]:loc[3]]
			after := line[loc[3]:min(len(line), loc[3]+100)]
			switch {
			case strings.Contains(after, "UNVERIFIED") || strings.Contains(after, "must NOT") || strings.Contains(after, "OUTDATED"):
				forbidden[number] = true
			case strings.Contains(line, "VERIFIED"):
				allowed[number] = true
			}
		}
	}
	return allowed, forbidden
}

// uncheckedNumbers returns the phone numbers in text that the facts do not vouch for.
func uncheckedNumbers(text string, allowed, forbidden map[string]bool) []string {
	var out []string
	for _, m := range phoneLike.FindAllStringSubmatch(text, -1) {
		// A number verified on one line may sit near UNVERIFIED on another
		// about something else ("whether X still runs 116 006"): verified wins.
		if !allowed[m[1]] {
			out = append(out, m[1])
		}
	}
	return out
}

// TestEveryPhoneNumberIsChecked asserts that every phone number in the
// catalog, in actions and in any language's text, is one the checked facts
// list as verified (content/testdata/facts.md is a copy of the shared facts
// file; update it when the facts are re-checked).
func TestEveryPhoneNumberIsChecked(t *testing.T) {
	allowed, forbidden := checkedNumbers(t)
	if bad := uncheckedNumbers("Ring 22 48 03 80 eller 800 43 573", allowed, forbidden); len(bad) != 2 {
		t.Fatalf("the check does not catch numbers the facts reject: %v", bad)
	}
	cat := mustLoad(t)
	for _, id := range cat.IDs() {
		e := cat.Entry(id)
		for _, a := range e.Actions {
			if a.Phone != "" {
				if bad := uncheckedNumbers(" "+a.Phone+" ", allowed, forbidden); len(bad) > 0 {
					t.Errorf("%s: action phone %s is not a verified number in the facts", id, a.Phone)
				}
			}
		}
		for lang, txt := range e.Text {
			if bad := uncheckedNumbers(txt.Body, allowed, forbidden); len(bad) > 0 {
				t.Errorf("%s/%s: unchecked phone numbers %v", id, lang, bad)
			}
		}
	}
}

// unverifiedClaims are the claims facts.md marks UNVERIFIED that an answer
// could plausibly make, as patterns over any language's text: the numbers,
// paragraphs and amounts listed there. Content must write around them.
var unverifiedClaims = []struct{ claim, pattern, sample string }{
	{"a CEFR level for permanent residence (A1/A2/B1)", `\b[AB][12]\b`, "muntlig norsk på nivå A2"},
	{"a kroner amount of G (stale since 1 May 2026)", `\b1[23]\d[  .]?\d{3}\s*(kr|NOK|kroner)`, "2 G er 260 320 kr, 1 G = 130 160 kr"},
	{"the Oslo Krisesenter phone (22 48 03 80)", `22 48 03 80`, "ring 22 48 03 80"},
	{"MiRA-Senteret's phones (924 11 186, 22 11 69 20)", `924 11 186|22 11 69 20`, "tlf 22 11 69 20"},
	{"the overgrepsmottak's time limit for evidence (7 days)", `(?i)(^|[^\d])(7|sju|seven)\s*(dager|days|døgn)`, "within 7 days"},
	{"chapter 6A ending 1 July 2026", `1\.? (juli|July) 2026`, "until 1 July 2026"},
	{"the EEA violence rule (§ 114 letter c)", `§ 114[^.\n]{0,40}(bokstav|letter|litra) c`, "§ 114 fjerde ledd bokstav c"},
	{"a fifth year of collective protection", `(?i)(femte år|fifth year)`, "a fifth year"},
}

// TestNoUnverifiedClaims: no answer, in any language, states what the
// checked facts mark UNVERIFIED.
func TestNoUnverifiedClaims(t *testing.T) {
	cat := mustLoad(t)
	for _, c := range unverifiedClaims {
		re := regexp.MustCompile(c.pattern)
		if !re.MatchString(c.sample) {
			t.Fatalf("the check for %s does not catch %q", c.claim, c.sample)
		}
		for _, id := range cat.IDs() {
			for lang, txt := range cat.Entry(id).Text {
				if m := re.FindString(txt.Title + "\n" + txt.Body); m != "" {
					t.Errorf("%s/%s states %s: %q", id, lang, c.claim, m)
				}
			}
		}
	}
}

// TestButtonsFitAPhone: every entry and topic has a button title of at
// most MaxButton characters in every language.
func TestButtonsFitAPhone(t *testing.T) {
	cat := mustLoad(t)
	for _, lang := range Languages() {
		for _, tp := range cat.Topics {
			if n := utf8.RuneCountInString(tp.ButtonIn(lang)); n > MaxButton {
				t.Errorf("topic %s/%s: button %q is %d characters", tp.ID, lang, tp.ButtonIn(lang), n)
			}
		}
		for _, id := range cat.IDs() {
			txt, _ := cat.Entry(id).Localized(lang)
			if n := utf8.RuneCountInString(txt.ButtonTitle()); n > MaxButton {
				t.Errorf("%s/%s: button %q is %d characters", id, lang, txt.ButtonTitle(), n)
			}
		}
	}
}
