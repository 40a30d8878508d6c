package match

import (
	"math"
	"slices"
	"sync"
)

// classifier tells which class (an entry, "out of scope", a kind of small
// talk) a message belongs to by the training messages nearest to it: the
// score of a class is the mean cosine similarity of its k most similar
// messages. Near neighbours rather than one weight vector per class,
// because a class is many different situations ("he took my passport",
// "the permit runs out") that a single average would blur, and because a
// similarity in [0, 1] doubles as the confidence that decides "no match".
// The same neighbours, grouped by the language they are written in
// instead, tell the language of a message.
type classifier struct {
	concepts *concepts
	vocab    *vocabulary
	classes  int
	langs    int
	docs     int       // training messages; the rows after them are the classes' centroids
	classOf  []int32   // row → class, -1 for centroids
	langOf   []int32   // row → language, -1 for keywords, titles and centroids
	dangerOf []int32   // row → 0 acute, 1 calm, -1 neither
	start    []int32   // feature ID → where its postings start in post
	post     []posting // per feature, the rows that have it, in row order

	lin *linear // the regression over the same features

	scratch sync.Pool // *classScratch
}

// posting is a row (a training message, or a class's centroid) that has a
// feature, and the feature's weight in it. Both fit 16 bits, which halves
// the matcher's largest table: weights are in [0, 1], and maxDocs bounds
// the rows.
//
// Each class's centroid, the mean of its messages, is what a class's
// messages have in common, which a few neighbours can miss. Centroids are
// rows after the training messages rather than a table of their own: one
// offset per feature instead of two (1.4 MB), and one pass over the
// postings scores both.
type posting struct {
	doc uint16
	w   uint16
}

const maxDocs = 1<<16 - 1

// weightScale turns a weight in [0, 1] into 16 bits.
const weightScale = 1<<16 - 1

// centroidMin is the smallest weight a centroid keeps. A class's centroid
// has every feature of every one of its messages, most of them with
// weights near zero; below 0.002 they are three quarters of the centroids'
// postings, and cross-validation ranked 3 of 16,794 held-out examples
// lower without them (top-3 9 lower).
const centroidMin = 0.002

// neighbours is the k of the k nearest messages per class.
const neighbours = 3

// trainDoc is one training message: its class, its language (-1 when it
// should not teach languages), whether it is a danger example (0 acute, 1
// calm, -1 neither) and its sorted feature hashes.
type trainDoc struct {
	class, lang, danger int32
	hashes              []uint64
}

func trainClassifier(cs *concepts, classes, langs int, docs []trainDoc) *classifier {
	docs = docs[:min(len(docs), maxDocs-classes)] // beyond what any catalog needs; see maxDocs
	hashed := make([][]uint64, len(docs))
	for i, d := range docs {
		hashed[i] = d.hashes
	}
	n := len(docs)
	rows := n + classes
	c := &classifier{concepts: cs, classes: classes, langs: langs, docs: n, vocab: learnVocabulary(hashed),
		classOf: make([]int32, rows), langOf: make([]int32, rows), dangerOf: make([]int32, rows)}
	vs := make([]vector, n, rows)
	parallel(n, func(i int) { vs[i] = c.vocab.vectorize(docs[i].hashes, vector{}) })
	for i, d := range docs {
		c.classOf[i], c.langOf[i], c.dangerOf[i] = d.class, d.lang, d.danger
	}
	vs = append(vs, centroids(vs, c.classOf[:n], classes, c.vocab.size())...)
	for i := n; i < rows; i++ {
		c.classOf[i], c.langOf[i], c.dangerOf[i] = -1, -1, -1
	}
	c.start = make([]int32, c.vocab.size()+1)
	for _, v := range vs {
		for _, id := range v.ids {
			c.start[id+1]++
		}
	}
	for i := 1; i < len(c.start); i++ {
		c.start[i] += c.start[i-1]
	}
	c.post = make([]posting, c.start[len(c.start)-1])
	fill := slices.Clone(c.start)
	for i, v := range vs {
		for j, id := range v.ids {
			c.post[fill[id]] = posting{doc: uint16(i), w: uint16(math.Round(float64(v.vals[j]) * weightScale))}
			fill[id]++
		}
	}
	df := func(id int32) int32 {
		if c.vocab.idf(id) == 0 {
			return 0 // common: in no message's vector
		}
		return int32(c.vocab.df[id])
	}
	c.lin = trainLinear(vs[:n], c.classOf[:n], df, classes, c.vocab.size())
	c.scratch.New = func() any {
		return &classScratch{sim: make([]float32, rows), top: make([][neighbours]float32, max(classes, langs, 2)), cent: make([]float64, classes)}
	}
	return c
}

