package locales

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// RTL reports whether lang is written right to left.
func RTL(lang string) bool { return lang == "ar" || lang == "fa" || lang == "ur" }

// Unicode isolates: LRI starts a left-to-right run that does not disturb
// the surrounding right-to-left text, PDI ends it.
const (
	lri = "\u2066"
	pdi = "\u2069"
)

// Isolate wraps the left-to-right runs of text in Unicode isolates when
// lang is right to left, so that "116 006" does not come out as "006 116"
// and a Norwegian name keeps its word order. Other languages are returned
// unchanged; text already isolated is not wrapped twice.
//
// A left-to-right run is a stretch of phone numbers ("116 006",
// "+47 23 48 72 00"), URLs, paragraph signs with their number, commands
// ("/menu") and Latin-script words such as Norwegian names of offices
// ("UDI", "Vold- og overgrepslinjen"), with the spaces and punctuation
// between them. The runs are found by a single left-to-right scan; see
// ltrRunEnd.
func Isolate(lang, text string) string {
	if !RTL(lang) || strings.Contains(text, lri) {
		return text
	}
	var b strings.Builder
	copied := 0 // text[:copied] is already in b
	for i := 0; i < len(text); {
		// Step over the right-to-left text one rune at a time; only a Latin
		// letter, a digit, "+", "§" or a command's "/" can start a run (a
		// URL starts with its "h"), and this check is cheaper than trying
		// ltrRunEnd.
		r, w := utf8.DecodeRuneInString(text[i:])
		end := -1
		if isWordRune(r) || r == '+' || r == '§' || r == '/' && wordStart(text, i) {
			end = ltrRunEnd(text, i)
		}
		if end < 0 {
			i += w
			continue
		}
		if b.Cap() == 0 {
			// Room for the text and a few isolates (3 bytes each).
			b.Grow(len(text) + 4*len(lri+pdi))
		}
		run := text[i:end]
		// A word can end in "-", "." or ":" ("Vold-", "116 006.", "112:")
		// and a URL in any punctuation ("udi.no/ar،"). Such trailing
		// punctuation belongs to the right-to-left sentence, not to the
		// number or name: inside the isolate it would be laid out left to
		// right, at the right-hand end of the run, against the Arabic word
		// before it, instead of after the run on its left ("• 112: الشرطة"
		// showed "112:" with the colon next to the bullet).
		trimmed := strings.TrimRight(run, trailing)
		b.WriteString(text[copied:i])
		b.WriteString(lri)
		b.WriteString(trimmed)
		b.WriteString(pdi)
		b.WriteString(run[len(trimmed):])
		i, copied = end, end
	}
	if copied == 0 {
		return text // no run: nothing to copy
	}
	b.WriteString(text[copied:])
	return b.String()
}

// trailing is what is left outside the isolate at the end of a run: the
// separators and the punctuation that ends a clause or a sentence, Latin
// and Arabic-script (the Urdu full stop "۔" among them). Inner colons,
// as in "10:00", are not at the end and stay.
const trailing = " ,–-.:;!?،؛؟۔"

// wordStart reports whether a "/" at text[i] can begin a command: not
// after a letter, digit or mark, where it joins two words ("الشرطة/UDI")
// and, taken into the isolate, would be drawn at its far left instead of
// between them.
func wordStart(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r)
}

// ltrRunEnd returns the end of the left-to-right run that starts at
// text[i], or -1 if none starts there.
//
// A run is a first term followed by any number of further terms, each
// joined to the previous one by spaces, commas, hyphens or en dashes
// ("116 006", "UDI, NAV", "Vold- og overgrepslinjen", "08–16"). A
// separator is only taken when a term follows it, so a run never ends in
// a space or comma; what follows the last term stays outside. No
// separator can begin a term, so taking all the separators and then
// looking for a term never needs to back up.
//
// Bytes that are not valid UTF-8 are read as U+FFFD, one byte at a time,
// which is neither Latin nor a digit.
func ltrRunEnd(text string, i int) int {
	end := term(text, i, true)
	for end >= 0 {
		j := end
		for j < len(text) {
			r, w := utf8.DecodeRuneInString(text[j:])
			if r != ' ' && r != ',' && r != '–' && r != '-' {
				break
			}
			j += w
		}
		if j == end {
			break
		}
		next := term(text, j, false)
		if next < 0 {
			break // the separators are not part of the run
		}
		end = next
	}
	return end
}

