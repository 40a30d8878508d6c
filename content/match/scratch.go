package match

import "math"

// scratch is the working memory of one Search, so that a question
// allocates next to nothing: the facts live in slices indexed by word,
// term and entry ID, sized once for the index and reused through
// index.scratch; only the slots a question touched are reset, and tags (a
// number that moves on for every query word or question) stand in for
// clearing whole slices. docs/performance.md has what this saved.
type scratch struct {
	// best is, per vocabulary word, the best quality any query word gives
	// it, and at the first query word giving that quality: all that term
	// matching and danger phrases need to know of the candidates. hit lists
	// the words with best > 0, the candidates of the whole question.
	best []float64
	at   []int32
	hit  []int32

	// seen tells, per vocabulary word, what the current query word made of
	// it: wordTag when compared without a match, wordTag+1 when it matched.
	seen    []uint32
	wordTag uint32

	// termSeen marks the terms already scored for the question (termTag).
	termSeen []uint32
	termTag  uint32

	// rowOf is, per entry, the offset of its row in rows (-1: none yet); a
	// row holds the best contribution through each query word. entries
	// lists the entries with a row.
	rowOf   []int32
	rows    []float64
	entries []int32

	q    queryWord // the query word being looked up, reused for its buffers
	offs []int     // byte offsets of the runes of the query word
	skel []byte    // the skeleton of the query word
}

func newScratch(ix *index) *scratch {
	s := &scratch{
		best:     make([]float64, len(ix.vocab)),
		at:       make([]int32, len(ix.vocab)),
		seen:     make([]uint32, len(ix.vocab)),
		termSeen: make([]uint32, len(ix.terms)),
		rowOf:    make([]int32, len(ix.ids)),
	}
	for i := range s.rowOf {
		s.rowOf[i] = -1
	}
	return s
}

// getScratch takes a scratch ready for a question of nq words.
func (ix *index) getScratch(nq int) *scratch {
	s := ix.scratch.Get().(*scratch)
	s.termTag = nextTag(s.termTag, 1, s.termSeen)
	// Rows are sliced out of one buffer; reserving room for every entry up
	// front keeps rows already handed out from moving.
	if need := len(ix.ids) * nq; cap(s.rows) < need {
		s.rows = make([]float64, 0, need)
	}
	return s
}

// putScratch resets what the question touched and returns s to the pool.
func (ix *index) putScratch(s *scratch) {
	for _, w := range s.hit {
		s.best[w] = 0
	}
	s.hit = s.hit[:0]
	for _, e := range s.entries {
		s.rowOf[e] = -1
	}
	s.entries = s.entries[:0]
	s.rows = s.rows[:0]
	ix.scratch.Put(s)
}

// nextTag moves a tag on by step. Marks hold earlier tags; when the tag
// would wrap around they are cleared, so that no stale mark can equal a
// later tag (marks of 0 never do: tags start at step).
func nextTag(tag, step uint32, marks []uint32) uint32 {
	if tag > math.MaxUint32-2*step {
		clear(marks)
		return step
	}
	return tag + step
}

// startWord prepares s for the candidates of the next query word.
func (s *scratch) startWord() {
	s.wordTag = nextTag(s.wordTag, 2, s.seen)
}

// done reports whether vocabulary word id was already compared with the
// current query word.
func (s *scratch) done(id int) bool {
	return s.seen[id] == s.wordTag || s.seen[id] == s.wordTag+1
}

// matched reports whether vocabulary word id is a candidate of the current
// query word.
func (s *scratch) matched(id int) bool { return s.seen[id] == s.wordTag+1 }

// noMatch notes that id was compared with the current query word in vain.
func (s *scratch) noMatch(id int) { s.seen[id] = s.wordTag }

// match records id as a candidate of query word qi with quality q > 0.
// Query words come in order and only a strictly better quality replaces
// the best, so at is the first query word with the best quality.
func (s *scratch) match(id int, qi int32, q float64) {
	s.seen[id] = s.wordTag + 1
	if q > s.best[id] {
		if s.best[id] == 0 {
			s.hit = append(s.hit, int32(id))
		}
		s.best[id], s.at[id] = q, qi
	}
}

// row returns the score row of an entry, adding a zeroed one if needed.
func (s *scratch) row(entry, nq int) []float64 {
	off := s.rowOf[entry]
	if off < 0 {
		off = int32(len(s.rows))
		s.rowOf[entry] = off
		s.entries = append(s.entries, int32(entry))
		s.rows = s.rows[:int(off)+nq] // within the capacity getScratch reserved
		clear(s.rows[off:])
	}
	return s.rows[off : int(off)+nq]
}
