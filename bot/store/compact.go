package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// Compact rewrites the database file with only its live data. bbolt keeps
// deleted values in free pages until they are reused, so after /forget or
// a retention purge this is what makes the data actually gone from disk.
// Other calls wait while the file is swapped.
func (s *Store) Compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp := s.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, s.db, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	renameErr := os.Rename(tmp, s.path)
	if renameErr == nil {
		syncDir(filepath.Dir(s.path))
	}
	db, err := openBolt(s.path) // the old file if the rename failed
	if err != nil {
		return fmt.Errorf("compact: reopen: %w", err)
	}
	s.db = db
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", renameErr)
	}
	s.lastCompact.Store(time.Now().UnixNano())
	s.compactions.Add(1)
	s.compactDue.Store(false)
	return nil
}

// syncDir makes a rename durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Purge deletes what is older than the retention period: sessions idle
// since before with their tickets (an open ticket idle that long is
// over) and subscriptions, tickets closed before, unanswered questions,
// handled-event IDs, and message IDs past Telegram's 48 hours. Statistics are counts without
// identity and stay. It returns how many records went.
func (s *Store) Purge(_ context.Context, before, now time.Time) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		del := func(b *bolt.Bucket, keys [][]byte) error {
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
				n++
			}
			return nil
		}
		sessions := tx.Bucket(bucketSessions)
		var old [][]byte
		err = sessions.ForEach(func(k, v []byte) error {
			var sess bot.Session
			if decodeSession(v, &sess) == nil && sess.Seen.Before(before) {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := del(sessions, old); err != nil {
			return err
		}
		purged, err := purgeMessages(tx.Bucket(bucketMessages), now)
		if err != nil {
			return err
		}
		n += purged
		// Tickets closed before, and tickets of women whose session went:
		// a conversation idle for the whole retention period is over.
		gone := func(chat int64) bool { return sessions.Get(s.chatKey(chat)) == nil }
		tickets, err := deleteTicketsWhere(tx, func(t bot.Ticket) bool {
			if t.State == bot.TicketClosed {
				return t.Closed.Before(before)
			}
			return t.Created.Before(before) && gone(t.Chat)
		})
		if err != nil {
			return err
		}
		n += len(tickets)
		// Subscriptions hold her chat ID; they go with her session.
		var unsubscribed [][]byte
		subscribers := tx.Bucket(bucketSubscribers)
		err = subscribers.ForEach(func(k, _ []byte) error {
			if len(k) == 8 && gone(int64(binary.BigEndian.Uint64(k))) {
				unsubscribed = append(unsubscribed, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := del(subscribers, unsubscribed); err != nil {
			return err
		}
		if err := del(tx.Bucket(bucketQuestions), olderByKey(tx.Bucket(bucketQuestions), before)); err != nil {
			return err
		}
		// Event IDs are only needed while Telegram may redeliver (24 hours).
		events := now.Add(-48 * time.Hour)
		if before.Before(events) {
			events = before
		}
		return del(tx.Bucket(bucketEvents), olderByValue(tx.Bucket(bucketEvents), events))
	})
	if err != nil {
		return n, fmt.Errorf("purge: %w", err)
	}
	return n, nil
}

// olderByValue lists keys whose value is a time before t.
func olderByValue(b *bolt.Bucket, t time.Time) [][]byte {
	return older(b, t, func(_, v []byte) []byte { return v })
}

// olderByKey lists keys that start with a time before t.
func olderByKey(b *bolt.Bucket, t time.Time) [][]byte {
	return older(b, t, func(k, _ []byte) []byte { return k })
}

func older(b *bolt.Bucket, t time.Time, stamp func(k, v []byte) []byte) [][]byte {
	var out [][]byte
	_ = b.ForEach(func(k, v []byte) error {
		if ts := stamp(k, v); len(ts) >= 8 && time.Unix(0, int64(binary.BigEndian.Uint64(ts[:8]))).Before(t) {
			out = append(out, append([]byte(nil), k...))
		}
		return nil
	})
	return out
}
