package match

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
func normalize(s string) string { return strings.Join(words(s), " ") }

// fold is normalize without collapsing the spaces, for callers that split
// the text into words anyway.
func fold(s string) string {
	if ascii(s) {
		return asciiFold(s)
	}
	t := folders.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	folders.Put(t)
	if err != nil {
		return ""
	}
	return out
}

// folders reuses the transformer chain: building one allocates its
// buffers, which dominated loading the catalog. A chain is not safe for
// concurrent use, hence the pool; transform.String resets it.
var folders = sync.Pool{New: func() any {
	// NFKD both unifies width and presentation forms and splits off the
	// marks that are then removed, so no recomposition is needed after.
	return transform.Chain(norm.NFKD, cases.Fold(), runes.Remove(runes.Predicate(droppedMark)),
		runes.Remove(runes.Predicate(invisible)), runes.Map(foldRune))
}}

// droppedMark reports the combining marks that folding removes: accents
// and Arabic-script vowel signs, which people type or leave out at will.
// Thai vowels and tone marks are combining marks too, but they are letters
// there (ตีหนู "hit me" would become ตหน), so they stay.
func droppedMark(r rune) bool {
	return unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Thai, r)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiFold is normalize for plain ASCII text, the common case of Latin
// questions typed without diacritics, without the Unicode machinery.
func asciiFold(s string) string {
	b := make([]byte, 0, len(s))
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case invisible(rune(c)):
			continue
		default:
			if !space {
				b = append(b, ' ')
				space = true
			}
			continue
		}
		b = append(b, c)
		space = false
	}
	return strings.TrimSuffix(string(b), " ")
}

// words splits text into normalised words. Splitting the folded text
// directly gives the same words as splitting normalize's result, without
// joining them first.
func words(s string) []string {
	ws := strings.Fields(fold(s))
	for i, w := range ws {
		ws[i] = unstretch(w)
	}
	return ws
}

// unstretch writes a letter typed three times or more in a row once:
// "heeelp", "ሓገዝዝዝ", "ช่วยยยย", "помогитееее" are how a cry is typed in
// a hurry, and the stretched word shares no n-gram or concept form with
// the word. A doubled letter stays doubled; digits stay as typed (555 is
// Thai laughter, 112 a number).
func unstretch(w string) string {
	if !stretched(w) {
		return w
	}
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && !unicode.IsDigit(rs[i]) {
			n = 1
		}
		for range n {
			b.WriteRune(rs[i])
		}
		i = j
	}
	return b.String()
}

// stretched reports a letter three times in a row in w.
func stretched(w string) bool {
	prev, run := rune(-1), 0
	for _, r := range w {
		if r == prev {
			run++
		} else {
			prev, run = r, 1
		}
		if run == 3 && !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// invisible reports runes left out entirely: tatweel, joiners and direction
// marks are typed inconsistently, and apostrophes belong to the word
// (Ukrainian б'є, Finglish ta'id) but are often left out.
func invisible(r rune) bool {
	switch r {
	case 'ـ', '\u200c', '\u200d', '\u200e', '\u200f', '\u2066', '\u2067', '\u2068', '\u2069',
		'\'', '’', 'ʼ', '‘', '`', '´':
		return true
	}
	return false
}

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
	case 'ø':
		return 'o'
	case 'æ':
		return 'e'
	case 'ł':
		return 'l'
	}
	switch {
	case r >= 0x1200 && r <= 0x137F && unicode.IsLetter(r):
		return ethiopicBase(r)
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	case r >= '๐' && r <= '๙':
		return '0' + (r - '๐')
	case unicode.IsLetter(r) || unicode.IsDigit(r), unicode.Is(unicode.Thai, r) && unicode.Is(unicode.Mn, r):
		return r
	}
	return ' '
}

// unsegmented reports whether a word is in a script written without spaces
// between words (Thai), where a keyword can only be found as a substring.
func unsegmented(w string) bool { return firstIs(w, unicode.Thai) }

func arabicScript(w string) bool { return firstIs(w, unicode.Arabic) }

// firstIs tells a word's script by its first letter: normalised words do
// not mix scripts, and this runs for every candidate of every question.
func firstIs(w string, script *unicode.RangeTable) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.Is(script, r)
}

// ethiopicBase folds a Ge'ez syllable to its consonant: the script writes
// a consonant and a vowel as one character, and people writing Tigrinya
// quickly vary the vowel, so matching on consonants is what diacritic
// folding is for other scripts. Letters that sound the same and are
// spelled either way (ሀ/ሐ/ኀ, ሰ/ሠ, አ/ዐ, ጸ/ፀ, ቀ/ቐ, ከ/ኸ) are merged too.
func ethiopicBase(r rune) rune {
	base := 0x1200 + (r-0x1200)/8*8
	switch base {
	case 'ሐ', 'ኀ':
		return 'ሀ'
	case 'ሠ':
		return 'ሰ'
	case 'ዐ':
		return 'አ'
	case 'ፀ':
		return 'ጸ'
	case 'ቐ':
		return 'ቀ'
	case 'ኸ':
		return 'ከ'
	}
	return base
}

// skeleton is a Latin word without its vowels, for matching words written
// in Latin letters by ear (Arabizi, Finglish, Roman Urdu: "yadrebni",
// "yedrabni"). Only skeletons of four consonants or more are specific
// enough to use; other words return "".
func skeleton(w string) string { return string(appendSkeleton(nil, w)) }

// appendSkeleton appends the skeleton of w to dst, or nothing when w has
// no usable skeleton; Search looks skeletons up without making strings.
func appendSkeleton(dst []byte, w string) []byte {
	start := len(dst)
	for _, r := range w {
		switch {
		case r > unicode.MaxLatin1 || !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return dst[:start]
		case strings.ContainsRune("aeiou", r):
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	if len(dst)-start < 4 {
		return dst[:start]
	}
	return dst
}

func ethiopic(w string) bool { return firstIs(w, unicode.Ethiopic) }

// Words is the normalised words of a text, as matching sees them; staff
// tools use it to group similar questions.
func Words(s string) []string { return words(s) }
