package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

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

// Pending returns up to limit queued actions, oldest first, and at most
// bot.PendingPerChat of any one chat.
func (s *Store) Pending(_ context.Context, limit int) ([]bot.Queued, error) {
	s.flushIfDue(time.Now())
	var out []bot.Queued
	perChat := map[int64]int{}
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			if s.j.isDone(binary.BigEndian.Uint64(k)) {
				continue
			}
			var q queued
			if err := json.Unmarshal(v, &q); err != nil {
				return fmt.Errorf("outbox item %x: %w", k, err)
			}
			if perChat[q.Action.Chat]++; perChat[q.Action.Chat] > bot.PendingPerChat {
				continue
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

// Done removes a delivered (or permanently undeliverable) action. It is
// written to the journal at once and to bbolt with the next flush.
func (s *Store) Done(_ context.Context, id uint64) error {
	now := time.Now()
	err := s.j.noteDone(id, now)
	s.flushIfDue(now)
	if err != nil {
		return writeError("outbox done", err)
	}
	return nil
}

// flushIfDue moves the journal into bbolt when enough waits there.
// A flush already under way will do. One that fails is tried again
// later: the journal keeps its records meanwhile.
func (s *Store) flushIfDue(now time.Time) {
	if !s.j.due(now) || !s.flushMu.TryLock() {
		return
	}
	defer s.flushMu.Unlock()
	_ = s.flushLocked()
}

// flush moves what the journal holds into bbolt in one commit.
func (s *Store) flush() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	return s.flushLocked()
}

func (s *Store) flushLocked() error {
	ids, msgs, ok := s.j.take()
	if !ok {
		return nil
	}
	err := s.update(func(tx *bolt.Tx) error { return applyJournal(tx, ids, msgs) })
	if serr := s.j.settle(ids, msgs, err == nil); serr != nil && err == nil {
		err = serr
	}
	if err != nil {
		return writeError("flush journal", err)
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
	return max(0, n-s.j.doneCount())
}
