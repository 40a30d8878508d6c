package match

import (
	"encoding/binary"
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
	scale    []float32 // row → what its weights are multiplied by to make it unit length
	start    offsets   // feature ID → where its postings start in post
	post     []byte    // per feature, the rows that have it; see separator

	lin *linear // the regression over the same features

	// tf is tfWeight of the counts postings hold, up to 31: looked up, not
	// a logarithm per posting, which was a seventh of a search's time.
	tf [32]float32

	scratch sync.Pool // *classScratch
}

// The postings of a feature are the rows that have it (a training message,
// or a class's centroid), in two parts, each in row order: first the
// training messages that have it once, whose weight follows from the
// feature (its idf) and the row (its scale), so it need not be kept; then,
// only if there are any, separator and pairs of a row and a value for the
// rest: a training message that has the feature value times, or a
// centroid and its weight (value/weightScale). Most postings are the first
// kind, so most take no value.
//
// A row is written as how far it is from the one before it in its part
// (the first from -1), as a uvarint: a feature in hundreds of messages has
// them a few rows apart, one byte each, where a 16-bit row number takes
// two. That is a quarter less (3.5 MB of 13 with the blind sets joined).
// No distance is 0, so a 0 byte can be the separator.
//
// Each class's centroid, the mean of its messages, is what a class's
// messages have in common, which a few neighbours can miss. Centroids are
// rows after the training messages rather than a table of their own: one
// offset per feature instead of two (1.4 MB), and one pass over the
// postings scores both.
const separator = 0

// maxDocs bounds the rows, so that a row and a document frequency fit 16
// bits.
const maxDocs = math.MaxUint16

// weightScale turns a centroid weight in [0, 1] into 16 bits.
const weightScale = math.MaxUint16

// centroidMin is the smallest weight a centroid keeps. A class's centroid
// has every feature of every one of its messages, most of them with
// weights near zero; below 0.002 they are three quarters of the centroids'
// postings, and cross-validation ranked 3 of 16,794 held-out examples
// lower without them (top-3 9 lower). With the blind sets' messages
// joined, those from 0.002 to 0.005 were 0.7 MB, and the development blind
// sets (AC to AE) answered every question and danger message the same
// without them.
const centroidMin = 0.005

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
	c.postings(vs)
	df := func(id int32) int32 {
		if c.vocab.idf(id) == 0 {
			return 0 // common: in no message's vector
		}
		return int32(c.vocab.df[id])
	}
	c.lin = trainLinear(vs[:n], c.classOf[:n], df, classes, c.vocab.size())
	c.ready()
	return c
}

// ready readies the scratch space, once the rows are known.
func (c *classifier) ready() {
	for n := 1; n < len(c.tf); n++ {
		c.tf[n] = tfWeight(n)
	}
	c.scratch.New = func() any {
		return &classScratch{sim: make([]float32, len(c.classOf)), top: make([][neighbours]float32, max(c.classes, 2)),
			langTop: make([][neighbours]float32, c.langs)}
	}
}

// postings lays out the rows' features as post (see separator): vs are
// the training messages' vectors, then the centroids'. One pass measures
// each feature's postings, the next writes them.
func (c *classifier) postings(vs []vector) {
	features := c.vocab.size()
	onceLen := make([]int32, features) // bytes of the rows that have the feature once
	pairLen := make([]int32, features) // bytes of the pairs
	lastOnce := make([]int32, features)
	lastPair := make([]int32, features)
	// each calls f with every posting of vs, and the row before it in
	// its part; value is 0 for a message that has the feature once.
	each := func(f func(id, row, prev int32, value uint64)) {
		for i := range lastOnce {
			lastOnce[i], lastPair[i] = -1, -1
		}
		for i, v := range vs {
			row := int32(i)
			for j, id := range v.ids {
				switch {
				case i < c.docs && v.tf[j] == 1:
					f(id, row, lastOnce[id], 0)
					lastOnce[id] = row
				case i < c.docs:
					f(id, row, lastPair[id], uint64(v.tf[j]))
					lastPair[id] = row
				default:
					f(id, row, lastPair[id], uint64(math.Round(float64(v.vals[j])*weightScale)))
					lastPair[id] = row
				}
			}
		}
	}
	var buf [binary.MaxVarintLen64]byte
	size := func(x uint64) int32 { return int32(binary.PutUvarint(buf[:], x)) }
	each(func(id, row, prev int32, value uint64) {
		if value == 0 {
			onceLen[id] += size(uint64(row - prev))
		} else {
			pairLen[id] += size(uint64(row-prev)) + size(value)
		}
	})
	start := make([]int32, features+1)
	for id := range features {
		n := onceLen[id]
		if pairLen[id] > 0 {
			n += 1 + pairLen[id]
		}
		start[id+1] = start[id] + n
	}
	c.post = make([]byte, start[features]) // zeroed: the separators are written
	next := onceLen                        // where the next row that has it once goes…
	pair := pairLen                        // … and the next pair
	for id := range features {
		next[id], pair[id] = start[id], start[id]+onceLen[id]+1
	}
	each(func(id, row, prev int32, value uint64) {
		if value == 0 {
			next[id] += int32(binary.PutUvarint(c.post[next[id]:], uint64(row-prev)))
			return
		}
		at := pair[id] + int32(binary.PutUvarint(c.post[pair[id]:], uint64(row-prev)))
		pair[id] = at + int32(binary.PutUvarint(c.post[at:], value))
	})
	c.start = newOffsets(start)
	c.scale = make([]float32, len(vs))
	for i, v := range vs {
		c.scale[i] = 1 // a centroid's weights are kept as they are
		if i < c.docs {
			c.scale[i] = v.scale
		}
	}
}

