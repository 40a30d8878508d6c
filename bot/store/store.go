package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

// Bucket names; docs/privacy.md says what each holds, why and for how long.
var (
	bucketSessions    = []byte("sessions")
	bucketOutbox      = []byte("outbox")
	bucketEvents      = []byte("events")
	bucketQuestions   = []byte("questions")
	bucketStats       = []byte("stats")
	bucketTickets     = []byte("tickets")
	bucketThreads     = []byte("threads")
	bucketAdvisors    = []byte("advisors")
	bucketMessages    = []byte("messages")
	bucketVersions    = []byte("versions")
	bucketMeta        = []byte("meta")
	bucketSubscribers = []byte("subscribers")
	bucketVolunteers  = []byte("volunteers")
	bucketBlobs       = []byte("blobs")
	bucketFileIDs     = []byte("fileids")
	allBuckets        = [][]byte{bucketSessions, bucketOutbox, bucketEvents, bucketQuestions, bucketStats,
		bucketTickets, bucketThreads, bucketAdvisors, bucketMessages, bucketVersions, bucketMeta, bucketSubscribers,
		bucketVolunteers, bucketBlobs, bucketFileIDs}
)

// Store is the bbolt-backed implementation of bot.Store and the outbox.
type Store struct {
	mu   sync.RWMutex // held exclusively only while Compact swaps the file
	db   *bolt.DB
	path string
	hk   []byte // key of the keyed hashes that stand for chat IDs

	j       *journal   // deliveries not yet in bbolt
	flushMu sync.Mutex // one journal flush at a time

	compactMu   sync.Mutex  // guards the booking of rewrites below
	compactAt   *time.Timer // a rewrite booked for /forget, nil if none
	compactDue  atomic.Bool // something forgotten is still in free pages
	closed      bool
	lastCompact atomic.Int64 // Unix nanoseconds of the last rewrite
	compactions atomic.Int64 // rewrites so far, for tests and metrics
}

func (s *Store) view(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.View(fn)
}

// batch is update for many concurrent callers: fn may run more than once
// (alone, after another caller's error), so it must only write.
func (s *Store) batch(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Batch(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Update(fn)
}

var _ bot.Store = (*Store)(nil)

// Open opens or creates the database file, readable only by its owner,
// and the secret key next to it (PATH.key, created on first start).
func Open(path string) (*Store, error) { return OpenWithKey(path, "") }

// OpenWithKey is Open with the secret key kept elsewhere (keyFile, e.g. a
// systemd credential), so that a copy of the database directory alone does
// not undo the keyed hashes. That key must exist: it is never created
// there. An empty keyFile is PATH.key.
func OpenWithKey(path, keyFile string) (*Store, error) {
	var hk []byte
	var err error
	if keyFile == "" {
		hk, err = loadKey(path + ".key")
	} else {
		hk, err = readKey(keyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	j, err := openJournal(path + ".sent")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{db: db, path: path, hk: hk, j: j}
	// What the last run delivered goes into bbolt before anything is sent.
	if err := s.flush(); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store: replay journal: %w", err)
	}
	return s, nil
}

func openBolt(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// A lone event should not wait the default 10 ms for company in a batch.
	db.MaxBatchDelay = 2 * time.Millisecond
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
	return db, nil
}

// Ping checks that the database answers.
func (s *Store) Ping() error {
	return s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSessions) == nil {
			return errors.New("store: sessions bucket missing")
		}
		return nil
	})
}

// Close writes what the journal holds into bbolt and closes both files.
func (s *Store) Close() error {
	s.compactMu.Lock()
	s.closed = true
	if s.compactAt != nil {
		s.compactAt.Stop()
		s.compactAt = nil
	}
	var compactErr error
	if s.compactDue.Load() {
		compactErr = s.Compact()
	}
	s.compactMu.Unlock()
	flushErr := errors.Join(compactErr, s.flush())
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(flushErr, s.j.close(), s.db.Close())
}

// chatKey stands for a chat in keys that need not be read back: a keyed
// hash, so the file does not list who used the bot.
func (s *Store) chatKey(chat int64) []byte {
	m := hmac.New(sha256.New, s.hk)
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(chat)))
	return m.Sum(nil)[:chatKeySize]
}

const chatKeySize = 16

// Session returns the session of a chat.
func (s *Store) Session(_ context.Context, chat int64) (bot.Session, bool, error) {
	var sess bot.Session
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get(s.chatKey(chat))
		if v == nil {
			return nil
		}
		found = true
		return decodeSession(v, &sess)
	})
	sess.Chat = chat // not stored: the key stands for it
	if err != nil {
		return bot.Session{}, false, fmt.Errorf("read session: %w", err)
	}
	return sess, found, nil
}

