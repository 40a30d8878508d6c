package match

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// queryWord is a query word prepared once for comparing with the many
// catalog words its candidates are drawn from.
type queryWord struct {
	s     string
	runes []rune // for editDistance
	set   runeSet
}

// prepare readies q for w, reusing the rune buffer.
func (q *queryWord) prepare(w string) {
	q.s = w
	q.runes = q.runes[:0]
	q.set = 0
	for _, r := range w {
		q.runes = append(q.runes, r)
		q.set = q.set.with(r)
	}
}

// wordInfo is what wordMatch needs to know of a catalog word besides its
// text, worked out once when the index is built rather than for every
// comparison.
type wordInfo struct {
	n      int    // length in runes
	script script // of its first letter
	set    runeSet
}

// script tells the writing systems wordMatch treats specially.
type script uint8

const (
	otherScript script = iota
	thaiScript
	arabicScriptW
	ethiopicScript
)

func infoOf(w string) wordInfo {
	info := wordInfo{n: utf8.RuneCountInString(w)}
	for _, r := range w {
		info.set = info.set.with(r)
	}
	switch {
	case unsegmented(w):
		info.script = thaiScript
	case arabicScript(w):
		info.script = arabicScriptW
	case ethiopic(w):
		info.script = ethiopicScript
	}
	return info
}

// wordMatch says how well a query word qw stands for a catalog word kw, from
// 0 (not at all) to 1 (the same word). It tolerates what people do on a
// phone: inflected and compound forms, a truncated word, one typo (two in
// long words), and Arabic clitics around a short root.
func wordMatch(kw string, k wordInfo, qw *queryWord) float64 {
	if kw == qw.s {
		return 1
	}
	lk, lq := k.n, len(qw.runes)
	switch {
	case k.script == thaiScript:
		if lk >= 2 && strings.Contains(qw.s, kw) {
			return 1
		}
		return 0
	case lk >= 4 && strings.HasPrefix(qw.s, kw):
		return 0.9
	case lk >= 3 && (k.script == arabicScriptW || k.script == ethiopicScript) && strings.Contains(qw.s, kw):
		// Clitics and affixes around a short stem: و/ب/ال, ን-/ብ-.
		return 0.8
	case lq >= 5 && strings.HasPrefix(kw, qw.s) && lq*3 >= lk*2:
		return 0.8
	case lk >= 6 && strings.Contains(qw.s, kw):
		return 0.7
	}
	if stem := commonPrefix(kw, qw.s); stem >= 5 && stem*10 >= 7*min(lk, lq) {
		// Same stem, other ending: заборона/заборонити, oppholdstillatelsen/-r.
		return 0.75
	}
	if lk < 5 || abs(lk-lq) > 2 {
		return 0
	}
	limit := 1
	if lk >= 9 {
		limit = 2
	}
	if minDistance(k.set, qw.set) > limit {
		return 0 // most typo candidates end here, without the DP
	}
	if d := editDistance(kw, lk, qw.runes, limit); d <= limit {
		return 0.85 - 0.1*float64(d-1)
	}
	return 0
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// runeSet is a 64-bit signature of the runes of a word: a rune sets one
// bit, chosen by hashing, so different runes may share a bit.
type runeSet uint64

func (s runeSet) with(r rune) runeSet {
	// Fibonacci hashing: the top six bits of the product spread runes of
	// every script, including folded Ethiopic consonants 8 code points apart.
	return s | 1<<(uint32(r)*2654435769>>26)
}

// minDistance is a lower bound on the edit distance of two words from their
// rune sets. Every rune of one word that the other lacks must be deleted or
// substituted, one edit each (a swap only moves runes both words have), and
// a bit set in one set only stands for at least one such rune.
func minDistance(a, b runeSet) int {
	return max(bits.OnesCount64(uint64(a&^b)), bits.OnesCount64(uint64(b&^a)))
}

// editDistance is the optimal-string-alignment distance (Levenshtein plus
// swapping two neighbours) between a, of la runes, and b, giving up with
// limit+1 once it exceeds limit. It runs for typo candidates, so it does
// not allocate for words of ordinary length (a is decoded as it goes, the
// rows live on the stack) and only computes the band of cells within limit
// of the diagonal: a cell further off costs more than limit, so no
// alignment within limit passes through it. Cells next to the band are set
// to limit+1, which is then exact for every distance up to limit, and more
// than limit otherwise, all the caller looks at.
func editDistance(a string, la int, b []rune, limit int) int {
	if abs(la-len(b)) > limit {
		return limit + 1
	}
	const onStack = 40
	var buf [3][onStack + 1]int
	var prev2, prev, cur []int
	if len(b) <= onStack {
		prev2, prev, cur = buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	} else {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	outside := limit + 1
	var before rune // the rune of a before ra
	i := 0
	for _, ra := range a {
		i++
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		cur[0] = i
		best := cur[0]
		if lo > 1 {
			cur[lo-1] = outside // read as cur[j-1] by the first cell
		}
		for j := lo; j <= hi; j++ {
			cost := 1
			if ra == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra == b[j-2] && before == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = outside // read as prev[j] by the next row's last cell
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
		before = ra
	}
	return prev[len(b)]
}

// commonPrefix is the number of runes a and b share at the start. The
// words are valid UTF-8 (normalisation makes them so), so the runes they
// share are the bytes they share, cut back to where a rune starts.
func commonPrefix(a, b string) int {
	i, n := 0, min(len(a), len(b))
	for i < n && a[i] == b[i] {
		i++
	}
	for i < len(a) && i > 0 && !utf8.RuneStart(a[i]) {
		i--
	}
	return utf8.RuneCountInString(a[:i])
}
