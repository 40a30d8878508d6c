package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The messages bucket keeps the IDs (never the text) of messages in each
// private chat for 48 hours, the time Telegram lets a bot delete them, so
// /clear can empty her chat on a shared phone.
const messageLife = 48 * time.Hour

func (s *Store) messageKey(chat int64, id int) []byte {
	return binary.BigEndian.AppendUint64(s.chatKey(chat), uint64(id))
}

func (s *Store) recordMessages(tx *bolt.Tx, chat int64, ids []int, at time.Time) error {
	b := tx.Bucket(bucketMessages)
	for _, id := range ids {
		if err := b.Put(s.messageKey(chat, id), timeValue(at)); err != nil {
			return err
		}
	}
	return nil
}

// RecordMessage remembers a message the bot sent to a private chat. It
// goes to the journal, so delivering a message costs no disk sync.
func (s *Store) RecordMessage(_ context.Context, chat int64, id int, at time.Time) error {
	key := s.messageKey(chat, id)
	s.j.mu.Lock()
	err := s.j.write(appendRecord(nil, recMessage, key, timeValue(at)), at)
	if err == nil {
		s.j.messages = append(s.j.messages, journalMessage{key: key, at: at})
	}
	s.j.mu.Unlock()
	if err != nil {
		return fmt.Errorf("record message: %w", err)
	}
	s.flushIfDue(at)
	return nil
}

// RecentMessages returns the IDs of a chat's messages sent since a time.
func (s *Store) RecentMessages(_ context.Context, chat int64, since time.Time) ([]int, error) {
	if err := s.flush(); err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	var out []int
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketMessages).Cursor()
		prefix := s.chatKey(chat)
		for k, v := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			if len(v) == 8 && !time.Unix(0, int64(binary.BigEndian.Uint64(v))).Before(since) {
				out = append(out, int(binary.BigEndian.Uint64(k[len(prefix):])))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	return out, nil
}

// clearMessages forgets every message ID of a chat.
func (s *Store) clearMessages(tx *bolt.Tx, chat int64) error {
	b := tx.Bucket(bucketMessages)
	c := b.Cursor()
	prefix := s.chatKey(chat)
	var doomed [][]byte
	for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
		doomed = append(doomed, append([]byte(nil), k...))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
