package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// Bucket names; docs/privacy.md says what each holds, why and for how long.
var (
	bucketSessions  = []byte("sessions")
	bucketOutbox    = []byte("outbox")
	bucketEvents    = []byte("events")
	bucketQuestions = []byte("questions")
	bucketStats     = []byte("stats")
	bucketTickets   = []byte("tickets")
	bucketThreads   = []byte("threads")
	bucketAdvisors  = []byte("advisors")
	bucketMessages  = []byte("messages")
	allBuckets      = [][]byte{bucketSessions, bucketOutbox, bucketEvents, bucketQuestions, bucketStats,
		bucketTickets, bucketThreads, bucketAdvisors, bucketMessages}
)

// Store is the bbolt-backed implementation of bot.Store and the outbox.
type Store struct {
	db *bolt.DB
}

var _ bot.Store = (*Store)(nil)

// Open opens or creates the database file, readable only by its owner.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return &Store{db: db}, nil
}

// Ping checks that the database answers.
func (s *Store) Ping() error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSessions) == nil {
			return errors.New("store: sessions bucket missing")
		}
		return nil
	})
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

func chatKey(chat int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(chat)) }

// Session returns the session of a chat.
func (s *Store) Session(_ context.Context, chat int64) (bot.Session, bool, error) {
	var sess bot.Session
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get(chatKey(chat))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &sess)
	})
	if err != nil {
		return bot.Session{}, false, fmt.Errorf("read session: %w", err)
	}
	return sess, found, nil
}

// Seen reports whether an event ID was already handled.
func (s *Store) Seen(_ context.Context, eventID string) (bool, error) {
	var seen bool
	err := s.db.View(func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketEvents).Get([]byte(eventID)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read events: %w", err)
	}
	return seen, nil
}

// Commit applies everything one event changed in a single transaction.
func (s *Store) Commit(_ context.Context, c bot.Change) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := time.Now()
		if c.EventID != "" {
			if tx.Bucket(bucketEvents).Get([]byte(c.EventID)) != nil {
				return errDuplicate
			}
			if err := tx.Bucket(bucketEvents).Put([]byte(c.EventID), timeValue(now)); err != nil {
				return err
			}
		}
		if c.Forget != 0 {
			if err := forgetChat(tx, c.Forget); err != nil {
				return err
			}
		}
		if len(c.Messages) > 0 {
			if err := recordMessages(tx, c.Chat, c.Messages, now); err != nil {
				return err
			}
		}
		if c.Cleared != 0 {
			if err := clearMessages(tx, c.Cleared); err != nil {
				return err
			}
		}
		if c.Unqueue != 0 {
			if err := unqueue(tx, c.Unqueue); err != nil {
				return err
			}
		}
		if c.Session != nil {
			v, err := json.Marshal(c.Session)
			if err != nil {
				return err
			}
			if err := tx.Bucket(bucketSessions).Put(chatKey(c.Session.Chat), v); err != nil {
				return err
			}
		}
		for _, a := range c.Actions {
			if err := enqueue(tx, a); err != nil {
				return err
			}
		}
		for _, t := range c.Tickets {
			if err := putTicket(tx, t); err != nil {
				return err
			}
		}
		if c.Advisor != nil {
			if err := putAdvisor(tx, *c.Advisor); err != nil {
				return err
			}
		}
		if err := add(tx, now, c.Add); err != nil {
			return err
		}
		if q := c.Question; q != nil {
			if err := putQuestion(tx, *q); err != nil {
				return err
			}
		}
		return count(tx, now, c.Count)
	})
	if errors.Is(err, errDuplicate) {
		return nil // handled by a concurrent delivery of the same event
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

var errDuplicate = errors.New("event already handled")

func timeValue(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())) }

// forgetChat deletes the session and every queued message of a chat.
func forgetChat(tx *bolt.Tx, chat int64) error {
	if err := tx.Bucket(bucketSessions).Delete(chatKey(chat)); err != nil {
		return err
	}
	if err := deleteTickets(tx, chat); err != nil {
		return err
	}
	if err := clearMessages(tx, chat); err != nil {
		return err
	}
	return unqueue(tx, chat)
}

// unqueue deletes every queued message of a chat.
func unqueue(tx *bolt.Tx, chat int64) error {
	out := tx.Bucket(bucketOutbox)
	var doomed [][]byte
	err := out.ForEach(func(k, v []byte) error {
		var q queued
		if err := json.Unmarshal(v, &q); err == nil && q.Action.Chat == chat {
			doomed = append(doomed, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := out.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
