package match

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Weights of the places a word can come from: keywords are written for
// matching, titles name the answer, bodies only add recall.
const (
	weightKeyword = 1.0
	weightTitle   = 0.8
	weightBody    = 0.25
)

// term is a keyword, title or body word of one entry, as normalised words:
// index.words[from:to] are their vocabulary word IDs. One array of word
// IDs for all terms, rather than a slice each, for the tens of thousands
// of one-word terms.
type term struct {
	from, to int32
	entry    int32
	weight   float64
	idf      float64
}

// index finds entries for free text in any language. Terms identical
// across languages are stored once per entry, so an official Norwegian word
// repeated in every translation's keywords is not counted ten times.
type index struct {
	ids     []string          // entry index → ID
	vocab   []string          // word ID → word
	info    []wordInfo        // word ID → what wordMatch needs to know of it
	wordID  map[string]int    // word → word ID
	longest map[string]int    // first two runes of words → byte length of the longest such word
	typos   map[typoKey][]int // keyword, title and signal words by first letter and length, for typo candidates
	sorted  []int             // word IDs sorted by word, for prefix search
	skel    map[string][]int  // Latin consonant skeleton → word IDs
	terms   []term
	words   []int32 // the terms' words, see term
	// termsOf[termsAt[w]:termsAt[w+1]] are the terms containing word w.
	termsAt []int32
	termsOf []int32
	danger  [][]int // phrases as word IDs
	human   [][]int

	// detection: per word ID, the launch languages using it (bit i for
	// Languages()[i]) and its weight as evidence, 1 / number of languages.
	langs    []string
	langBits []uint64
	evidence []float64

	scratch sync.Pool // *scratch for Search, sized for this index
}

func buildIndex(c *Corpus) *index {
	ix := &index{wordID: map[string]int{}}
	langVoc := map[string]map[int]bool{} // language → the words its texts use: for buildDetection only
	for _, e := range c.Entries {
		ix.ids = append(ix.ids, e.ID)
	}
	type key struct {
		entry int
		words string
	}
	seen := map[key]int{} // → term index
	df := map[string]map[int]bool{}
	add := func(entry int, lang string, ws []string, weight float64) {
		if len(ws) == 0 {
			return
		}
		ids := make([]int32, len(ws))
		for i, w := range ws {
			ids[i] = int32(ix.word(w))
			langVoc[lang][int(ids[i])] = true
		}
		k := key{entry, strings.Join(ws, " ")}
		if df[k.words] == nil {
			df[k.words] = map[int]bool{}
		}
		df[k.words][entry] = true
		if i, ok := seen[k]; ok {
			ix.terms[i].weight = max(ix.terms[i].weight, weight)
			return
		}
		seen[k] = len(ix.terms)
		from := int32(len(ix.words))
		ix.words = append(ix.words, ids...)
		ix.terms = append(ix.terms, term{from: from, to: int32(len(ix.words)), entry: int32(entry), weight: weight})
	}
	for i, e := range c.Entries {
		for lang, t := range e.Text {
			if langVoc[lang] == nil {
				langVoc[lang] = map[int]bool{}
			}
			for _, k := range t.Keywords {
				add(i, lang, words(k), weightKeyword)
			}
			title := words(t.Title)
			add(i, lang, title, weightKeyword)
			for _, w := range title {
				add(i, lang, []string{w}, weightTitle)
			}
			for _, w := range words(t.Body) {
				add(i, lang, []string{w}, weightBody)
			}
		}
	}
	// Signal phrases add their words to the vocabulary before termsOf is
	// sized, so every word a question can match has a (maybe empty) list.
	ix.danger = ix.phrases(c.Danger)
	ix.human = ix.phrases(c.Human)
	n := float64(len(ix.ids))
	termsOf := make([][]int32, len(ix.vocab))
	for i := range ix.terms {
		t := &ix.terms[i]
		var text []string
		for _, w := range ix.termWords(t) {
			text = append(text, ix.vocab[w])
		}
		d := float64(len(df[strings.Join(text, " ")]))
		if t.weight == weightBody && t.to-t.from == 1 {
			t.idf = math.Log(n / d) // a word in every body says nothing
		} else {
			t.idf = math.Log(1 + n/d)
		}
		for _, w := range ix.termWords(t) {
			if !slices.Contains(termsOf[w], int32(i)) {
				termsOf[w] = append(termsOf[w], int32(i))
			}
		}
	}
	ix.termsAt = make([]int32, len(termsOf)+1)
	for w, ts := range termsOf {
		ix.termsAt[w+1] = ix.termsAt[w] + int32(len(ts))
	}
	ix.termsOf = make([]int32, 0, ix.termsAt[len(termsOf)])
	for _, ts := range termsOf {
		ix.termsOf = append(ix.termsOf, ts...)
	}
	// Without the room appending left: the index lives as long as the catalog.
	ix.terms, ix.words = slices.Clone(ix.terms), slices.Clone(ix.words)
	// Typos are looked for among the words written for matching (keywords,
	// titles, signal phrases), not the thousands of body words.
	ix.typos = map[typoKey][]int{}
	typoWords := map[int]bool{}
	for i := range ix.terms {
		if t := &ix.terms[i]; t.weight != weightBody {
			for _, w := range ix.termWords(t) {
				typoWords[int(w)] = true
			}
		}
	}
	for _, p := range append(slices.Clone(ix.danger), ix.human...) {
		for _, w := range p {
			typoWords[w] = true
		}
	}
	for w := range typoWords {
		k := keyOf(ix.vocab[w])
		ix.typos[k] = append(ix.typos[k], w)
	}
	ix.skel = map[string][]int{}
	for id, w := range ix.vocab {
		if sk := skeleton(w); sk != "" {
			ix.skel[sk] = append(ix.skel[sk], id)
		}
	}
	ix.sorted = make([]int, len(ix.vocab))
	for i := range ix.sorted {
		ix.sorted[i] = i
	}
	sort.Slice(ix.sorted, func(a, b int) bool { return ix.vocab[ix.sorted[a]] < ix.vocab[ix.sorted[b]] })
	ix.info = make([]wordInfo, len(ix.vocab))
	ix.longest = map[string]int{}
	for id, w := range ix.vocab {
		ix.info[id] = infoOf(w)
		if two := firstRunes(w, 2); two != "" {
			ix.longest[two] = max(ix.longest[two], len(w))
		}
	}
	ix.buildDetection(c.Languages, langVoc)
	ix.scratch.New = func() any { return newScratch(ix) }
	return ix
}

