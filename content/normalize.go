package content

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// normalize folds text so that the ways people type the same word compare
// equal: full-width and presentation forms (NFKC), case, diacritics and
// vowel marks, Arabic/Persian/Urdu letter variants, Eastern digits, and
// Norwegian/Polish letters that have no decomposition. Everything that is
// not a letter or digit becomes a single space.
func normalize(s string) string {
	t := transform.Chain(norm.NFKC, cases.Fold(), norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldRune), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return ""
	}
	return strings.Join(strings.Fields(out), " ")
}

// words splits normalised text into words.
func words(s string) []string { return strings.Fields(normalize(s)) }

func foldRune(r rune) rune {
	switch r {
	case 'ي', 'ى', 'ئ', 'ی', 'ے', 'ې':
		return 'ي'
	case 'ك', 'ک':
		return 'ك'
	case 'ة', 'ۀ', 'ہ', 'ھ', 'ۃ':
		return 'ه'
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ؤ':
		return 'و'
	case 'ـ', '\u200c', '\u200d', '\u200e', '\u200f', '\u2066', '\u2067', '\u2068', '\u2069':
		return -1 // tatweel, joiners, direction marks: invisible, typed inconsistently
	case 'ø':
		return 'o'
	case 'æ':
		return 'e'
	case 'ł':
		return 'l'
	}
	switch {
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r >= '๐' && r <= '๙':
		return '0' + (r - '๐')
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return r
	}
	return ' '
}

// unsegmented reports whether a word is in a script written without spaces
// between words (Thai), where a keyword can only be found as a substring.
func unsegmented(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Thai, r) {
			return true
		}
	}
	return false
}

func arabicScript(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}
