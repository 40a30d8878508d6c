package match

import (
	"strings"
	"unicode/utf8"
)

// concepts finds words that mean the same across languages ("slår",
// "يضربني", "ตี" are all hit) and turns each into one feature shared by
// every language, so that an example written in one language teaches the
// classifier and the detector about the others. Staff keep the word lists
// (concepts.yaml); a form ending in * is a stem, several words a phrase,
// and Thai forms are found anywhere in a word, as Thai has no spaces.
type concepts struct {
	exact   map[string][]uint64 // word → concept features
	stems   map[string][]uint64 // stem → concept features
	phrases map[string][]phrase // first word → phrases starting with it
	thai    []thaiForm          // Thai forms, looked for inside words
	maxStem int                 // runes of the longest stem
	repeat  int                 // how many times each concept found is counted
}

type phrase struct {
	rest    []string
	feature uint64
}

type thaiForm struct {
	form    string
	feature uint64
}

const seedConcept = 1099511628211 * 1031

// cryConcept is the concept of a cry for help ("help", "ratunku",
// "الحقوني"): in a short message it means danger now, in any language.
const cryConcept = "help-me"

// has reports whether the words contain a form of the concept.
func (c *concepts) has(ws []string, concept string) bool {
	f := hashString(seedConcept, concept)
	for _, h := range c.appendOnce(nil, ws) {
		if h == f {
			return true
		}
	}
	return false
}

func buildConcepts(byConcept map[string]map[string][]string) *concepts {
	c := &concepts{exact: map[string][]uint64{}, stems: map[string][]uint64{}, phrases: map[string][]phrase{}}
	for _, id := range sortedKeys(byConcept) {
		f := hashString(seedConcept, id)
		for _, lang := range sortedKeys(byConcept[id]) {
			for _, form := range byConcept[id][lang] {
				c.add(form, f)
			}
		}
	}
	return c
}

func (c *concepts) add(form string, f uint64) {
	stem := strings.HasSuffix(strings.TrimSpace(form), "*")
	ws := words(strings.TrimSuffix(strings.TrimSpace(form), "*"))
	switch {
	case len(ws) == 0:
	case len(ws) == 1 && unsegmented(ws[0]):
		c.thai = append(c.thai, thaiForm{ws[0], f})
	case len(ws) > 1:
		c.phrases[ws[0]] = append(c.phrases[ws[0]], phrase{ws[1:], f})
	case stem && utf8.RuneCountInString(ws[0]) >= 3:
		c.stems[ws[0]] = appendNew(c.stems[ws[0]], f)
		c.maxStem = max(c.maxStem, utf8.RuneCountInString(ws[0]))
	default:
		c.exact[ws[0]] = appendNew(c.exact[ws[0]], f)
	}
}

func appendNew(fs []uint64, f uint64) []uint64 {
	for _, x := range fs {
		if x == f {
			return fs
		}
	}
	return append(fs, f)
}

// appendFeatures appends the concept features of the words ws.
func (c *concepts) appendFeatures(dst []uint64, ws []string) []uint64 {
	if c == nil {
		return dst
	}
	start := len(dst)
	dst = c.appendOnce(dst, ws)
	// A concept counts as much as several words: it is what the example
	// says, where each n-gram is only how one language spells it.
	n := len(dst) - start
	for range c.repeat - 1 {
		dst = append(dst, dst[start:start+n]...)
	}
	return dst
}

func (c *concepts) appendOnce(dst []uint64, ws []string) []uint64 {
	for i, w := range ws {
		dst = append(dst, c.exact[w]...)
		if unsegmented(w) {
			for _, t := range c.thai {
				if strings.Contains(w, t.form) {
					dst = append(dst, t.feature)
				}
			}
			continue
		}
		// Stems: every prefix of the word up to the longest stem.
		n := 0
		for j := range w {
			if n >= 3 {
				dst = append(dst, c.stems[w[:j]]...)
			}
			n++
			if n > c.maxStem {
				break
			}
		}
		if n <= c.maxStem && n >= 3 {
			dst = append(dst, c.stems[w]...)
		}
		for _, p := range c.phrases[w] {
			if i+len(p.rest) < len(ws) && equalWords(ws[i+1:i+1+len(p.rest)], p.rest) {
				dst = append(dst, p.feature)
			}
		}
	}
	return dst
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
