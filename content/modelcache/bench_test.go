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
// an earlier run wrote ("read": the key, the checksum, the mapping, and
// the classes, concepts and lexical index made again). Both begin from
// the corpus, which the catalog reads from its files either way.
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
	c, err := New(filepath.Join(b.TempDir(), "bench.matcher"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	c.Matcher(corpus) // trains and writes the file
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			c.Matcher(corpus)
		}
	})
}