// uvarint reads a row distance or a value of the postings: 0 bytes read
// for a list cut short or a number no row or value can be (a damaged
// model), which ends the list.
func uvarint(b []byte) (int32, int) {
	if len(b) > 0 && b[0] < 0x80 {
		return int32(b[0]), 1
	}
	x, n := binary.Uvarint(b)
	if n <= 0 || x > math.MaxUint16 {
		return 0, 0
	}
	return int32(x), n
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
	hashes  []uint64
	v       vector
	sim     []float32 // per row: training messages, then centroids
	touched []int32
	top     [][neighbours]float32 // per class, best similarities, highest first
	langTop [][neighbours]float32 // … and per language
}

// near is what one pass over the training messages finds for a message.
type near struct {
	mean, top1 []float64 // per class: mean similarity of its k nearest, and of its nearest
	langs      []float64 // per language: mean similarity of its k nearest
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
	out.cent = out.cent[:0]
	if centroids {
		for _, sim := range s.sim[c.docs:] { // cleared below with the touched rows
			out.cent = append(out.cent, float64(sim))
		}
	}
	var danger [2]float32
	for _, d := range s.touched {
		sim := s.sim[d] * c.scale[d]
		if l := c.classOf[d]; l >= 0 {
			insertTop(&s.top[l], sim)
		}
		if l := c.langOf[d]; l >= 0 {
			insertTop(&s.langTop[l], sim)
		}
		if l := c.dangerOf[d]; l >= 0 {
			danger[l] = max(danger[l], sim)
		}
		s.sim[d] = 0
	}
	s.touched = s.touched[:0]
	out.acute, out.calm = float64(danger[0]), float64(danger[1])
	out.top1 = out.top1[:0]
	for _, top := range s.top[:c.classes] {
		out.top1 = append(out.top1, float64(top[0]))
	}
	out.mean = means(s.top[:c.classes], out.mean)
	out.langs = means(s.langTop, out.langs)
	if centroids {
		// A message of words training never saw gets only the classes'
		// priors from the regression: no evidence, so no probabilities.
		out.lin = out.lin[:0]
		if s.v.seen >= 0.5 {
			out.lin = slices.Grow(out.lin, c.classes)[:c.classes] // scores sets every class
			c.lin.scores(s.v, out.lin)
		}
	}
}

// accumulate adds up, per row, its similarity to s.v: for a training
// message before its scale, which the caller multiplies by.
func (c *classifier) accumulate(s *classScratch) {
	for j, id := range s.v.ids {
		q := s.v.vals[j]
		once := q * c.vocab.idf(id) // for a message that has the feature once
		from, to := c.start.span(id)
		list := c.post[from:to]
		i := 0
		for row := int32(-1); i < len(list); {
			d := int32(list[i])
			if d < 0x80 { // most are: uvarint's call costs more than the byte
				i++
			} else {
				var n int
				d, n = uvarint(list[i:])
				i += max(n, 1)
			}
			if d == separator {
				break
			}
			row += d
			s.add(row, once)
		}
		for row := int32(-1); i < len(list); {
			d, n := uvarint(list[i:])
			value, k := uvarint(list[i+n:])
			if n == 0 || k == 0 || d == separator {
				break
			}
			i += n + k
			row += d
			if row < int32(c.docs) {
				w := c.tf[value&31]
				if value > 31 {
					w = tfWeight(int(value))
				}
				s.add(row, once*w)
			} else {
				s.add(row, q*float32(value)/weightScale)
			}
		}
	}
}

// add adds w to the similarity of row.
func (s *classScratch) add(row int32, w float32) {
	if s.sim[row] == 0 {
		s.touched = append(s.touched, int32(row))
	}
	s.sim[row] += w
}

// means turns the best similarities per label (top) into the mean of the
// k best, and clears them for the next message.
func means(top [][neighbours]float32, mean []float64) []float64 {
	mean = mean[:0]
	for i := range top {
		var sum float32
		for _, x := range top[i] {
			sum += x
		}
		mean = append(mean, float64(sum)/neighbours)
		top[i] = [neighbours]float32{}
	}
	return mean
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
