package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// queued is the stored form; kept separate so the ID is not stored twice.
type queued struct {
	Action bot.Action
}

func enqueue(tx *bolt.Tx, a bot.Action) error {
	b := tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(queued{Action: a})
	if err != nil {
		return err
	}
	return b.Put(binary.BigEndian.AppendUint64(nil, id), v)
}

// Pending returns up to limit queued actions, oldest first.
func (s *Store) Pending(_ context.Context, limit int) ([]bot.Queued, error) {
	var out []bot.Queued
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var q queued
			if err := json.Unmarshal(v, &q); err != nil {
				return fmt.Errorf("outbox item %x: %w", k, err)
			}
			out = append(out, bot.Queued{ID: binary.BigEndian.Uint64(k), Action: q.Action})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// Done removes a delivered (or permanently undeliverable) action.
func (s *Store) Done(_ context.Context, id uint64) error {
	err := s.update(func(tx *bolt.Tx) error {
		if err := s.flushRecords(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Delete(binary.BigEndian.AppendUint64(nil, id))
	})
	if err != nil {
		return fmt.Errorf("outbox done: %w", err)
	}
	return nil
}

// OutboxDepth is the number of actions waiting.
func (s *Store) OutboxDepth() int {
	var n int
	_ = s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	return n
}
