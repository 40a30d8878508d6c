package modelcache

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/match"
)

// BenchmarkMatcher is what a start costs before the bot understands free
// text, on the embedded catalog: training ("train"), or reading the model
// an earlier run wrote ("read": the checksum, the mapping, and the
// concepts and lexical index made again). Reading the examples files,
// which training needs and reading does not, is left out of both.
func BenchmarkMatcher(b *testing.B) {
	cat, _, err := content.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	corpus := cat.Corpus()
	b.Run("train", func(b *testing.B) {
		for b.Loop() {
			match.New(corpus)
		}
	})
	c := New(filepath.Join(b.TempDir(), "bench.matcher"), slog.New(slog.DiscardHandler))
	digest, lean := []byte("content"), corpus.WithoutExamples()
	full := func() *match.Corpus { return corpus }
	c.Matcher(digest, lean, full) // trains and writes the file
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			c.Matcher(digest, lean, full)
		}
	})
}
