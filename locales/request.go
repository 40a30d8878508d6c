package locales

import (
	"strings"
	"unicode"
)

// requests are the ways people name a language when they ask for it: its
// own name, and its name in English and Norwegian, lower case.
var requests = map[string][]string{
	"nb": {"norsk", "norwegian", "bokmål", "bokmal", "på norsk"},
	"en": {"english", "engelsk", "in english", "inglish", "انگلیسی", "انجليزي", "الإنجليزية", "англійською", "английский", "po angielsku", "angielski", "ภาษาอังกฤษ"},
	"ar": {"arabic", "arabisk", "عربي", "بالعربي", "العربية", "بالعربية", "3arabi", "arabi"},
	"so": {"somali", "somalisk", "soomaali", "af soomaali", "afsoomaali"},
	"ti": {"tigrinya", "tigrinja", "ትግርኛ", "tigrigna"},
	"fa": {"persian", "farsi", "persisk", "dari", "فارسی", "دری", "به فارسی"},
	"uk": {"ukrainian", "ukrainsk", "українська", "українською", "по-українськи"},
	"ur": {"urdu", "اردو", "اردو میں"},
	"pl": {"polish", "polsk", "polski", "po polsku", "polskim"},
	"th": {"thai", "thailandsk", "ไทย", "ภาษาไทย"},
}

// politeness is what may stand around a language's name in a request:
// "English please", "kan du skrive på norsk", "in Arabic".
var politeness = map[string]bool{
	"please": true, "pls": true, "plz": true, "in": true, "speak": true, "write": true, "language": true,
	"can": true, "you": true, "i": true, "want": true, "only": true, "do": true,
	"på": true, "kan": true, "du": true, "skrive": true, "snakke": true, "språk": true, "takk": true,
	"من": true, "لو": true, "سمحت": true, "ممكن": true, "باللغة": true, "لطفا": true, "زبان": true,
	"proszę": true, "prosze": true, "будь": true, "ласка": true, "мова": true, "ขอ": true, "ค่ะ": true, "ครับ": true,
}

// Requested returns the launch language a short message asks for ("English
// please", "بالعربي", "på norsk"), or "" when it does not ask for one.
func Requested(text string) string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '-' && r != '\''
	})
	if len(f) == 0 || len(f) > 5 {
		return ""
	}
	found := ""
	for i := 0; i < len(f); i++ {
		lang := ""
		for l, names := range requests {
			for _, n := range names {
				parts := strings.Fields(n)
				if i+len(parts) <= len(f) && strings.Join(f[i:i+len(parts)], " ") == n {
					lang = l
					i += len(parts) - 1
					break
				}
			}
			if lang != "" {
				break
			}
		}
		switch {
		case lang != "" && (found == "" || found == lang):
			found = lang
		case lang != "":
			return "" // two languages named: not a request we understand
		case !politeness[f[i]]:
			return ""
		}
	}
	return found
}
