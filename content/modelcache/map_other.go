//go:build !unix

package modelcache

import (
	"io"
	"os"
)

// mapFile reads f where there is no mmap: the model is then on the heap,
// as a trained one would be.
func mapFile(f *os.File, size int) ([]byte, func(), error) {
	data := make([]byte, size)
	if _, err := f.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, nil, err
	}
	return data, func() {}, nil
}
