package content

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// The whole folder: its YAML files and any recordings under audio/.
//
//go:embed catalog
var embedded embed.FS

// Embedded is the catalog built into the binary, used when no content
// directory is configured.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "catalog")
	if err != nil {
		panic(err) // the path is fixed at compile time
	}
	return sub
}

// loaded is a catalog with the report of loading it.
type loaded struct {
	cat    *Catalog
	report Report
	err    error
}

// embeddedCatalog loads the built-in catalog the first time it is asked
// for. It is data compiled into the binary, so every load gives the same
// read-only catalog: sharing one spares each engine in a process (the
// shell, serve, every test) loading it and training its matcher again,
// the costliest work the bot does before it can answer.
var embeddedCatalog = sync.OnceValue(func() loaded {
	cat, report, err := load(Embedded(), loadFixed)
	return loaded{cat, report, err}
})

// LoadEmbedded is Load(Embedded()), done once per process. The examples
// and concepts files, most of its bytes, are read when the matcher is
// first needed: TestEmbeddedLearningFiles checks them as Load would, so
// the shell and serve start without parsing them.
func LoadEmbedded() (*Catalog, Report, error) {
	l := embeddedCatalog()
	return l.cat, l.report, l.err
}

// LoadDir loads the content of a directory, or the embedded catalog when
// dir is empty.
func LoadDir(dir string) (*Catalog, Report, error) {
	if dir == "" {
		return LoadEmbedded()
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, nil, fmt.Errorf("content directory: %w", err)
	}
	return Load(os.DirFS(dir))
}