// termWords returns the word IDs of term t.
func (ix *index) termWords(t *term) []int32 { return ix.words[t.from:t.to] }

func (ix *index) word(w string) int {
	if id, ok := ix.wordID[w]; ok {
		return id
	}
	id := len(ix.vocab)
	ix.vocab = append(ix.vocab, w)
	ix.wordID[w] = id
	return id
}

// typoKey groups words for typo matching: a misspelt word usually keeps
// its first letter and its length give or take two.
type typoKey struct {
	first rune
	n     int
}

func keyOf(w string) typoKey {
	r, _ := utf8.DecodeRuneInString(w)
	return typoKey{r, utf8.RuneCountInString(w)}
}

// firstRunes is the first n runes of w, or "" if w is shorter.
func firstRunes(w string, n int) string {
	for i := range w {
		if n == 0 {
			return w[:i]
		}
		n--
	}
	if n == 0 {
		return w
	}
	return ""
}

func (ix *index) phrases(byLang map[string][]string) [][]int {
	var out [][]int
	for _, list := range byLang {
		for _, p := range list {
			var ids []int
			for _, w := range words(p) {
				ids = append(ids, ix.word(w))
			}
			if len(ids) > 0 {
				out = append(out, ids)
			}
		}
	}
	return out
}

// candidates finds the vocabulary words query word qi may stand for, with
// the quality of each match, and records them in s. Only plausible
// candidates are compared: words that are prefixes or parts of the query
// word, words it is a prefix of, and words of about the same length for
// typos. A word keeps the first quality found for it, so the order of the
// steps matters (the sound-alike step only fills in words not matched yet).
func (ix *index) candidates(s *scratch, qi int32, qw string) {
	s.startWord()
	q := &s.q
	q.prepare(qw)
	try := func(id int) {
		if s.done(id) {
			return
		}
		if quality := wordMatch(ix.vocab[id], ix.info[id], q); quality > 0 {
			s.match(id, qi, quality)
		} else {
			s.noMatch(id)
		}
	}
	if id, ok := ix.wordID[qw]; ok {
		s.match(id, qi, 1)
	}
	// Catalog words inside the query word: prefixes, compounds, clitics,
	// Thai (substrings by byte offsets of runes, so no copies).
	offs := s.offs[:0]
	for i := range qw {
		offs = append(offs, i)
	}
	offs = append(offs, len(qw))
	s.offs = offs
	n := len(offs) - 1
	for i := 0; i+2 <= n; i++ {
		// Only as long as a catalog word can be that begins here, which
		// for most starting points is no word at all.
		longest := ix.longest[qw[offs[i]:offs[i+2]]]
		for j := i + 2; j <= min(n, i+40) && offs[j]-offs[i] <= longest; j++ {
			if id, ok := ix.wordID[qw[offs[i]:offs[j]]]; ok {
				try(id)
			}
		}
	}
	// Catalog words the query word begins (a word cut short).
	if n >= 5 {
		lo := sort.Search(len(ix.sorted), func(i int) bool { return ix.vocab[ix.sorted[i]] >= qw })
		for i := lo; i < len(ix.sorted) && strings.HasPrefix(ix.vocab[ix.sorted[i]], qw); i++ {
			try(ix.sorted[i])
		}
	}
	// Latin words written by ear: the same consonants, other vowels.
	s.skel = appendSkeleton(s.skel[:0], qw)
	for _, id := range ix.skel[string(s.skel)] {
		if !s.matched(id) {
			s.match(id, qi, soundsLike)
		}
	}
	// Typos.
	if n >= 4 {
		first := keyOf(qw).first
		for m := max(5, n-2); m <= n+2; m++ {
			for _, id := range ix.typos[typoKey{first, m}] {
				try(id)
			}
		}
	}
}

