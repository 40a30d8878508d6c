package store

import (
	"encoding/json"
	"fmt"

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
