package match

import (
	"math"
	"slices"
)

// Features of a text, as Rasa's char_wb featuriser and fastText build
// them: every word, every pair of neighbouring words, and the character
// n-grams (3 to 5 runes) of each word with its edges marked. The n-grams
// are why a misspelt or inflected word still shares most of its features
// with the word the classifier learned, in any script.
const (
	minGram = 3
	maxGram = 5
	// Thai is written without spaces: a "word" here is a run of several
	// words, and its syllables are one to three runes (a consonant with
	// its vowel and tone marks). Two- and three-rune n-grams are about a
	// syllable, and shared by two ways of saying the same thing; longer
	// ones mostly straddle the boundary between two words, which another
	// phrasing does not share. Cross-validation: Thai top-3 0.76 -> 0.82.
	thaiMinGram = 2
	thaiMaxGram = 3
)

// appendFeatures appends the hashed features of the normalised words ws.
// Hashes of different kinds of feature start from different seeds.
func appendFeatures(dst []uint64, ws []string) []uint64 {
	var offs [64]int
	for i, w := range ws {
		dst = append(dst, hashString(seedWord, w))
		if i > 0 {
			dst = append(dst, hashString(hashString(seedPair, ws[i-1]), w))
		}
		// Rune offsets of "<w>", with the edges as offsets -1 and len(w).
		o := offs[:0]
		o = append(o, -1)
		for j := range w {
			if len(o) == cap(o)-1 {
				break // n-grams of the first 60 runes are plenty
			}
			o = append(o, j)
		}
		end := len(w)
		if len(o) == cap(o)-1 {
			end = o[len(o)-1]
			o = o[:len(o)-1]
		}
		o = append(o, end, end+1)
		// o[k] is where rune k of "<w>" starts; o[len(o)-1] is the end.
		runes := len(o) - 1
		lo, hi := minGram, maxGram
		if unsegmented(w) {
			lo, hi = thaiMinGram, thaiMaxGram
		}
		for n := lo; n <= hi; n++ {
			for k := 0; k+n <= runes; k++ {
				dst = append(dst, gramHash(w, o[k], o[k+n]))
			}
		}
	}
	return dst
}

const (
	seedWord = 14695981039346656037
	seedPair = 1099511628211 * 31
	seedGram = 1099511628211 * 131
	fnvPrime = 1099511628211
)

// hashString is FNV-1a of s, continuing from h.
func hashString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// gramHash hashes w[from:to] with '<' before the word and '>' after it
// standing in for the offsets -1 and len(w).
func gramHash(w string, from, to int) uint64 {
	h := uint64(seedGram)
	if from < 0 {
		h = (h ^ '<') * fnvPrime
		from = 0
	}
	last := to
	if to > len(w) {
		last = len(w)
	}
	h = hashString(h, w[from:last])
	if to > len(w) {
		h = (h ^ '>') * fnvPrime
	}
	return h
}

// vector is a sparse feature vector: feature IDs ascending, unit length.
type vector struct {
	ids  []int32
	vals []float32
	tf   []uint16 // how often each feature occurs in the text (at most MaxUint16)
	// scale is what the weights (1 + ln tf) × idf were multiplied by to
	// make the vector unit length.
	scale float32
	// seen is the share of the text's distinct features that training
	// knew: a message of unknown words is one or two stray n-grams, whose
	// similarity to anything says nothing.
	seen float64
}

// commonShare is the share of training messages above which a feature is
// left out: "<th" or " و" is in thousands of messages, says next to
// nothing about any, and would make every search walk them all.
const commonShare = 0.03

// minCommon keeps small catalogs (tests, a new deployment) from losing
// their features to commonShare: a feature is common only in 50 messages
// or more.
const minCommon = 50

// featureBits is how many bits of a feature's hash are kept. 48 bits
// tell hundreds of thousands of features apart as well as 64 do (the odds
// that two of 400,000 share 48 bits are 1 in 3,500), and let the
// vocabulary keep 4 bytes a feature instead of 8: the top 16 bits are a
// feature's bucket, and only the low 32 are stored.
const featureBits = 48

// buckets is the number of buckets, one per value of the top 16 bits.
const buckets = 1 << (featureBits - 32)

// vocabulary knows the features seen in training: their hashes, sorted
// (a feature's ID is its place there, found by binary search in its
// bucket, which takes a fraction of a map's memory), and in how many
// training messages each one is. A feature's weight follows from that
// count alone, so the weights are a table by count, not a number per
// feature: 2 bytes a feature instead of 4, for hundreds of thousands of
// features.
type vocabulary struct {
	first  []int32          // bucket → its first feature ID; first[buckets] is the number of features
	low    []uint32         // feature ID → the low 32 bits of its hash
	df     []uint16         // feature ID → training messages that have it (maxDocs bounds them)
	weight []float32        // document frequency → inverse document frequency, 0 for common features
	ids    map[uint64]int32 // while training only: faster than searching
}

