package content

import (
	"strings"
	"unicode"
)

// DetectLanguage guesses the language of a question from its script and
// its words, or returns "" when there is no evidence. Scripts used by one
// launch language decide at once; Latin and Arabic script are told apart by
// letters only one language uses and by which language's catalog
// vocabulary the words belong to (Latin-script Arabic and Persian included,
// as the keywords carry those spellings).
func (c *Catalog) DetectLanguage(text string) string {
	lower := strings.ToLower(text)
	var latin, arabic, special int
	score := map[string]float64{}
	for _, r := range lower {
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
				score["ur"] += 3
			case strings.ContainsRune("پچژگ", r):
				score["fa"]++
				score["ur"]++
			case strings.ContainsRune("ةى", r):
				score["ar"] += 2
			case r == 'ی' || r == 'ک':
				score["fa"] += 0.5
				score["ur"] += 0.5
			case r == 'ي' || r == 'ك':
				score["ar"]++
			}
		case unicode.Is(unicode.Latin, r):
			latin++
			switch {
			case strings.ContainsRune("æøå", r):
				score["nb"] += 2
				special++
			case strings.ContainsRune("ąćęłńśźż", r):
				score["pl"] += 2
				special++
			}
		}
	}
	if latin == 0 && arabic == 0 {
		return ""
	}
	ix := c.ix()
	for _, w := range words(text) {
		id, ok := ix.wordID[w]
		if !ok {
			continue
		}
		spread := float64(ix.langsOf[id])
		for lang, voc := range ix.langVoc {
			if voc[id] {
				score[lang] += 1 / spread
			}
		}
	}
	best, bestScore := "", 0.0
	for _, lang := range Languages() {
		if arabic > latin && lang != "ar" && lang != "fa" && lang != "ur" {
			continue
		}
		if s := score[lang]; s > bestScore {
			best, bestScore = lang, s
		}
	}
	if best == "" && arabic > latin {
		return "ar"
	}
	return best
}
