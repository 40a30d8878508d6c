package match

import "math"

// offsets says where each item's part of a long array starts, in about 2
// bytes an item instead of 4: a 32-bit base per block of items, and per
// item a 16-bit offset from its block's base. Blocks are as long as the
// offsets allow, up to 64 items: the postings of 64 rare features fit in
// 16 bits, where a few common ones would not.
type offsets struct {
	shift uint     // a block is 1<<shift items
	base  []int32  // per block, where its first item starts
	off   []uint16 // per item and one past the last, from its block's base
}

// maxShift makes blocks of at most 64 items.
const maxShift = 6

// newOffsets packs start, where item i starts at start[i] and the last
// ends at start[len(start)-1] (ascending).
func newOffsets(start []int32) offsets {
	for shift := uint(maxShift); ; shift-- {
		if o, ok := packOffsets(start, shift); ok {
			return o
		}
	}
}

// packOffsets is newOffsets with blocks of 1<<shift items, if every
// offset fits 16 bits (with blocks of one item, each offset is 0).
func packOffsets(start []int32, shift uint) (offsets, bool) {
	o := offsets{shift: shift, off: make([]uint16, len(start))}
	for i, s := range start {
		if i>>shift == len(o.base) {
			o.base = append(o.base, s)
		}
		d := s - o.base[i>>shift]
		if d > math.MaxUint16 {
			return offsets{}, false
		}
		o.off[i] = uint16(d)
	}
	o.base = o.base[:len(o.base):len(o.base)]
	return o, true
}

// at is where item i starts (i = items: where the last ends).
func (o *offsets) at(i int32) int32 { return o.base[i>>o.shift] + int32(o.off[i]) }

// span is where item i starts and ends.
func (o *offsets) span(i int32) (int32, int32) { return o.at(i), o.at(i + 1) }

// items is the number of items.
func (o *offsets) items() int { return len(o.off) - 1 }

// fits is whether o is offsets for items items into an array of length
// n: as many blocks as the items need, the first item at 0 and the last
// ending at n.
func (o *offsets) fits(items, n int) bool {
	return o.shift <= maxShift && items >= 0 && len(o.off) == items+1 && len(o.base) == items>>o.shift+1 &&
		o.at(0) == 0 && int(o.at(int32(items))) == n
}
