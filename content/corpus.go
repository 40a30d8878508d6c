package content

import (
	"maps"
	"slices"

	"github.com/veiviser/veiviser/content/match"
)

// Examples are messages as women write them, from the examples-<lang>.yaml
// files: they teach the matcher which entry answers what, and which
// messages mean danger now.
type Examples struct {
	Entries    map[string][]match.Example // entry ID → examples
	Acute      []match.Example
	Calm       []match.Example
	OutOfScope []match.Example
	SmallTalk  map[string][]match.Example // "hello", "thanks", "ok"
}

// SmallTalkKinds are the kinds of small talk an examples file may list.
func SmallTalkKinds() []string { return []string{"hello", "thanks", "ok"} }

// corpus is the catalog as the matcher learns from it.
func (c *Catalog) corpus() *match.Corpus {
	mc := &match.Corpus{
		Languages:  Languages(),
		Concepts:   c.concepts,
		Danger:     c.Signals.Danger,
		Human:      c.Signals.Human,
		Acute:      c.examples.Acute,
		Calm:       c.examples.Calm,
		OutOfScope: c.examples.OutOfScope,
		SmallTalk:  c.examples.SmallTalk,
	}
	for _, id := range c.IDs() {
		e := c.Entries[id]
		me := match.Entry{ID: id, Sensitive: e.Sensitive, Text: map[string]match.Text{}, Examples: c.examples.Entries[id]}
		for _, lang := range slices.Sorted(maps.Keys(e.Text)) {
			t := e.Text[lang]
			me.Text[lang] = match.Text{Title: t.Title, Body: t.Body, Keywords: t.Keywords}
		}
		mc.Entries = append(mc.Entries, me)
	}
	return mc
}

// Corpus is the catalog as the matcher learns from it, for tools that
// train matchers on parts of it (cross-validation) or count its examples.
// The catalog does not keep the examples and concepts once its matcher
// has learned them, so Corpus reads them from its files again, each time.
func (c *Catalog) Corpus() *match.Corpus { return c.corpusFrom(func(string) bool { return true }) }

// corpusFrom is the corpus with the examples and concepts of the files
// that keep says to read again, and none of the others.
func (c *Catalog) corpusFrom(keep func(name string) bool) *match.Corpus {
	again := &Catalog{Entries: c.Entries, Signals: c.Signals, files: c.files, fixed: c.fixed}
	again.readLearning(slices.DeleteFunc(slices.Sorted(maps.Keys(c.files)), func(name string) bool { return !keep(name) }))
	return again.corpus()
}