// A feature in only one training message can only find that message
// again. In a catalog of thousands they are more than half the features
// and a sixth of the model (2.8 MB of 17), and leaving them out changed
// nothing the development blind sets could see (top-1 0.894 -> 0.898,
// acute 0.962 -> 0.964, everyday flagged 0.018 -> 0.022, on W to AC). A
// small catalog (tests, a new deployment) keeps them: there, one message
// may be all an entry has. With the blind sets' messages joined, features
// in two messages were 62,000 of 227,000 and 0.9 MB; leaving them out too
// cost the development blind sets (AC to AE) 2 of 1,980 questions and 1 of
// 900 acute messages.
const (
	rareFrom   = 1000 // from this many training messages…
	minDocFreq = 3    // …a feature must be in this many to be learnt
)

// learnVocabulary gives an ID to every feature of the documents (sorted
// hashes, see sortedFeatures) and an inverse document frequency, so that
// features every document has count for little. IDs follow hash order, so
// a vector built from sorted hashes comes out sorted by ID.
func learnVocabulary(docs [][]uint64) *vocabulary {
	docs = docs[:min(len(docs), maxDocs)]
	df := map[uint64]int32{}
	for _, d := range docs {
		for i, h := range d {
			if i == 0 || d[i-1] != h {
				df[h]++
			}
		}
	}
	least := int32(1)
	if len(docs) >= rareFrom {
		least = minDocFreq
	}
	hashes := make([]uint64, 0, len(df))
	for h, n := range df {
		if n >= least {
			hashes = append(hashes, h)
		} else {
			delete(df, h) // deleting while ranging is allowed, and the ID map must not have it
		}
	}
	slices.Sort(hashes)
	v := &vocabulary{first: make([]int32, buckets+1), low: make([]uint32, len(hashes)), df: make([]uint16, len(hashes)), weight: make([]float32, len(docs)+1)}
	n := float64(len(docs))
	for f := range v.weight {
		if float64(f) <= max(commonShare*n, minCommon) {
			v.weight[f] = float32(math.Log((n+1)/(float64(f)+1)) + 1)
		}
	}
	for i, h := range hashes {
		v.first[h>>32+1]++
		v.low[i] = uint32(h)
		v.df[i] = uint16(df[h])
		df[h] = int32(i) // the map becomes hash → ID for training
	}
	for b := range buckets {
		v.first[b+1] += v.first[b]
	}
	v.ids = df
	return v
}

// size is the number of features.
func (v *vocabulary) size() int { return len(v.low) }

// idf is the weight of feature id: 0 for a feature so common it says
// nothing (see commonShare).
func (v *vocabulary) idf(id int32) float32 { return v.weight[v.df[id]] }

// trained drops what only training needed.
func (v *vocabulary) trained() { v.ids = nil }

func (v *vocabulary) id(h uint64) (int32, bool) {
	if v.ids != nil {
		id, ok := v.ids[h]
		return id, ok
	}
	from, to := v.first[h>>32], v.first[h>>32+1]
	i, ok := slices.BinarySearch(v.low[from:to], uint32(h))
	return from + int32(i), ok
}

// sortedFeatures returns the features of a text, its concepts' among
// them, sorted so that repeats are neighbours.
func (c *concepts) sortedFeatures(ws []string, buf []uint64) []uint64 {
	buf = appendFeatures(buf[:0], ws)
	buf = c.appendFeatures(buf, ws)
	for i := range buf {
		buf[i] >>= 64 - featureBits
	}
	slices.Sort(buf)
	return buf
}

// vectorize weighs sorted feature hashes (1 + ln tf) × idf and scales the
// result to unit length; features outside the vocabulary are left out.
func (v *vocabulary) vectorize(hs []uint64, dst vector) vector {
	dst.ids, dst.vals, dst.tf = dst.ids[:0], dst.vals[:0], dst.tf[:0]
	distinct, known := 0, 0
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && hs[j] == hs[i] {
			j++
		}
		distinct++
		id, ok := v.id(hs[i])
		if ok {
			known++
		}
		if ok && v.idf(id) > 0 {
			dst.ids = append(dst.ids, id)
			dst.vals = append(dst.vals, tfWeight(j-i)*v.idf(id))
			dst.tf = append(dst.tf, uint16(min(j-i, math.MaxUint16)))
		}
		i = j
	}
	dst.seen = float64(known) / float64(max(1, distinct))
	var norm float64
	for _, x := range dst.vals {
		norm += float64(x) * float64(x)
	}
	dst.scale = 1
	if norm > 0 {
		dst.scale = float32(1 / math.Sqrt(norm))
		for i := range dst.vals {
			dst.vals[i] *= dst.scale
		}
	}
	return dst
}

// tfWeight weighs a feature that occurs n times in a text: the second
// time adds less than the first.
func tfWeight(n int) float32 { return float32(1 + math.Log(float64(n))) }
