package match

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// fullEditDistance is the plain optimal-string-alignment distance over the
// whole matrix, the reference the banded editDistance must agree with.
func fullEditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// checkDistance compares editDistance, minDistance and commonPrefix with
// their plain definitions for one pair of words.
func checkDistance(t *testing.T, a, b string) {
	t.Helper()
	want := fullEditDistance(a, b)
	var q queryWord
	q.prepare(b)
	k := infoOf(a)
	for limit := 1; limit <= 2; limit++ {
		got := editDistance(a, k.n, q.runes, limit)
		if want <= limit && got != want || want > limit && got <= limit {
			t.Fatalf("editDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
	}
	if lb := minDistance(k.set, q.set); lb > want {
		t.Fatalf("minDistance(%q, %q) = %d, more than the distance %d", a, b, lb, want)
	}
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < min(len(ra), len(rb)) && ra[n] == rb[n] {
		n++
	}
	if got := commonPrefix(a, b); got != n {
		t.Fatalf("commonPrefix(%q, %q) = %d, want %d", a, b, got, n)
	}
}

// TestEditDistance checks the shortcuts of typo matching (the band, the
// rune-set bound, the byte-wise prefix) on random words over small
// alphabets, so that many pairs are within one or two edits.
func TestEditDistance(t *testing.T) {
	alphabets := [][]rune{[]rune("abc"), []rune("abcdef"), []rune("аеоб'є"), []rune("ሀሁለላ"), []rune("ابتپ"), []rune("aéø")}
	r := rand.New(rand.NewPCG(1, 2))
	word := func(alpha []rune, n int) string {
		w := make([]rune, n)
		for i := range w {
			w[i] = alpha[r.IntN(len(alpha))]
		}
		return string(w)
	}
	for range 20000 {
		alpha := alphabets[r.IntN(len(alphabets))]
		a := word(alpha, 1+r.IntN(12))
		b := []rune(a)
		for range r.IntN(4) { // a few random edits
			switch i := r.IntN(len(b) + 1); r.IntN(4) {
			case 0:
				b = append(b[:i:i], append([]rune{alpha[r.IntN(len(alpha))]}, b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i:i], b[i+1:]...)
				}
			case 2:
				if i < len(b) {
					b[i] = alpha[r.IntN(len(alpha))]
				}
			case 3:
				if i+1 < len(b) {
					b[i], b[i+1] = b[i+1], b[i]
				}
			}
		}
		checkDistance(t, a, string(b))
		checkDistance(t, string(b), a)
	}
	checkDistance(t, "oppholdstillatelse", "oppholdstilatelse")
	checkDistance(t, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnpoq") // rows off the stack
}

func FuzzEditDistance(f *testing.F) {
	f.Add("barnevernet", "barnevrnet")
	f.Add("заборона", "зaборонa")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) || len(a) > 64 || len(b) > 64 {
			return // words are normalised, hence valid, and short
		}
		checkDistance(t, a, b)
	})
}
