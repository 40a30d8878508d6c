package match

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unsafe"
)

// A model is what training learns, the numbers of the classifier, the
// regression and the detector, written down so that a restart reads it
// back instead of training again (see package modelcache): the bot
// answers from its first second, and, read from a mapped file, the
// numbers take no heap at all. Everything else a matcher has (its
// classes, concepts, lexical index) is made from the corpus again, which
// is quick.
//
// The format: modelMagic, the key, six numbers (the training messages,
// classes and languages as uint32 with 4 bytes of padding, the
// regression's scale, the detector's bias and unit as float64), then each
// array as a uint64 count and its items, padded to 8 bytes so that every
// array can be used where it lies: first the class names, one a line, then
// the numbers. All little-endian, as the machine's own.
const modelMagic = "veiviser model 5"

// ModelKey says which content, settings and program a model was trained
// by: a model is used only under the key it was written with. content is
// a hash of the files the corpus came from; program stands for the code
// that reads them and trains (the running binary's hash, say), so a new
// build trains again even where the content has not changed.
func ModelKey(content []byte, set Settings, program []byte) [32]byte {
	h := sha256.New()
	for _, part := range [][]byte{content, program, fmt.Appendf(nil, "%#v", set)} {
		h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(part))))
		h.Write(part)
	}
	return [32]byte(h.Sum(nil))
}

// WithoutExamples is the corpus less what only training reads: as much
// as NewFromModel needs.
func (c *Corpus) WithoutExamples() *Corpus {
	out := *c
	out.Entries = make([]Entry, len(c.Entries))
	for i, e := range c.Entries {
		e.Examples = nil
		out.Entries[i] = e
	}
	out.Acute, out.Calm, out.OutOfScope, out.SmallTalk = nil, nil, nil, nil
	return &out
}

var errBigEndian = errors.New("model: model files are for little-endian machines")

// littleEndian is whether this machine stores numbers as model files do.
func littleEndian() bool { return binary.NativeEndian.Uint16([]byte{1, 0}) == 1 }

// WriteModel writes what m learned, under key.
func (m *Matcher) WriteModel(w io.Writer, key [32]byte) error {
	if !littleEndian() {
		return errBigEndian
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(modelMagic)
	bw.Write(key[:])
	c, l, d := m.cls, m.cls.lin, m.danger
	head := binary.LittleEndian.AppendUint32(nil, uint32(c.docs))
	head = binary.LittleEndian.AppendUint32(head, uint32(c.classes))
	head = binary.LittleEndian.AppendUint32(head, uint32(c.langs))
	head = binary.LittleEndian.AppendUint32(head, 0)
	head = binary.LittleEndian.AppendUint64(head, math.Float64bits(l.scale))
	head = binary.LittleEndian.AppendUint64(head, math.Float64bits(d.b))
	head = binary.LittleEndian.AppendUint64(head, math.Float64bits(d.unit))
	bw.Write(head)
	writeArray(bw, []byte(strings.Join(m.classes, "\n")))
	v := c.vocab
	writeArray(bw, v.first)
	writeArray(bw, v.low)
	writeArray(bw, v.df)
	writeArray(bw, v.weight)
	writeArray(bw, c.classOf)
	writeArray(bw, c.langOf)
	writeArray(bw, c.dangerOf)
	writeArray(bw, c.scale)
	writeOffsets(bw, c.start)
	writeArray(bw, c.post)
	writeArray(bw, l.bias)
	writeArray(bw, l.rows.has)
	writeArray(bw, l.rows.rank)
	writeOffsets(bw, l.start)
	writeArray(bw, l.step)
	writeArray(bw, l.w)
	writeArray(bw, d.q)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

func writeOffsets(w *bufio.Writer, o offsets) {
	w.Write(binary.LittleEndian.AppendUint64(nil, uint64(o.shift)))
	writeArray(w, o.base)
	writeArray(w, o.off)
}

func readOffsets(r *modelReader) offsets {
	return offsets{shift: uint(r.uint64()), base: readArray[int32](r), off: readArray[uint16](r)}
}

// number is what a model's arrays hold.
type number interface {
	~int16 | ~uint8 | ~uint16 | ~int32 | ~uint32 | ~uint64 | ~float32
}

func writeArray[T number](w *bufio.Writer, xs []T) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	w.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(xs))))
	if len(xs) > 0 {
		w.Write(unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), len(xs)*size))
	}
	w.Write(make([]byte, pad(len(xs)*size)))
}

// pad is how many bytes after n bytes reach a multiple of 8.
func pad(n int) int { return (8 - n%8) % 8 }

// modelReader takes a model apart, array by array, where it lies.
type modelReader struct {
	data []byte
	err  error
}

