package match

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DetectLanguage guesses the language of a question from its script and
// its words, or returns "" when there is no evidence. Scripts used by one
// launch language decide at once; Latin and Arabic script are told apart by
// letters only one language uses and by which language's catalog
// vocabulary the words belong to (Latin-script Arabic and Persian included,
// as the keywords carry those spellings).

// detectLanguage is DetectLanguage for Search, which has split the text
// into words already; ws nil means split it here.
func (ix *index) detectLanguage(text string, ws []string) string {
	// One score per launch language, in the order of ix.langs.
	var buf [16]float64
	score := buf[:0]
	if len(ix.langs) > len(buf) {
		score = make([]float64, 0, len(ix.langs))
	}
	score = score[:len(ix.langs)]
	add := func(lang string, v float64) { score[slices.Index(ix.langs, lang)] += v }
	var latin, arabic int
	for _, r := range text {
		// Lower-cased rune by rune, as strings.ToLower would, without a copy.
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			// Of ASCII, only letters belong to a script, Latin.
			if 'a' <= r && r <= 'z' {
				latin++
			}
			continue
		}
		switch {
		case unicode.Is(unicode.Ethiopic, r):
			return "ti"
		case unicode.Is(unicode.Thai, r):
			return "th"
		case unicode.Is(unicode.Cyrillic, r):
			return "uk"
		case unicode.Is(unicode.Arabic, r):
			arabic++
			switch {
			case strings.ContainsRune("ٹڈڑںےھہۓ", r):
				add("ur", 3)
			case strings.ContainsRune("پچژگ", r):
				add("fa", 1)
				add("ur", 1)
			case strings.ContainsRune("ةى", r):
				add("ar", 2)
			case r == 'ی' || r == 'ک':
				add("fa", 0.5)
				add("ur", 0.5)
			case r == 'ي' || r == 'ك':
				add("ar", 1)
			}
		case unicode.Is(unicode.Latin, r):
			latin++
			switch {
			case strings.ContainsRune("æøå", r):
				add("nb", 2)
			case strings.ContainsRune("ąćęłńśźż", r):
				add("pl", 2)
			}
		}
	}
	if latin == 0 && arabic == 0 {
		return ""
	}
	if ws == nil {
		ws = words(text)
	}
	for _, w := range ws {
		id, ok := ix.wordID[w]
		if !ok {
			continue
		}
		for b := ix.langBits[id]; b != 0; b &= b - 1 {
			score[bits.TrailingZeros64(b)] += ix.evidence[id]
		}
	}
	best, bestScore := "", 0.0
	for i, lang := range ix.langs {
		if arabic > latin && lang != "ar" && lang != "fa" && lang != "ur" {
			continue
		}
		if s := score[i]; s > bestScore {
			best, bestScore = lang, s
		}
	}
	if best == "" && arabic > latin {
		return "ar"
	}
	return best
}

// buildDetection works out, per word, the launch languages whose catalog
// text uses it (langVoc: language → words) and how much it says: a word
// used in n languages counts 1/n for each of them.
func (ix *index) buildDetection(langs []string, langVoc map[string]map[int]bool) {
	ix.langs = langs
	if len(ix.langs) > 64 {
		panic("content: more launch languages than bits in langBits")
	}
	ix.langBits = make([]uint64, len(ix.vocab))
	ix.evidence = make([]float64, len(ix.vocab))
	for i, lang := range ix.langs {
		for w := range langVoc[lang] {
			ix.langBits[w] |= 1 << i
		}
	}
	langsOf := map[int]int{} // word → number of languages using it, launch languages or not
	for _, voc := range langVoc {
		for w := range voc {
			langsOf[w]++
		}
	}
	for w, n := range langsOf {
		ix.evidence[w] = 1 / float64(n)
	}
}