// Seen reports whether an event ID was already handled.
func (s *Store) Seen(_ context.Context, eventID string) (bool, error) {
	var seen bool
	err := s.view(func(tx *bolt.Tx) error {
		seen = tx.Bucket(bucketEvents).Get([]byte(eventID)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("read events: %w", err)
	}
	return seen, nil
}

// Commit applies everything one event changed in a single transaction.
// Events of different chats are committed together (bbolt's Batch), so one
// disk sync serves many concurrent updates; each event's change is still
// all or nothing.
func (s *Store) Commit(_ context.Context, c bot.Change) error {
	if c.Chat.Forget != 0 {
		// Her message IDs waiting in the journal go into bbolt first, to be
		// deleted there, so her keyed hash does not outlive this in the journal.
		if err := s.flush(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	forgot := false
	err := s.batch(func(tx *bolt.Tx) error {
		now := time.Now()
		forgot = false // fn may run again after another caller's error
		if c.EventID != "" {
			events := tx.Bucket(bucketEvents)
			if events.Get([]byte(c.EventID)) != nil {
				return errDuplicate
			}
			// Update IDs grow, so new keys land at the end: full pages
			// there, not bbolt's half-full default, halve the bucket.
			events.FillPercent = 0.9
			if err := events.Put([]byte(c.EventID), timeValue(now)); err != nil {
				return err
			}
		}
		if c.Chat.Forget != 0 {
			n, err := s.forgetChat(tx, c.Chat.Forget)
			if err != nil {
				return err
			}
			forgot = n > 0
		}
		if len(c.Chat.Messages) > 0 {
			if err := s.recordMessages(tx, c.Chat.MessagesOf, c.Chat.Messages, now); err != nil {
				return err
			}
		}
		if c.Chat.Unqueue != 0 {
			if err := unqueue(tx, c.Chat.Unqueue); err != nil {
				return err
			}
		}
		if c.Session != nil {
			if err := tx.Bucket(bucketSessions).Put(s.chatKey(c.Session.Chat), encodeSession(*c.Session)); err != nil {
				return err
			}
		}
		var prev uint64
		for _, a := range c.Actions {
			id, err := enqueue(tx, a, prev)
			if err != nil {
				return err
			}
			prev = id
		}
		for _, t := range c.Tickets {
			if err := putTicket(tx, t); err != nil {
				return err
			}
		}
		for _, op := range c.TicketOps {
			if err := applyTicket(tx, op); err != nil {
				return err
			}
		}
		if c.Subscription != nil {
			if err := subscribe(tx, *c.Subscription); err != nil {
				return err
			}
		}
		if c.Advisor != nil {
			if err := putAdvisor(tx, *c.Advisor); err != nil {
				return err
			}
		}
		if err := putVolunteers(tx, c); err != nil {
			return err
		}
		if err := add(tx, now, c.Add); err != nil {
			return err
		}
		if q := c.Question; q != nil {
			if err := putQuestion(tx, *q); err != nil {
				return err
			}
		}
		if err := deleteQuestions(tx, c.Taught); err != nil {
			return err
		}
		return count(tx, now, c.Count)
	})
	if errors.Is(err, errDuplicate) {
		return nil // handled by a concurrent delivery of the same event
	}
	if err != nil {
		return writeError("commit", err)
	}
	if forgot {
		// Deleted values stay in bbolt's free pages: rewrite the file so
		// what she asked to forget is gone from the disk too.
		return s.compactSoon()
	}
	return nil
}

// compactGap is the least time between two rewrites for /forget. A
// rewrite holds every other call (200 ms at 100,000 users), so a burst of
// presses shares one: the first is rewritten at once, the rest at the end
// of the gap.
const compactGap = 5 * time.Second

func (s *Store) compactSoon() error {
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	s.compactDue.Store(true)
	if s.compactAt != nil || s.closed {
		return nil // the booked rewrite, or Close, takes this one too
	}
	wait := compactGap - time.Since(time.Unix(0, s.lastCompact.Load()))
	if wait <= 0 {
		return s.Compact()
	}
	s.compactAt = time.AfterFunc(wait, func() {
		s.compactMu.Lock()
		defer s.compactMu.Unlock()
		if s.closed || s.compactAt == nil {
			return
		}
		s.compactAt = nil
		_ = s.Compact() // if it fails, compactDue stays set: the next /forget or Close tries again
	})
	return nil
}

var errDuplicate = errors.New("event already handled")

// ErrCannotWrite marks a write the disk refused. Nothing was changed, and
// the same write succeeds once there is room again.
var ErrCannotWrite = errors.New("the database cannot be written (disk full or read-only)")

func writeError(what string, err error) error {
	refused := false
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EFBIG, syscall.EDQUOT, syscall.EROFS, syscall.EPERM, syscall.EACCES} {
		refused = refused || errors.Is(err, errno)
	}
	// bbolt reports a failed growth of the file as text, without the errno.
	if refused || strings.HasPrefix(err.Error(), "file resize error") {
		return fmt.Errorf("%s: %w: %w", what, ErrCannotWrite, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func timeValue(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())) }

// forgetChat deletes the session and every queued message of a chat,
// and what is queued for the advisors about her: copies of her messages
// and her tickets' posts (the summary carries her question). It returns
// how many records went.
func (s *Store) forgetChat(tx *bolt.Tx, chat int64) (int, error) {
	n := 0
	subKey := binary.BigEndian.AppendUint64(nil, uint64(chat))
	for _, rec := range []struct {
		b   *bolt.Bucket
		key []byte
	}{{tx.Bucket(bucketSessions), s.chatKey(chat)}, {tx.Bucket(bucketMessages), s.chatKey(chat)}, {tx.Bucket(bucketSubscribers), subKey}} {
		if rec.b.Get(rec.key) == nil {
			continue
		}
		if err := rec.b.Delete(rec.key); err != nil {
			return 0, err
		}
		n++
	}
	tickets, err := deleteTickets(tx, chat)
	if err != nil {
		return 0, err
	}
	hers := map[int64]bool{}
	for _, t := range tickets {
		hers[t.Number] = true
	}
	queued, err := unqueueWhere(tx, func(a bot.Action) bool { return a.Chat == chat || a.CopyFrom == chat || hers[a.Ticket] })
	return n + len(tickets) + queued, err
}

// unqueue deletes every queued message of a chat.
func unqueue(tx *bolt.Tx, chat int64) error {
	_, err := unqueueWhere(tx, func(a bot.Action) bool { return a.Chat == chat })
	return err
}

func unqueueWhere(tx *bolt.Tx, doomed func(bot.Action) bool) (int, error) {
	return deleteMatching(tx.Bucket(bucketOutbox), func(_, v []byte) bool {
		var q queued
		return json.Unmarshal(v, &q) == nil && doomed(q.Action)
	})
}
