// Package bottest builds real engines for tests: the embedded catalog, the
// interface strings and a bbolt file of the test's own, no mocks.
package bottest

import (
	"path/filepath"
	"testing"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// Engine returns an engine on cfg, filling in the catalog, strings and a
// store at path (a new file in the test's temporary folder when empty).
// The store is closed when the test ends.
func Engine(tb testing.TB, path string, cfg bot.Config) (*bot.Engine, *store.Store) {
	tb.Helper()
	return engine(tb, path, cfg, false)
}

func engine(tb testing.TB, path string, cfg bot.Config, contentTools bool) (*bot.Engine, *store.Store) {
	tb.Helper()
	if cfg.Catalog == nil {
		cat, _, err := content.LoadEmbedded()
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Catalog = cat
	}
	if cfg.Strings == nil {
		strs, err := locales.Load()
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Strings = strs
	}
	if path == "" {
		path = filepath.Join(tb.TempDir(), "test.db")
	}
	st, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	cfg.Store = st
	if cfg.Content == nil && contentTools {
		cfg.Content = st
	}
	return bot.New(cfg), st
}

// EngineWithContent is Engine with the staff's content tools (uploads,
// /publish, /unanswered) on the same store, as serve runs it.
func EngineWithContent(tb testing.TB, cfg bot.Config) (*bot.Engine, *store.Store) {
	tb.Helper()
	return engine(tb, "", cfg, true)
}
