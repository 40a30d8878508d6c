package content

import "slices"

// Languages are the launch languages, nb first: it is the source of truth.
func Languages() []string {
	return []string{"nb", "en", "ar", "so", "ti", "fa", "uk", "ur", "pl", "th"}
}

// KnownLanguage reports whether code is one of the launch languages.
func KnownLanguage(code string) bool { return slices.Contains(Languages(), code) }

// FallbackChain is the order in which languages are tried when an entry has
// no text in lang: the chosen one, then English, then Norwegian.
func FallbackChain(lang string) []string {
	chain := []string{lang}
	for _, l := range []string{"en", "nb"} {
		if !slices.Contains(chain, l) {
			chain = append(chain, l)
		}
	}
	return chain
}

// Localized returns the text of e in lang, following FallbackChain, and the
// language actually used.
func (e *Entry) Localized(lang string) (*Text, string) {
	for _, l := range FallbackChain(lang) {
		if t := e.Text[l]; t != nil {
			return t, l
		}
	}
	return nil, ""
}

// TitleIn returns a topic title in lang, following FallbackChain.
func (t *Topic) TitleIn(lang string) string { return t.titleIn(lang, false) }

// ButtonIn is TitleIn for a menu button: the short title where there is one.
func (t *Topic) ButtonIn(lang string) string { return t.titleIn(lang, true) }

func (t *Topic) titleIn(lang string, button bool) string {
	for _, l := range FallbackChain(lang) {
		if s := t.Button[l]; button && s != "" {
			return s
		}
		if s := t.Title[l]; s != "" {
			return s
		}
	}
	return t.ID
}
