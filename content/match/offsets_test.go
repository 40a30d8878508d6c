package match

import (
	"math/rand/v2"
	"testing"
)

// TestOffsetsMatchStarts: packed offsets give back every start, whether
// items are small (long blocks) or some are too large for 16 bits
// within a block (shorter blocks, down to one item).
func TestOffsetsMatchStarts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name      string
		largest   int32
		wantShift uint
	}{
		{"small items", 10, maxShift},
		{"some large items", 30000, maxShift - 1},
		{"huge items", 70000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := []int32{0}
			for range 1000 {
				size := rng.Int32N(4)
				if rng.IntN(50) == 0 {
					size = tc.largest
				}
				start = append(start, start[len(start)-1]+size)
			}
			o := newOffsets(start)
			if o.items() != len(start)-1 {
				t.Fatalf("%d items, want %d", o.items(), len(start)-1)
			}
			if o.shift > tc.wantShift {
				t.Errorf("blocks of %d items, want at most %d", 1<<o.shift, 1<<tc.wantShift)
			}
			for i := range int32(len(start)) {
				if got := o.at(i); got != start[i] {
					t.Fatalf("at(%d) = %d, want %d", i, got, start[i])
				}
			}
		})
	}
}