// centroids sums each class's message vectors (classOf: message → class)
// and scales the sums to unit length, leaving out weights below
// centroidMin. One dense row is reused class by class, which is far
// cheaper than a map per class.
func centroids(vs []vector, classOf []int32, classes, features int) []vector {
	byClass := make([][]int, classes)
	for i := range vs {
		if cl := classOf[i]; cl >= 0 {
			byClass[cl] = append(byClass[cl], i)
		}
	}
	out := make([]vector, classes)
	row := make([]float64, features)
	var touched []int32
	for cl, docs := range byClass {
		for _, i := range docs {
			for j, id := range vs[i].ids {
				if row[id] == 0 {
					touched = append(touched, id)
				}
				row[id] += float64(vs[i].vals[j])
			}
		}
		var norm float64
		for _, id := range touched {
			norm += row[id] * row[id]
		}
		norm = math.Sqrt(norm)
		slices.Sort(touched)
		for _, id := range touched {
			if w := row[id] / norm; w >= centroidMin {
				out[cl].ids = append(out[cl].ids, id)
				out[cl].vals = append(out[cl].vals, float32(w))
			}
			row[id] = 0
		}
		touched = touched[:0]
	}
	return out
}

// classScratch is the working memory of one classification.
type classScratch struct {
	cent    []float64 // per class, the centroid similarity
	hashes  []uint64
	v       vector
	sim     []float32 // per training message
	touched []int32
	top     [][neighbours]float32 // per class, best similarities, highest first
}

// near is what one pass over the training messages finds for a message.
type near struct {
	mean, top1 []float64 // per class: mean similarity of its k nearest, and of its nearest
	cent       []float64 // per class: similarity to its centroid (when asked for)
	lin        []float64 // per class: the linear model's probability (with the centroids)
	acute      float64   // similarity of the nearest acute example
	calm       float64   // … and of the nearest calm one
	seen       float64   // the share of the message's features training knew
}

// look compares the message (normalised words) with every training
// message once and fills out, reusing its slices; the centroids are
// compared too when centroids is true.
func (c *classifier) look(ws []string, centroids bool, out *near) {
	s := c.scratch.Get().(*classScratch)
	defer c.scratch.Put(s)
	s.hashes = c.concepts.sortedFeatures(ws, s.hashes)
	s.v = c.vocab.vectorize(s.hashes, s.v)
	out.seen = s.v.seen
	c.accumulate(s)
	if centroids {
		for i, sim := range s.sim[c.docs:] {
			s.cent[i] = float64(sim)
		}
	}
	var danger [2]float32
	for _, d := range s.touched {
		sim := s.sim[d]
		if l := c.classOf[d]; l >= 0 {
			insertTop(&s.top[l], sim)
		}
		if l := c.dangerOf[d]; l >= 0 {
			danger[l] = max(danger[l], sim)
		}
		s.sim[d] = 0
	}
	s.touched = s.touched[:0]
	out.acute, out.calm = float64(danger[0]), float64(danger[1])
	out.mean, out.top1 = s.means(c.classes, out.mean, out.top1)
	out.cent = out.cent[:0]
	if centroids {
		out.cent = append(out.cent, s.cent...)
		// A message of words training never saw gets only the classes'
		// priors from the regression: no evidence, so no probabilities.
		out.lin = out.lin[:0]
		if s.v.seen >= 0.5 {
			out.lin = slices.Grow(out.lin, c.classes)[:c.classes] // scores sets every class
			c.lin.scores(s.v, out.lin)
		}
	}
}

// languages is, per language, the mean similarity of the message to its k
// nearest training messages in that language.
func (c *classifier) languages(ws []string) []float64 {
	s := c.scratch.Get().(*classScratch)
	defer c.scratch.Put(s)
	s.hashes = c.concepts.sortedFeatures(ws, s.hashes)
	s.v = c.vocab.vectorize(s.hashes, s.v)
	c.accumulate(s)
	for _, d := range s.touched {
		if l := c.langOf[d]; l >= 0 {
			insertTop(&s.top[l], s.sim[d])
		}
		s.sim[d] = 0
	}
	s.touched = s.touched[:0]
	out, _ := s.means(c.langs, nil, nil)
	return out
}

// accumulate adds up, per training message, its similarity to s.v.
func (c *classifier) accumulate(s *classScratch) {
	for j, id := range s.v.ids {
		q := s.v.vals[j]
		for _, p := range c.post[c.start[id]:c.start[id+1]] {
			if s.sim[p.doc] == 0 {
				s.touched = append(s.touched, int32(p.doc))
			}
			s.sim[p.doc] += q * float32(p.w) / weightScale
		}
	}
}

// means turns the best similarities per label into the mean of the k best
// and the best, and clears them for the next message.
func (s *classScratch) means(n int, mean, top1 []float64) ([]float64, []float64) {
	mean, top1 = mean[:0], top1[:0]
	for i := range n {
		var sum float32
		for _, x := range s.top[i] {
			sum += x
		}
		mean = append(mean, float64(sum)/neighbours)
		top1 = append(top1, float64(s.top[i][0]))
		s.top[i] = [neighbours]float32{}
	}
	return mean, top1
}

// insertTop keeps the highest similarities, highest first.
func insertTop(top *[neighbours]float32, x float32) {
	for i := range top {
		if x > top[i] {
			copy(top[i+1:], top[i:len(top)-1])
			top[i] = x
			return
		}
	}
}
