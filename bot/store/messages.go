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
// /clear can empty her chat on a shared phone. One record per chat, keyed
// by its keyed hash, packs (ID, Unix second) pairs of 4+4 bytes: a record
// per message cost about 70 bytes of file each, and two messages per user
// made it the largest bucket.
const messageLife = 48 * time.Hour

const messageSize = 8

func (s *Store) messageKey(chat int64, id int) []byte {
	return binary.BigEndian.AppendUint64(s.chatKey(chat), uint64(id))
}

func (s *Store) recordMessages(tx *bolt.Tx, chat int64, ids []int, at time.Time) error {
	for _, id := range ids {
		if err := appendMessage(tx.Bucket(bucketMessages), s.chatKey(chat), id, at); err != nil {
			return err
		}
	}
	return nil
}

// appendMessage adds one message to a chat's record, dropping those past
// Telegram's 48 hours on the way.
func appendMessage(b *bolt.Bucket, chatKey []byte, id int, at time.Time) error {
	old := b.Get(chatKey)
	v := make([]byte, 0, len(old)+messageSize)
	v = keepMessages(v, old, at.Add(-messageLife))
	v = binary.BigEndian.AppendUint32(v, uint32(id))
	v = binary.BigEndian.AppendUint32(v, uint32(at.Unix()))
	return b.Put(chatKey, v)
}

// keepMessages appends the pairs of packed sent at or after since.
func keepMessages(dst, packed []byte, since time.Time) []byte {
	for ; len(packed) >= messageSize; packed = packed[messageSize:] {
		if int64(binary.BigEndian.Uint32(packed[4:])) >= since.Unix() {
			dst = append(dst, packed[:messageSize]...)
		}
	}
	return dst
}

// RecordMessage remembers a message the bot sent to a private chat. It
// goes to the journal with the message's Done, so delivering a message
// costs no disk sync.
func (s *Store) RecordMessage(_ context.Context, chat int64, id int, at time.Time) error {
	s.j.noteMessage(s.messageKey(chat, id), at)
	return nil
}

// RecentMessages returns the IDs of a chat's messages sent since a time.
func (s *Store) RecentMessages(_ context.Context, chat int64, since time.Time) ([]int, error) {
	if err := s.flush(); err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	var out []int
	err := s.view(func(tx *bolt.Tx) error {
		kept := keepMessages(nil, tx.Bucket(bucketMessages).Get(s.chatKey(chat)), since)
		for ; len(kept) > 0; kept = kept[messageSize:] {
			out = append(out, int(binary.BigEndian.Uint32(kept)))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	return out, nil
}

// ForgetMessages forgets every message ID of a chat, once the channel
// deleted them. Those still in the journal go into bbolt first, to be
// deleted there, so her keyed hash does not outlive this in the journal.
func (s *Store) ForgetMessages(_ context.Context, chat int64) error {
	if err := s.flush(); err != nil {
		return fmt.Errorf("forget messages: %w", err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMessages).Delete(s.chatKey(chat)) }); err != nil {
		return writeError("forget messages", err)
	}
	return nil
}

// purgeMessages drops message IDs past Telegram's 48 hours, and records
// in the older one-per-message form (longer keys).
func purgeMessages(b *bolt.Bucket, now time.Time) (int, error) {
	type change struct{ k, v []byte }
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		kept := keepMessages(nil, v, now.Add(-messageLife))
		if len(k) != chatKeySize || len(kept) != len(v) {
			changes = append(changes, change{append([]byte(nil), k...), kept})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, c := range changes {
		if len(c.v) == 0 || len(c.k) != chatKeySize {
			err = b.Delete(c.k)
		} else {
			err = b.Put(c.k, c.v)
		}
		if err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}
