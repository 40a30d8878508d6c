package main

import (
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketStat is what one bucket of the bbolt file holds.
type bucketStat struct {
	Name string  `json:"bucket"`
	Keys int     `json:"keys"`
	MB   float64 `json:"mb"` // pages in use
}

// fileStats reads what fills a closed bbolt file: its buckets and the
// free pages bbolt keeps for reuse.
func fileStats(path string) (buckets []bucketStat, freeMB float64, err error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true, Timeout: time.Second})
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s := b.Stats()
			used := s.BranchAlloc + s.LeafAlloc
			buckets = append(buckets, bucketStat{Name: string(name), Keys: s.KeyN, MB: float64(used) / 1e6})
			return nil
		})
	})
	return buckets, float64(db.Stats().FreePageN*db.Info().PageSize) / 1e6, err
}

func printFileStats(w io.Writer, buckets []bucketStat, freeMB float64) {
	fmt.Fprintf(w, "%-12s %9s %8s\n", "bucket", "keys", "MB")
	for _, b := range buckets {
		fmt.Fprintf(w, "%-12s %9d %8.2f\n", b.Name, b.Keys, b.MB)
	}
	fmt.Fprintf(w, "%-12s %9s %8.2f\n", "(free pages)", "", freeMB)
}
