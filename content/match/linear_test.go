package match

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// toyMessages is a small problem with the shape of the real one: features
// 0 and 1 are in every message of classes 0 and 1 (the words two
// neighbouring entries share), feature 2 only in class 0 and feature 3
// only in class 1 (the word that decides), features 4 and 5 are class 2's,
// and 6 is noise in every class. The weights are tf-idf-like and each
// vector has unit length, as vectorize makes them.
func toyMessages() ([]vector, []int32) {
	rng := rand.New(rand.NewPCG(7, 7))
	var vs []vector
	var classOf []int32
	for i := range 60 {
		class := int32(i % 3)
		var ids []int32
		switch class {
		case 0:
			ids = []int32{0, 1, 2}
		case 1:
			ids = []int32{0, 1, 3}
		case 2:
			ids = []int32{4, 5}
		}
		if rng.IntN(2) == 0 {
			ids = append(ids, 6)
		}
		vals := make([]float32, len(ids))
		var norm float64
		for j := range vals {
			vals[j] = float32(0.5 + rng.Float64())
			norm += float64(vals[j] * vals[j])
		}
		for j := range vals {
			vals[j] /= float32(math.Sqrt(norm))
		}
		vs = append(vs, vector{ids: ids, vals: vals})
		classOf = append(classOf, class)
	}
	return vs, classOf
}

func cloneVectors(vs []vector) []vector {
	out := make([]vector, len(vs))
	for i, v := range vs {
		out[i] = vector{ids: slices.Clone(v.ids), vals: slices.Clone(v.vals)}
	}
	return out
}

func dfOf(vs []vector, features int) func(int32) int32 {
	df := make([]int32, features)
	for _, v := range vs {
		for _, id := range v.ids {
			df[id]++
		}
	}
	return func(id int32) int32 { return df[id] }
}

// referenceLinear fits the same softmax regression the plain way: full
// gradient descent on dense weights, no pruning, no 16-bit weights. It
// returns the class probabilities of a vector.
func referenceLinear(vs []vector, classOf []int32, classes, features int) func(vector) []float64 {
	w := make([][]float64, features)
	for f := range w {
		w[f] = make([]float64, classes)
	}
	b := make([]float64, classes)
	probs := func(v vector) []float64 {
		p := slices.Clone(b)
		for j, id := range v.ids {
			for c := range p {
				p[c] += float64(v.vals[j]) * w[id][c]
			}
		}
		softmax(p)
		return p
	}
	for range 2000 {
		gw := make([][]float64, features)
		for f := range gw {
			gw[f] = make([]float64, classes)
		}
		gb := make([]float64, classes)
		for i, v := range vs {
			p := probs(v)
			p[classOf[i]]--
			for c, g := range p {
				gb[c] += g
				for j, id := range v.ids {
					gw[id][c] += g * float64(v.vals[j])
				}
			}
		}
		for c := range b {
			b[c] -= 0.5 * gb[c] / float64(len(vs))
			for f := range w {
				w[f][c] -= 0.5 * gw[f][c] / float64(len(vs))
			}
		}
	}
	return probs
}

// TestLinearMatchesReference: the trained regression puts every message,
// and messages it never saw, in the class the reference puts them in, and
// its probabilities are probabilities.
func TestLinearMatchesReference(t *testing.T) {
	const classes, features = 3, 7
	vs, classOf := toyMessages()
	ref := referenceLinear(vs, classOf, classes, features)
	l := trainLinear(cloneVectors(vs), classOf, dfOf(vs, features), classes, features)
	probes := append(slices.Clone(vs),
		vector{ids: []int32{2}, vals: []float32{1}},                    // only the deciding word of class 0
		vector{ids: []int32{0, 3}, vals: []float32{0.6, 0.8}},          // a shared word and class 1's
		vector{ids: []int32{5, 6}, vals: []float32{0.8, 0.6}},          // class 2's word and noise
		vector{ids: []int32{0, 1, 3}, vals: []float32{0.7, 0.7, 0.14}}, // mostly shared words
	)
	argmax := func(p []float64) int { return slices.Index(p, slices.Max(p)) }
	for i, v := range probes {
		got := make([]float64, classes)
		l.scores(v, got)
		var sum float64
		for _, p := range got {
			sum += p
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("probe %d: probabilities sum to %v", i, sum)
		}
		want := ref(v)
		if argmax(got) != argmax(want) {
			t.Errorf("probe %d %v: class %d (%.2f), reference %d (%.2f)", i, v.ids, argmax(got), got, argmax(want), want)
		}
	}
}

