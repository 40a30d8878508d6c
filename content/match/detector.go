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
// so acute examples weigh as much in training as all the others together
// and the threshold sits below one half.
type detector struct {
	concepts  *concepts
	near      *classifier // acute, calm, other
	mode      int
	margin    float64
	vocab     *vocabulary
	w         []float32
	b         float64
	threshold float64
	scratch   sync.Pool // *detectScratch
}

// Training settings: fixed, so the same content always gives the same
// detector.
const (
	detectEpochs = 12
	detectRate   = 0.5
	detectL2     = 1e-6
	detectSeed   = 20261206
	// window is the number of words looked at together in a long message:
	// "yesterday he beat me and says he will kill me" at the end of a long
	// story must not be drowned by the story.
	window = 14
)

func trainDetector(cs *concepts, pos, calm, neg [][]string, threshold float64, mode int, margin, l2 float64, epochs int, noBias bool, balance float64) *detector {
	var near []trainDoc
	for _, d := range pos {
		near = append(near, trainDoc{0, d})
	}
	for _, d := range calm {
		near = append(near, trainDoc{1, d})
	}
	for _, d := range neg {
		near = append(near, trainDoc{2, d})
	}
	nearC := trainClassifier(cs, []string{"acute", "calm", "other"}, near)
	neg = append(append([][]string{}, calm...), neg...)
	docs := append(append([][]string{}, pos...), neg...)
	hashed := make([][]uint64, len(docs))
	for i, d := range docs {
		hashed[i] = cs.sortedFeatures(d, nil)
	}
	d := &detector{concepts: cs, vocab: learnVocabulary(hashed), threshold: threshold}
	d.w = make([]float32, len(d.vocab.idf))
	vs := make([]vector, len(docs))
	for i := range docs {
		vs[i] = d.vocab.vectorize(hashed[i], vector{})
	}
	weight := [2]float64{1, 1}
	if balance > 0 && len(pos) > 0 && len(neg) > 0 {
		weight[1] = math.Pow(float64(len(neg))/float64(len(pos)), balance) // balanced classes
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(detectSeed, detectSeed))
	for epoch := range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := detectRate / (1 + float64(epoch))
		for _, i := range order {
			y := 0.0
			if i < len(pos) {
				y = 1
			}
			g := (sigmoid(d.dot(vs[i])) - y) * weight[int(y)] * rate
			for j, id := range vs[i].ids {
				w := float64(d.w[id])
				d.w[id] = float32(w - g*float64(vs[i].vals[j]) - rate*l2*w)
			}
			if !noBias {
				d.b -= g
			}
		}
	}
	d.scratch.New = func() any { return &detectScratch{} }
	d.near, d.mode, d.margin = nearC, mode, margin
	return d
}

func (d *detector) dot(v vector) float64 {
	s := d.b
	for j, id := range v.ids {
		s += float64(d.w[id]) * float64(v.vals[j])
	}
	return s
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

type detectScratch struct {
	hashes []uint64
	v      vector
}

// probability is how likely the message (normalised words) means danger
// now: the highest of the whole message and of each window of it.
func (d *detector) probability(ws []string) float64 {
	s := d.scratch.Get().(*detectScratch)
	defer d.scratch.Put(s)
	score := func(part []string) float64 {
		s.hashes = d.concepts.sortedFeatures(part, s.hashes)
		s.v = d.vocab.vectorize(s.hashes, s.v)
		return sigmoid(d.dot(s.v))
	}
	p := score(ws)
	for start := 0; start+window < len(ws)+window/2 && len(ws) > window; start += window / 2 {
		p = max(p, score(ws[start:min(len(ws), start+window)]))
	}
	return p
}

func (d *detector) acute(ws []string) bool {
	lr := d.probability(ws) >= d.threshold
	sc, _ := d.near.scores(ws, nil, nil)
	nn := sc[0]-max(sc[1], sc[2]) >= d.margin
	switch d.mode {
	case 1:
		return nn
	case 2:
		return lr && nn
	case 3:
		return lr || nn
	}
	return lr
}
