package match

import (
	"iter"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// linear is a softmax regression over the features the neighbours use.
// Where the neighbours ask which messages this one is most like, the
// regression learns which features tell the classes apart: words two
// neighbouring entries share ("barnevernet", "permit") come to weigh
// little, and the one word that decides between them much. It is trained
// from the examples at load, deterministically, and kept sparse.
type linear struct {
	scale float64 // weights are kept as int16(w·scale), the largest at MaxInt16
	bias  []float32
	rows  featureRows
	start offsets // row → where its weights start in step and w
	// Per row, the classes its feature speaks for or against, ascending,
	// and how much: step is a weight's class less the previous one's (the
	// row's first: less 0). A class in 8 bits rather than 16 saves a
	// quarter of the weights' memory; where two classes of a row are more
	// than 255 apart, weights of 0 bridge the gap.
	step []uint8
	w    []int16
}

// featureRows numbers the features that have weights, in ID order: fewer than a
// third of them do, so an offset per row (and a bit per feature) takes a
// third of the memory of an offset per feature.
type featureRows struct {
	has  []uint64 // bit id%64 of has[id/64]: feature id has a row
	rank []int32  // rows of the features before has[i]
}

// row returns feature id's row, if it has one.
func (r *featureRows) row(id int32) (int32, bool) {
	word, bit := id/64, uint64(1)<<(id%64)
	if int(word) >= len(r.has) || r.has[word]&bit == 0 {
		return 0, false
	}
	return r.rank[word] + int32(bits.OnesCount64(r.has[word]&(bit-1))), true
}

// add gives feature id, the highest so far, the next row.
func (r *featureRows) add(id int32) {
	for len(r.has) <= int(id/64) {
		n := int32(0)
		if k := len(r.has); k > 0 {
			n = r.rank[k-1] + int32(bits.OnesCount64(r.has[k-1]))
		}
		r.has, r.rank = append(r.has, 0), append(r.rank, n)
	}
	r.has[id/64] |= 1 << (id % 64)
}

// of yields the classes feature id has a weight for, with the weights.
func (l *linear) of(id int32) iter.Seq2[int, int16] {
	return func(yield func(int, int16) bool) {
		r, ok := l.rows.row(id)
		if !ok {
			return
		}
		c := 0
		from, to := l.start.span(r)
		for k := from; k < to; k++ {
			c += int(l.step[k])
			if !yield(c, l.w[k]) {
				return
			}
		}
	}
}

// The regression's training, as cross-validation chose it: three passes
// rank as well as five, features in fewer than three messages add
// nothing, and weights below linearPrune (nine in ten) change no ranking.
const (
	linearEpochs = 3
	linearRate   = 3.0
	linearMinDF  = 3
	linearPrune  = 0.1
	linearMax    = 8 // weights are clamped to ±linearMax to fit 16 bits
	linearScale  = math.MaxInt16 / linearMax
)

// trainLinear fits the regression by stochastic gradient descent over the
// messages in a fixed shuffled order, with a learning rate that falls to
// zero. vs are the messages' vectors and classOf their classes (-1: not a
// class message); df is each feature's document frequency: rare features
// are not learned, which more than halves training time and memory.
// It reuses vs's slices: vs is not usable afterwards.
func trainLinear(vs []vector, classOf []int32, df func(id int32) int32, classes, features int) *linear {
	row := make([]int32, features) // feature ID → dense row, -1 when not learned
	rows := int32(0)
	for id := range row {
		row[id] = -1
		if df(int32(id)) >= linearMinDF {
			row[id], rows = rows, rows+1
		}
	}
	w := make([]float32, int(rows)*classes)
	bias := make([]float32, classes)
	// Each message's features become rows, once: the loop below then
	// reads memory in order.
	var order []int
	for i, c := range classOf {
		v := &vs[i]
		n := 0
		for j, id := range v.ids {
			if r := row[id]; r >= 0 {
				v.ids[n], v.vals[n] = r, v.vals[j]
				n++
			}
		}
		v.ids, v.vals = v.ids[:n], v.vals[:n]
		if c >= 0 && n > 0 {
			order = append(order, i)
		}
	}
	rng := rand.New(rand.NewPCG(13, 13))
	p := make([]float32, classes)
	var learn []int
	steps, total := 0, linearEpochs*len(order)
	for range linearEpochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, d := range order {
			lr := float32(linearRate * (1 - float64(steps)/float64(total)))
			steps++
			v := vs[d]
			copy(p, bias)
			for j, r := range v.ids {
				x := v.vals[j]
				for c, wc := range w[int(r)*classes : int(r+1)*classes] {
					p[c] += x * wc
				}
			}
			softmax(p)
			p[classOf[d]]--
			learn = learn[:0]
			for c, g := range p {
				if g <= -1e-4 || g >= 1e-4 { // else nothing to learn for c from this message
					learn = append(learn, c)
					bias[c] -= lr * g
				}
			}
			// The rows are still in the cache from the sum above.
			for j, r := range v.ids {
				x, wr := lr*v.vals[j], w[int(r)*classes:int(r+1)*classes]
				for _, c := range learn {
					wr[c] -= x * p[c]
				}
			}
		}
	}
	return packLinear(w, bias, row, classes)
}

// packLinear keeps the weights w (a dense row of classes per learned
// feature; row: feature ID → its row, -1 when not learned) that are at
// least linearPrune, in 16 bits.
func packLinear(w, bias []float32, row []int32, classes int) *linear {
	var top float32
	for _, x := range w {
		top = max(top, x, -x)
	}
	start := []int32{0}
	l := &linear{bias: bias, scale: math.MaxInt16 / max(float64(top), linearPrune)}
	// Each row's weights, by class and gap from the one before, counted
	// first: growing the slices by appending would hold up to twice the
	// memory.
	kept := func(r int32, each func(c, gap int, x float32)) {
		prev := 0
		for c, x := range w[int(r)*classes : int(r+1)*classes] {
			if x >= linearPrune || x <= -linearPrune {
				each(c, c-prev, x)
				prev = c
			}
		}
	}
	n := 0
	for _, r := range row {
		if r >= 0 {
			kept(r, func(_, gap int, _ float32) { n += 1 + max(gap-1, 0)/math.MaxUint8 })
		}
	}
	l.step, l.w = make([]uint8, 0, n), make([]int16, 0, n)
	for id, r := range row {
		if r >= 0 {
			kept(r, func(c, gap int, x float32) {
				for ; gap > math.MaxUint8; gap -= math.MaxUint8 {
					l.step, l.w = append(l.step, math.MaxUint8), append(l.w, 0)
				}
				l.step, l.w = append(l.step, uint8(gap)), append(l.w, int16(math.Round(float64(x)*l.scale)))
			})
		}
		if n := int32(len(l.w)); n > start[len(start)-1] {
			l.rows.add(int32(id))
			start = append(start, n)
		}
	}
	l.start = newOffsets(start)
	return l
}

// scores puts the class probabilities of the message v into p.
func (l *linear) scores(v vector, p []float64) {
	for c := range p {
		p[c] = float64(l.bias[c])
	}
	for j, id := range v.ids {
		x := float64(v.vals[j]) / l.scale
		for c, w := range l.of(id) {
			p[c] += x * float64(w)
		}
	}
	softmax(p)
}

// softmax turns scores into probabilities, in place.
func softmax[F float32 | float64](p []F) {
	top := slices.Max(p)
	var sum F
	for c, x := range p {
		p[c] = F(math.Exp(float64(x - top)))
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
}
