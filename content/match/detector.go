package match

import (
	"math"
	"math/rand/v2"
	"sync"
)

// detector tells whether a message means danger now: logistic regression
// on the same features as the classifier, trained on acute examples
// against everything that is not (past violence, questions about the law,
// everyday words like "kill time", ordinary questions). Missing a woman in
// danger costs far more than showing the emergency numbers once too often,
// so the threshold sits well below one half (and acute examples can be
// weighed up in training: Settings.Balance).
type detector struct {
	concepts *concepts
	vocab    *vocabulary
	w        []float32 // per feature, while training
	// q are the trained weights in 16 bits: w[id] = q[id]·unit. Kept as
	// numbers that fine (unit is 1/32767 of the largest weight), they
	// change a probability by less than 10⁻⁴, and take half the memory.
	q         []int16
	unit      float64
	b         float64
	threshold float64
	short     float64   // the threshold for messages of shortMessage words or fewer
	shortThai float64   // the same for a message in a script without spaces (Thai)
	window    float64   // the threshold for one window of a long message
	sure      float64   // the threshold for a message shaped like a not-acute example
	scratch   sync.Pool // *detectScratch
}

// Training settings that are not worth a knob: fixed, so the same content
// always gives the same detector.
const (
	detectRate = 0.5
	detectSeed = 20261206
	// window is the number of words looked at together in a long message:
	// "yesterday he beat me and says he will kill me" at the end of a long
	// story must not be drowned by the story.
	window = 14
)

// dangerExamples are what the detector learns from: the sorted feature
// hashes of messages, by what they say.
type dangerExamples struct {
	acute [][]uint64 // danger now
	calm  [][]uint64 // hard negatives: past violence, questions about the law, everyday trap words
	other [][]uint64 // everything else that is not about violence
	asked [][]uint64 // questions about violence: not danger now either (Settings.AskedWeight)
}

// trainDetector learns from ex with the classifier's vocabulary, which
// has all their features.
func trainDetector(cs *concepts, vocab *vocabulary, ex dangerExamples, set Settings) *detector {
	type doc struct {
		hashes   []uint64
		y, scale float64 // acute or not; how much more it weighs than others of its kind
	}
	var docs []doc
	add := func(list [][]uint64, y, scale float64) {
		if scale <= 0 {
			return // teaches nothing
		}
		for _, h := range list {
			docs = append(docs, doc{h, y, scale})
		}
	}
	add(ex.acute, 1, 1)
	add(ex.calm, 0, set.CalmWeight) // the trap words must be learnt
	add(ex.other, 0, 1)
	add(ex.asked, 0, set.AskedWeight)
	d := newDetector(cs, vocab, set)
	d.w = make([]float32, d.vocab.size())
	vs := make([]vector, len(docs))
	parallel(len(docs), func(i int) { vs[i] = d.vocab.vectorize(docs[i].hashes, vector{}) })
	// Acute examples are the fewer; balance weighs them up, partly (0 not
	// at all, 1 as much as all the others together).
	weight := [2]float64{1, 1}
	if others := len(docs) - len(ex.acute); len(ex.acute) > 0 && others > 0 {
		weight[1] = math.Pow(float64(others)/float64(len(ex.acute)), set.Balance)
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(detectSeed, detectSeed))
	for epoch := range set.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := detectRate / (1 + float64(epoch))
		for _, i := range order {
			y := docs[i].y
			g := (sigmoid(d.dot(vs[i])) - y) * weight[int(y)] * rate * docs[i].scale
			for j, id := range vs[i].ids {
				w := float64(d.w[id])
				d.w[id] = float32(w - g*float64(vs[i].vals[j]) - rate*set.L2*w)
			}
			d.b -= g
		}
	}
	d.quantize()
	return d
}

// quantize turns the trained weights into q and unit.
func (d *detector) quantize() {
	var top float32
	for _, x := range d.w {
		top = max(top, x, -x)
	}
	d.unit = max(float64(top), 1e-9) / math.MaxInt16
	d.q = make([]int16, len(d.w))
	for id, x := range d.w {
		d.q[id] = int16(math.Round(float64(x) / d.unit))
	}
	d.w = nil
}

// newDetector is a detector with its thresholds and no weights yet.
func newDetector(cs *concepts, vocab *vocabulary, set Settings) *detector {
	d := &detector{concepts: cs, vocab: vocab, threshold: set.Danger, short: max(set.Danger, set.DangerShort),
		shortThai: max(set.Danger, set.DangerUnsegmented),
		window:    max(set.Danger, set.DangerWindow), sure: set.DangerSure}
	d.scratch.New = func() any { return &detectScratch{} }
	return d
}

func (d *detector) dot(v vector) float64 {
	var s float64
	if d.q == nil { // training
		for j, id := range v.ids {
			s += float64(d.w[id]) * float64(v.vals[j])
		}
		return d.b + s
	}
	for j, id := range v.ids {
		s += float64(d.q[id]) * float64(v.vals[j])
	}
	return d.b + s*d.unit
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

type detectScratch struct {
	hashes []uint64
	v      vector
}

// probability is how likely the message (normalised words) means danger
// now, as the whole message and as the most alarming window of it.
func (d *detector) probability(ws []string) (whole, windows float64) {
	s := d.scratch.Get().(*detectScratch)
	defer d.scratch.Put(s)
	score := func(part []string) float64 {
		s.hashes = d.concepts.sortedFeatures(part, s.hashes)
		s.v = d.vocab.vectorize(s.hashes, s.v)
		return sigmoid(d.dot(s.v))
	}
	whole = score(ws)
	for start := 0; len(ws) > window && start < len(ws); start += window / 2 {
		windows = max(windows, score(ws[start:min(len(ws), start+window)]))
		if start+window >= len(ws) {
			break
		}
	}
	return whole, windows
}

// acute is whether the message means danger now, and how likely the
// detector finds danger in it (the whole message or its most alarming
// window, whichever is higher).
func (d *detector) acute(ws []string, calm bool) (bool, float64) {
	if len(d.q) == 0 {
		return false, 0
	}
	threshold, part := d.thresholds(ws, calm)
	whole, windows := d.probability(ws)
	return whole >= threshold || windows >= part, max(whole, windows)
}

// thresholds are what the whole message and its most alarming window
// must reach. A message of a few words carries little evidence, and one
// strong word of it ("tomorrow", "kill") should not be enough, so short
// messages need more; a Thai "word" is a run of words, so a Thai message
// of a few of them is a sentence, and needs more still. A message shaped
// like a not-acute example (calm, see Matcher.calmShape) needs the
// detector to be sure.
func (d *detector) thresholds(ws []string, calm bool) (whole, part float64) {
	whole, part = d.threshold, d.window
	if len(ws) <= shortMessage {
		whole = d.short
		if unsegmented(ws[0]) {
			whole = d.shortThai
		}
	}
	if calm {
		whole, part = max(whole, d.sure), max(part, d.sure)
	}
	return whole, part
}

// shortMessage is the most words a message has for the short threshold.
const shortMessage = 3
