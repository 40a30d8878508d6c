package store

import (
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// list decodes every JSON value of a bucket, in key order, keeping those
// keep accepts (nil keeps all).
func list[T any](s *Store, bucket []byte, keep func(T) bool) ([]T, error) {
	var out []T
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var item T
			if err := json.Unmarshal(v, &item); err != nil {
				return err
			}
			if keep == nil || keep(item) {
				out = append(out, item)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", bucket, err)
	}
	return out, nil
}

// deleteMatching deletes the keys of b whose key or value match picks,
// and returns how many; bbolt forbids deleting while iterating, so it
// collects them first.
func deleteMatching(b *bolt.Bucket, match func(k, v []byte) bool) (int, error) {
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if match(k, v) {
			doomed = append(doomed, slices.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
