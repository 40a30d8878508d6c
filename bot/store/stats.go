package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// count adds one to each named counter for the day: statistics are kept
// per day and name only ("2026-11-25 answer:permit-renewal"), never per user.
func count(tx *bolt.Tx, now time.Time, names []string) error {
	for _, name := range names {
		if err := addOne(tx, now, name, 1); err != nil {
			return err
		}
	}
	return nil
}

// add adds amounts to counters, for sums such as seconds to first reply.
func add(tx *bolt.Tx, now time.Time, amounts map[string]uint64) error {
	for name, n := range amounts {
		if err := addOne(tx, now, name, n); err != nil {
			return err
		}
	}
	return nil
}

func addOne(tx *bolt.Tx, now time.Time, name string, delta uint64) error {
	b := tx.Bucket(bucketStats)
	k := []byte(now.UTC().Format(time.DateOnly) + " " + name)
	var n uint64
	if v := b.Get(k); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, binary.BigEndian.AppendUint64(nil, n+delta))
}

// Counters returns the totals of every counter whose name starts with
// prefix, summed over the days since the given day (zero: all days).
func (s *Store) Counters(_ context.Context, prefix string, since time.Time) (map[string]uint64, error) {
	out := map[string]uint64{}
	from := since.UTC().Format(time.DateOnly)
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStats).ForEach(func(k, v []byte) error {
			day, name, _ := strings.Cut(string(k), " ")
			if !since.IsZero() && day < from {
				return nil
			}
			if strings.HasPrefix(name, prefix) && len(v) == 8 {
				out[name] += binary.BigEndian.Uint64(v)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read stats: %w", err)
	}
	return out, nil
}

func putQuestion(tx *bolt.Tx, q bot.Question) error {
	b := tx.Bucket(bucketQuestions)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(q)
	if err != nil {
		return err
	}
	k := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(q.At.UnixNano())), seq)
	return b.Put(k, v)
}

// Questions returns the unanswered questions kept for staff, oldest first.
func (s *Store) Questions(_ context.Context) ([]bot.Question, error) {
	var out []bot.Question
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketQuestions).ForEach(func(k, v []byte) error {
			var q bot.Question
			if err := json.Unmarshal(v, &q); err != nil {
				return err
			}
			if len(k) == 16 {
				q.ID = binary.BigEndian.Uint64(k[8:]) // the key is time, then a sequence number
			}
			out = append(out, q)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return out, nil
}

// deleteQuestions removes the questions with the given IDs.
func deleteQuestions(tx *bolt.Tx, ids []uint64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := deleteMatching(tx.Bucket(bucketQuestions), func(k, _ []byte) bool {
		return len(k) == 16 && slices.Contains(ids, binary.BigEndian.Uint64(k[8:]))
	})
	return err
}
