//go:build unix && !linux

package modelcache

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only.
func mapFile(f *os.File, size int) ([]byte, func(), error) {
	data, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("model cache: map: %w", err)
	}
	return data, func() { syscall.Munmap(data) }, nil
}