// soundsLike is the quality of a Latin word with the same consonants as a
// catalog word and other vowels.
const soundsLike = 0.8

// lexicalWords is how many words of a message the lexical scorer looks
// at; a message is cut to about 1000 characters before it gets here.
const lexicalWords = 256

// lexical scores every entry (in corpus order) by the keywords, titles and
// body words the question shares with it, typos and spellings by ear
// included, and tells whether it contains a staff danger phrase or asks
// for a person. out is reused.
func (ix *index) lexical(all []string, out []float64) (scores []float64, danger, human bool) {
	qws := all[:min(len(all), lexicalWords)]
	s := ix.getScratch(len(qws))
	defer ix.putScratch(s)
	for i, qw := range qws {
		ix.candidates(s, int32(i), qw)
	}
	danger = anyPhrase(ix.danger, s, func(q float64) bool { return q >= 0.9 || q == soundsLike })
	human = anyPhrase(ix.human, s, func(q float64) bool { return q >= 0.75 })

	// Per entry, per query word: the best contribution of any term through
	// it. Every term sharing a word with the question is scored once.
	for _, w := range s.hit {
		for _, ti := range ix.termsOf[ix.termsAt[w]:ix.termsAt[w+1]] {
			if s.termSeen[ti] != s.termTag {
				s.termSeen[ti] = s.termTag
				ix.scoreTerm(int(ti), s, len(qws))
			}
		}
	}
	out = append(out[:0], make([]float64, len(ix.ids))...)
	for _, entry := range s.entries {
		var sum float64
		for _, v := range s.row(int(entry), len(qws)) {
			sum += v
		}
		out[entry] = sum
	}
	return out, danger, human
}

// scoreTerm adds term ti to the score rows of its entry if its words occur
// in the question: all of them, or all but one for phrases of three words
// or more. Each word counts with the best quality of any query word for it,
// through the first query word with that quality; the term's score is
// shared out among the query words it used.
func (ix *index) scoreTerm(ti int, s *scratch, nq int) {
	t := &ix.terms[ti]
	words := ix.termWords(t)
	used, missing := 0, 0
	var sum float64
	for _, w := range words {
		if q := s.best[w]; q > 0 {
			used++
			sum += q
		} else {
			missing++
		}
	}
	if used == 0 || missing > 0 && (len(words) < 3 || missing > 1) {
		return
	}
	quality := sum / float64(len(words))
	score := t.weight * quality * t.idf * (1 + 0.3*float64(len(words)-1))
	share := score / float64(used)
	row := s.row(int(t.entry), nq)
	for _, w := range words {
		if s.best[w] > 0 {
			qi := s.at[w]
			row[qi] = max(row[qi], share)
		}
	}
}

// anyPhrase reports whether one of the phrases occurs in the question: all
// its words, in any order ("мене б'є" and "б'є мене"), or all but one for
// phrases of four words or more. A word occurs when some query word stands
// for it well enough, that is when the best one does. Danger phrases are
// an override, so they must be there as written, give or take an ending or
// the vowels of a Latin word written by ear (yadrebni, yedrabni): a typo
// reading turned "میخوام … بگیرم" (I want to get) into "میخوام بمیرم" (I
// want to die); the trained detector is what tolerates spelling.
func anyPhrase(phrases [][]int, s *scratch, enough func(quality float64) bool) bool {
	return slices.ContainsFunc(phrases, func(p []int) bool {
		missing := 0
		for _, w := range p {
			if !enough(s.best[w]) {
				missing++
			}
		}
		return missing == 0 || missing == 1 && len(p) >= 4
	})
}
