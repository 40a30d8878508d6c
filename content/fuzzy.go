package content

import (
	"strings"
	"unicode/utf8"
)

// wordMatch says how well a query word qw stands for a catalog word kw, from
// 0 (not at all) to 1 (the same word). It tolerates what people do on a
// phone: inflected and compound forms, a truncated word, one typo (two in
// long words), and Arabic clitics around a short root.
func wordMatch(kw, qw string) float64 {
	if kw == qw {
		return 1
	}
	lk, lq := utf8.RuneCountInString(kw), utf8.RuneCountInString(qw)
	switch {
	case unsegmented(kw):
		if lk >= 2 && strings.Contains(qw, kw) {
			return 1
		}
		return 0
	case lk >= 4 && strings.HasPrefix(qw, kw):
		return 0.9
	case lk >= 3 && (arabicScript(kw) || ethiopic(kw)) && strings.Contains(qw, kw):
		// Clitics and affixes around a short stem: و/ب/ال, ን-/ብ-.
		return 0.8
	case lq >= 5 && strings.HasPrefix(kw, qw) && lq*3 >= lk*2:
		return 0.8
	case lk >= 6 && strings.Contains(qw, kw):
		return 0.7
	}
	if stem := commonPrefix(kw, qw); stem >= 5 && stem*10 >= 7*min(lk, lq) {
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
	if d := editDistance(kw, qw, limit); d <= limit {
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

// editDistance is the optimal-string-alignment distance (Levenshtein plus
// swapping two neighbours), giving up with limit+1 once it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// commonPrefix is the number of runes a and b share at the start.
func commonPrefix(a, b string) int {
	n := 0
	for a != "" && b != "" {
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb {
			break
		}
		a, b, n = a[sa:], b[sb:], n+1
	}
	return n
}