func (r *modelReader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.data) {
		if r.err == nil {
			r.err = errors.New("model: cut short")
		}
		return nil
	}
	b := r.data[:n:n]
	r.data = r.data[n:]
	return b
}

func (r *modelReader) uint64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *modelReader) uint32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// readArray returns the next array of r, in place when its bytes are
// aligned for T (as in a mapped file or any Go allocation), else copied.
func readArray[T number](r *modelReader) []T {
	var zero T
	size := uint64(unsafe.Sizeof(zero))
	n := r.uint64()
	if n > uint64(len(r.data))/size {
		if r.err == nil {
			r.err = errors.New("model: an array longer than the file")
		}
		return nil
	}
	b := r.take(int(n*size) + pad(int(n*size)))
	if b == nil || n == 0 {
		return nil
	}
	if uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(zero) != 0 {
		b = append(make([]byte, 0, len(b)+8), b...) // Go allocations are aligned for any T
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// NewFromModel builds a matcher for the corpus c from a model that
// WriteModel wrote under key, for the same content, settings and program.
// The corpus need not have its examples: the model has learned them.
// The matcher uses data where it lies (it may be a mapped file), which
// must not change while the matcher is in use. A model is checked for
// its shape, not for every number: that it is what WriteModel wrote is
// for the caller to make sure of (modelcache keeps a checksum).
func NewFromModel(c *Corpus, set Settings, data []byte, key [32]byte) (*Matcher, error) {
	if !littleEndian() {
		return nil, errBigEndian
	}
	r := &modelReader{data: data}
	if string(r.take(len(modelMagic))) != modelMagic {
		return nil, errors.New("model: not a model of this version")
	}
	if k := r.take(len(key)); k == nil || [32]byte(k) != key {
		return nil, errors.New("model: trained on other content, settings or code")
	}
	docs, classes, langs := int(r.uint32()), int(r.uint32()), int(r.uint32())
	r.uint32()
	linScale, bias, unit := math.Float64frombits(r.uint64()), math.Float64frombits(r.uint64()), math.Float64frombits(r.uint64())
	names := strings.Split(string(readArray[uint8](r)), "\n")
	if len(names) != classes || classes < len(c.Entries) || langs != len(c.Languages) {
		return nil, errors.New("model: for other classes or languages")
	}
	for i, e := range c.Entries {
		if names[i] != e.ID {
			return nil, errors.New("model: for other entries")
		}
	}
	v := &vocabulary{first: readArray[int32](r), low: readArray[uint32](r), df: readArray[uint16](r), weight: readArray[float32](r)}
	cls := &classifier{vocab: v, classes: classes, langs: langs, docs: docs,
		classOf: readArray[int32](r), langOf: readArray[int32](r), dangerOf: readArray[int32](r),
		scale: readArray[float32](r), start: readOffsets(r), post: readArray[uint8](r)}
	lin := &linear{scale: linScale, bias: readArray[float32](r),
		rows:  featureRows{has: readArray[uint64](r), rank: readArray[int32](r)},
		start: readOffsets(r), step: readArray[uint8](r), w: readArray[int16](r)}
	detW := readArray[int16](r)
	switch {
	case r.err != nil:
		return nil, r.err
	case len(r.data) != 0:
		return nil, errors.New("model: more after the last array")
	}
	features := len(v.low)
	rows := len(cls.classOf)
	shapes := []struct {
		ok   bool
		what string
	}{
		{len(v.first) == buckets+1 && v.first[0] == 0 && int(v.first[buckets]) == features, "vocabulary buckets"},
		{len(v.df) == features && len(v.weight) == min(docs, maxDocs)+1, "vocabulary weights"},
		{docs >= 0 && rows == docs+classes && len(cls.langOf) == rows && len(cls.dangerOf) == rows && len(cls.scale) == rows, "rows"},
		{cls.start.fits(features, len(cls.post)), "postings"},
		{len(lin.bias) == classes && len(lin.rows.has) == len(lin.rows.rank) && len(lin.rows.has) <= (features+63)/64, "regression rows"},
		{lin.start.fits(lin.start.items(), len(lin.w)) && len(lin.step) == len(lin.w), "regression weights"},
		{len(detW) == features, "detector"},
	}
	for _, s := range shapes {
		if !s.ok {
			return nil, fmt.Errorf("model: the %s do not fit together", s.what)
		}
	}
	m, lexDone := prepare(c, set)
	m.classes = names // the corpus may have left out the examples, and with them the kinds of small talk
	cls.concepts, cls.lin = m.concepts, lin
	cls.ready()
	m.cls = cls
	m.danger = newDetector(m.concepts, v, set)
	m.danger.q, m.danger.b, m.danger.unit = detW, bias, unit
	m.lex = <-lexDone
	return m, nil
}
