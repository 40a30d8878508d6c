package content

import (
	"embed"
	"io/fs"
)

//go:embed catalog/*.yaml
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
