package modelcache

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps size bytes of f read-only, for reading here and there: a
// search reads the postings of its few hundred features, scattered over
// the file. Two hints keep the pages in memory to those: the page cache
// lets go of the file the checksum has just read, in large blocks that a
// touch would map whole (a first search mapped 15 of the 17 MB), and the
// mapping asks for no read-ahead.
func mapFile(f *os.File, size int) ([]byte, func(), error) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED) // only a hint
	data, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("model cache: map: %w", err)
	}
	_ = unix.Madvise(data, unix.MADV_RANDOM) // only a hint
	return data, func() { unix.Munmap(data) }, nil
}
