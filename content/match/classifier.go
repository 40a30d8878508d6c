package match

import (
	"sync"
)

// classifier tells which class (an entry, "out of scope", a kind of small
// talk) a message belongs to by the training messages nearest to it: the
// score of a class is the mean cosine similarity of its k most similar
// messages. Near neighbours rather than one weight vector per class,
// because a class is many different situations ("he took my passport",
// "the permit runs out") that a single average would blur, and because a
// similarity in [0, 1] doubles as the confidence that decides "no match".
type classifier struct {
	concepts *concepts
	vocab    *vocabulary
	classes  []string
	docOf    []int32     // training message → class
	post     [][]posting // feature ID → the training messages that have it
	scratch  sync.Pool   // *classScratch
}

type posting struct {
	doc int32
	w   float32
}

// neighbours is the k of the k nearest messages per class.
const neighbours = 3

// trainDoc is one training message of a class.
type trainDoc struct {
	class int32
	words []string
}

func trainClassifier(cs *concepts, classes []string, docs []trainDoc) *classifier {
	hashed := make([][]uint64, len(docs))
	for i, d := range docs {
		hashed[i] = cs.sortedFeatures(d.words, nil)
	}
	c := &classifier{concepts: cs, classes: classes, vocab: learnVocabulary(hashed), docOf: make([]int32, len(docs))}
	c.post = make([][]posting, len(c.vocab.idf))
	var v vector
	for i, d := range docs {
		c.docOf[i] = d.class
		v = c.vocab.vectorize(hashed[i], v)
		for j, id := range v.ids {
			c.post[id] = append(c.post[id], posting{doc: int32(i), w: v.vals[j]})
		}
	}
	c.scratch.New = func() any {
		return &classScratch{sim: make([]float32, len(docs)), top: make([][neighbours]float32, len(classes))}
	}
	return c
}

// classScratch is the working memory of one classification.
type classScratch struct {
	hashes  []uint64
	v       vector
	sim     []float32 // per training message
	touched []int32
	top     [][neighbours]float32 // per class, best similarities, highest first
}

// scores returns, per class, how close the message (normalised words) is
// to the class's training messages, in [0, 1]: the mean similarity of its
// k nearest, and the similarity of the nearest alone. out and top1 are reused.
func (c *classifier) scores(ws []string, out, top1 []float64) ([]float64, []float64) {
	s := c.scratch.Get().(*classScratch)
	defer c.scratch.Put(s)
	s.hashes = c.concepts.sortedFeatures(ws, s.hashes)
	s.v = c.vocab.vectorize(s.hashes, s.v)
	for j, id := range s.v.ids {
		q := s.v.vals[j]
		for _, p := range c.post[id] {
			if s.sim[p.doc] == 0 {
				s.touched = append(s.touched, p.doc)
			}
			s.sim[p.doc] += q * p.w
		}
	}
	for _, d := range s.touched {
		insertTop(&s.top[c.docOf[d]], s.sim[d])
		s.sim[d] = 0
	}
	s.touched = s.touched[:0]
	out, top1 = out[:0], top1[:0]
	for i := range s.top {
		var sum float32
		for _, x := range s.top[i] {
			sum += x
		}
		out = append(out, float64(sum)/neighbours)
		top1 = append(top1, float64(s.top[i][0]))
		s.top[i] = [neighbours]float32{}
	}
	return out, top1
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
