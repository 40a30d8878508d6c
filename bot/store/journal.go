package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The journal (PATH.sent) records what the sender delivered: outbox IDs
// that are done and the IDs of messages sent to private chats. A record is
// one write(2) without a disk sync, so it survives the process being
// killed the instant after Telegram accepted a message: that is the window
// in which a crash would otherwise send the message again. A bbolt commit
// with its syncs costs milliseconds; this costs microseconds. The records
// reach bbolt in batches (flush), and at the next start whatever the
// journal still holds is applied before anything is sent. A machine crash
// can lose unsynced records, which only means a message is sent twice or
// /clear misses one: never that one is lost.
//
// It holds outbox sequence numbers and keyed hashes, never a chat ID or text.
type journal struct {
	mu       sync.Mutex
	path     string
	f        *os.File
	done     map[uint64]struct{} // delivered, still in bbolt's outbox
	messages []journalMessage    // not yet in bbolt's messages bucket
	oldest   time.Time           // of what waits for a flush
	// unwritten holds records noted but not yet in the file.
	unwritten []byte
}

type journalMessage struct {
	key []byte // messageKey: keyed chat hash + message ID
	at  time.Time
}

const (
	recDone    = 'd'
	recMessage = 'm'
	// flushAfter and flushCount bound what waits in the journal: enough to
	// share one bbolt commit between many deliveries, little enough that
	// Pending skips few entries.
	flushAfter = 500 * time.Millisecond
	flushCount = 256
)

// openJournal opens the journal with the records a previous run left in
// it waiting, as if just written: the first flush moves them into bbolt.
// A torn last record (killed mid-write) fails its checksum and is ignored:
// its message is then simply sent again.
func openJournal(path string) (*journal, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	done, msgs := parseJournal(data)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	return &journal{path: path, f: f, done: done, messages: msgs, oldest: time.Now()}, nil
}

// parseJournal reads records up to the first damaged one.
func parseJournal(data []byte) (map[uint64]struct{}, []journalMessage) {
	done := map[uint64]struct{}{}
	var msgs []journalMessage
	for len(data) > 0 {
		var n int
		switch data[0] {
		case recDone:
			n = 1 + 8
		case recMessage:
			n = 1 + 24 + 8
		default:
			return done, msgs
		}
		if len(data) < n+4 || crc32.ChecksumIEEE(data[:n]) != binary.BigEndian.Uint32(data[n:]) {
			return done, msgs
		}
		if data[0] == recDone {
			done[binary.BigEndian.Uint64(data[1:])] = struct{}{}
		} else {
			at := time.Unix(0, int64(binary.BigEndian.Uint64(data[25:])))
			msgs = append(msgs, journalMessage{key: append([]byte(nil), data[1:25]...), at: at})
		}
		data = data[n+4:]
	}
	return done, msgs
}

func appendRecord(buf []byte, kind byte, payload ...[]byte) []byte {
	start := len(buf)
	buf = append(buf, kind)
	for _, p := range payload {
		buf = append(buf, p...)
	}
	return binary.BigEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf[start:]))
}

// noteMessage notes a message sent to a private chat. Its record is only
// noted, and goes out with the Done that follows it microseconds later:
// one system call per delivered message instead of two.
func (j *journal) noteMessage(key []byte, at time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.add(appendRecord(nil, recMessage, key, timeValue(at)), at)
	j.messages = append(j.messages, journalMessage{key: key, at: at})
}

// noteDone records a delivered outbox entry, with the messages noted
// before it, in one write(2). Even if the disk refuses the write the entry
// counts as done in this run, since it was delivered; only a crash before
// the next flush would send it again.
func (j *journal) noteDone(id uint64, now time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.add(appendRecord(nil, recDone, binary.BigEndian.AppendUint64(nil, id)), now)
	j.done[id] = struct{}{}
	_, err := j.f.Write(j.unwritten)
	j.unwritten = j.unwritten[:0]
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// add queues a record for the next write; the caller holds mu.
func (j *journal) add(rec []byte, now time.Time) {
	if len(j.done) == 0 && len(j.messages) == 0 {
		j.oldest = now
	}
	j.unwritten = append(j.unwritten, rec...)
}

// doneCount is how many delivered entries are still in bbolt's outbox.
func (j *journal) doneCount() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.done)
}

// due reports whether enough waits to be worth a bbolt commit.
func (j *journal) due(now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := len(j.done) + len(j.messages)
	return n > 0 && (n >= flushCount || now.Sub(j.oldest) >= flushAfter)
}

// isDone reports whether an outbox entry was delivered but not yet removed.
func (j *journal) isDone(id uint64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.done[id]
	return ok
}

// take hands what waits to a flush; settle finishes it. The caller
// holds Store.flushMu, so one flush runs at a time.
func (j *journal) take() (ids []uint64, msgs []journalMessage, ok bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.done)+len(j.messages) == 0 {
		return nil, nil, false
	}
	for id := range j.done {
		ids = append(ids, id)
	}
	msgs, j.messages = j.messages, nil
	return ids, msgs, true
}

// settle ends a flush. After a failed commit the messages wait again; after
// a good one the journal is rewritten with only what came in meanwhile
// (a new file renamed over the old, so a crash leaves one or the other).
func (j *journal) settle(ids []uint64, msgs []journalMessage, committed bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !committed {
		j.messages = append(msgs, j.messages...)
		return nil
	}
	for _, id := range ids {
		delete(j.done, id)
	}
	return j.rewrite()
}

// rewrite replaces the file with the records still waiting; the caller holds mu.
func (j *journal) rewrite() error {
	var buf []byte
	for id := range j.done {
		buf = appendRecord(buf, recDone, binary.BigEndian.AppendUint64(nil, id))
	}
	for _, m := range j.messages {
		buf = appendRecord(buf, recMessage, m.key, timeValue(m.at))
	}
	tmp := j.path + ".tmp"
	if err := os.WriteFile(tmp, buf, 0o600); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.unwritten = j.unwritten[:0] // all of it is in the new file
	if err := os.Rename(tmp, j.path); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	j.f.Close()
	j.f = f
	if len(j.done)+len(j.messages) > 0 {
		j.oldest = time.Now()
	}
	return nil
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// applyJournal writes journal records into bbolt.
func applyJournal(tx *bolt.Tx, ids []uint64, msgs []journalMessage) error {
	out := tx.Bucket(bucketOutbox)
	for _, id := range ids {
		if err := out.Delete(binary.BigEndian.AppendUint64(nil, id)); err != nil {
			return err
		}
	}
	b, sessions := tx.Bucket(bucketMessages), tx.Bucket(bucketSessions)
	for _, m := range msgs {
		if sessions.Get(m.key[:chatKeySize]) == nil {
			// She was forgotten while this message was on its way to her:
			// recording it would put her keyed hash back in the file.
			continue
		}
		id := int(binary.BigEndian.Uint64(m.key[chatKeySize:]))
		if err := appendMessage(b, m.key[:chatKeySize], id, m.at); err != nil {
			return err
		}
	}
	return nil
}