// term returns the end of the term that starts at text[i], or -1:
//
//   - a URL, "http://" or "https://" and everything up to the next ASCII
//     space, tab or line break (a URL may hold any character, so its end
//     is the white space after it);
//   - otherwise a word: a Latin letter or a digit, optionally preceded by
//     "§" (or "+", for a phone number, when it is the first term of a run),
//     or a Latin letter preceded by "/" (a Telegram command, whose slash
//     must stay on its left), and continued by Latin letters, digits and
//     the . / : @ _ - found in e-mail addresses, dates, times and
//     hyphenated names.
//
// A "+" or "§" not directly followed by a letter or digit, as in "§ 40",
// is not part of the term, nor is a "/" not directly followed by a Latin
// letter ("و/أو", "24 / 7"). Whether a first "/" stands at the start of a
// word is for the caller to check (wordStart): after a separator it
// always does.
func term(text string, i int, first bool) int {
	if end := url(text, i); end >= 0 {
		return end
	}
	r, w := utf8.DecodeRuneInString(text[i:])
	switch {
	case r == '/':
		i += w
		r, w = utf8.DecodeRuneInString(text[i:])
		if !isLatin(r) {
			return -1
		}
	case r == '§' || first && r == '+':
		i += w
		r, w = utf8.DecodeRuneInString(text[i:])
	}
	if !isWordRune(r) {
		return -1
	}
	for i += w; i < len(text); i += w {
		r, w = utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) && r != '.' && r != '/' && r != ':' && r != '@' && r != '_' && r != '-' {
			break
		}
	}
	return i
}

// url returns the end of the URL that starts at text[i], or -1. The scheme
// is lower case and must be followed by at least one character; a bare
// "https://" is then read by term as a word.
func url(text string, i int) int {
	rest := text[i:]
	switch {
	case strings.HasPrefix(rest, "https://"):
		i += len("https://")
	case strings.HasPrefix(rest, "http://"):
		i += len("http://")
	default:
		return -1
	}
	start := i
	for i < len(text) && !isURLSpace(text[i]) {
		i++ // bytes, not runes: no byte of a multi-byte rune is ASCII
	}
	if i == start {
		return -1
	}
	return i
}

// isURLSpace reports whether b ends a URL: the ASCII white space of \s in
// Go regular expressions (not \v, not no-break or other Unicode spaces).
func isURLSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// isWordRune reports whether r is a letter of the Latin script or a
// decimal digit of any script (Arabic-Indic digits included).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if 0x0600 <= r && r <= 0x06FF {
		// The Arabic block, which most of an Arabic, Farsi or Urdu reply is
		// written in, has no Latin letters and two sets of digits: ٠-٩ and
		// the Persian ۰-۹. Answering here spares the table look-ups below.
		return '٠' <= r && r <= '٩' || '۰' <= r && r <= '۹'
	}
	return unicode.Is(unicode.Latin, r) || unicode.Is(unicode.Nd, r)
}

// isLatin reports whether r is of the Latin script, as a command's first
// letter after "/" must be (a digit after "/" is a fraction or a date).
func isLatin(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.Is(unicode.Latin, r)
}

// StripIsolates removes the isolate marks, for displays that show them as
// boxes instead of obeying them.
func StripIsolates(text string) string {
	return strings.NewReplacer(lri, "", pdi, "").Replace(text)
}