// TestLinearWeighsTheDecidingWord: the words two classes share weigh
// less for either than the word that tells them apart: the reason the
// regression is there beside the neighbours.
func TestLinearWeighsTheDecidingWord(t *testing.T) {
	const classes, features = 3, 7
	vs, classOf := toyMessages()
	l := trainLinear(cloneVectors(vs), classOf, dfOf(vs, features), classes, features)
	weight := func(feature int32, class int) float64 {
		for c, w := range l.of(feature) {
			if c == class {
				return float64(w) / l.scale
			}
		}
		return 0
	}
	if shared, deciding := weight(0, 0), weight(2, 0); deciding <= shared {
		t.Errorf("class 0: shared word weighs %.2f, deciding word %.2f", shared, deciding)
	}
	if shared, deciding := weight(1, 1), weight(3, 1); deciding <= shared {
		t.Errorf("class 1: shared word weighs %.2f, deciding word %.2f", shared, deciding)
	}
}

// TestLinearDeterministic: the same messages give the same weights, run
// after run, so a catalog always answers the same way.
func TestLinearDeterministic(t *testing.T) {
	const classes, features = 3, 7
	vs, classOf := toyMessages()
	a := trainLinear(cloneVectors(vs), classOf, dfOf(vs, features), classes, features)
	b := trainLinear(cloneVectors(vs), classOf, dfOf(vs, features), classes, features)
	if !slices.Equal(a.w, b.w) || !slices.Equal(a.step, b.step) || !slices.Equal(a.bias, b.bias) || a.scale != b.scale {
		t.Error("two trainings on the same messages differ")
	}
}

// TestLinearSkipsRareFeatures: a feature in fewer than linearMinDF
// messages gets no weight, so one odd example cannot decide a class.
func TestLinearSkipsRareFeatures(t *testing.T) {
	const classes, features = 3, 8
	vs, classOf := toyMessages()
	vs[0] = vector{ids: []int32{2, 7}, vals: []float32{0.6, 0.8}} // feature 7 once
	l := trainLinear(cloneVectors(vs), classOf, dfOf(vs, features), classes, features)
	for c := range l.of(7) {
		t.Errorf("feature 7, in one message, has a weight for class %d", c)
	}
}

// TestFeatureRowsMatchReference: the rows the bit index gives are the
// places of the features in the sorted list of those that have one.
func TestFeatureRowsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var r featureRows
	want := map[int32]int32{}
	id := int32(-1)
	for len(want) < 500 {
		id += 1 + int32(rng.IntN(150)) // neighbours, and gaps longer than a word of bits
		want[id] = int32(len(want))
		r.add(id)
	}
	for q := int32(0); q <= id+200; q++ {
		got, ok := r.row(q)
		w, wok := want[q]
		if ok != wok || got != w {
			t.Fatalf("row(%d) = %d, %v; want %d, %v", q, got, ok, w, wok)
		}
	}
}

// TestLinearKeepsClassesFarApart: a feature's weights come back for the
// classes they were learned for, also when classes of one row are more
// than a step (255) apart, and weights under linearPrune are left out.
func TestLinearKeepsClassesFarApart(t *testing.T) {
	const classes = 700
	want := map[int32]map[int]float32{
		0: {0: 1, 1: -0.5, 255: 2, 256: 0.3, 699: -3},
		2: {511: 0.7},
		3: {},
		4: {698: 0.2, 699: 0.25},
	}
	row := []int32{0, -1, 1, 2, 3}
	w := make([]float32, 4*classes)
	for id, ws := range want {
		for c, x := range ws {
			w[int(row[id])*classes+c] = x
		}
	}
	w[int(row[3])*classes+400] = linearPrune / 2 // left out
	l := packLinear(w, make([]float32, classes), row, classes)
	for id := range int32(len(row)) {
		got := map[int]float32{}
		for c, x := range l.of(id) {
			if x != 0 { // a bridge
				got[c] = float32(float64(x) / l.scale)
			}
		}
		if len(got) != len(want[id]) {
			t.Errorf("feature %d: weights %v, want %v", id, got, want[id])
			continue
		}
		for c, x := range want[id] {
			if math.Abs(float64(got[c]-x)) > 1e-3 {
				t.Errorf("feature %d, class %d: weight %v, want %v", id, c, got[c], x)
			}
		}
	}
}
