package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// queued is the stored form; kept separate so the ID is not stored twice.
// It carries its version and the action's kind, so that a release that
// renamed a field refuses a record it cannot read whole instead of
// sending it as something else (a copy without its message ID would go
// out as an empty text).
type queued struct {
	Version int            `json:"v,omitempty"`    // outboxVersion; 0: written before records had one
	Kind    bot.ActionKind `json:"kind,omitempty"` // Action.Kind() when written
	Action  bot.Action
	After   uint64 `json:",omitempty"` // held until this item is delivered
}

// outboxVersion is the version of queued this release writes and reads;
// it reads the versions before too. Version 2 added Action.Voice: the
// release before refuses such a record rather than send it as an empty
// text; 1 and 0 (no version) have the same fields otherwise.
const outboxVersion = 2

// decodeQueued reads a stored outbox record, refusing one it cannot read
// whole: unknown fields, a newer version, or a kind its fields do not make.
func decodeQueued(k, v []byte) (queued, error) {
	var q queued
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, fmt.Errorf("outbox item %x: %w", k, err)
	}
	switch {
	case q.Version > outboxVersion:
		return q, fmt.Errorf("outbox item %x: written by a newer release (version %d)", k, q.Version)
	case q.Kind != "" && q.Kind != q.Action.Kind():
		return q, fmt.Errorf("outbox item %x: a %s that reads as a %s", k, q.Kind, q.Action.Kind())
	}
	return q, nil
}

// enqueue queues a and returns its ID; prev is the ID of the action
// queued before it in the same change (0 for the first).
func enqueue(tx *bolt.Tx, a bot.Action, prev uint64) (uint64, error) {
	b := tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	q := queued{Version: outboxVersion, Kind: a.Kind(), Action: a}
	if a.AfterPrevious {
		q.After = prev
	}
	v, err := json.Marshal(q)
	if err != nil {
		return 0, err
	}
	return id, b.Put(binary.BigEndian.AppendUint64(nil, id), v)
}

// Pending returns up to limit queued actions, oldest first, and at most
// bot.PendingPerChat of any one chat. An action queued AfterPrevious is
// left out, with what its chat queued after it, until that previous one
// is delivered. An item it cannot read whole is left where it is and
// reported in the error, beside the items it could read.
func (s *Store) Pending(ctx context.Context, limit int) ([]bot.Queued, error) {
	return s.PendingFor(ctx, limit, nil)
}

// PendingFor is Pending for the chats want accepts (nil: all): each
// channel delivers its own chats.
func (s *Store) PendingFor(_ context.Context, limit int, want func(chat int64) bool) ([]bot.Queued, error) {
	s.flushIfDue(time.Now())
	var out []bot.Queued
	perChat := map[int64]int{}
	pending := map[uint64]bool{} // what an item may wait for is older: seen first
	var unreadable []error
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			id := binary.BigEndian.Uint64(k)
			if s.j.isDone(id) {
				continue
			}
			q, err := decodeQueued(k, v)
			pending[id] = true
			if err == nil && want != nil && !want(q.Action.Chat) {
				continue // another channel's
			}
			if err != nil {
				// Kept, not sent: a person can read it and act. The rest
				// of the outbox still goes.
				unreadable = append(unreadable, err)
				continue
			}
			if pending[q.After] {
				perChat[q.Action.Chat] = bot.PendingPerChat // and nothing of its chat overtakes it
				continue
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
	if len(unreadable) > 0 {
		return out, fmt.Errorf("read outbox: %d item(s) kept but not sent: %w", len(unreadable), errors.Join(unreadable...))
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
