package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/content"
)

// Published content versions and the one staged for publishing. Each
// version keeps its files, so any of them can be restored.
var (
	keyStaged  = []byte("staged")
	keyCurrent = []byte("current")
)

// storedVersion is a version as stored. Recordings are most of a
// catalog's bytes and rarely change, so each is stored once in the blobs
// bucket, by checksum, and versions name it there (Blobs: file → sum).
type storedVersion struct {
	bot.Version
	Files map[string][]byte
	Blobs map[string]string `json:",omitempty"`
}

// encodeVersion stores the recordings of files as blobs and returns the
// version's record.
func encodeVersion(tx *bolt.Tx, v bot.Version, files map[string][]byte) ([]byte, error) {
	sv := storedVersion{Version: v, Files: map[string][]byte{}, Blobs: map[string]string{}}
	blobs := tx.Bucket(bucketBlobs)
	for name, data := range files {
		if path.Dir(name) != content.AudioDir {
			sv.Files[name] = data
			continue
		}
		sum := content.AudioSum(data)
		if blobs.Get([]byte(sum)) == nil {
			if err := blobs.Put([]byte(sum), data); err != nil {
				return nil, err
			}
		}
		sv.Blobs[name] = sum
	}
	return json.Marshal(sv)
}

// decodeVersion reads a version's record with its recordings.
func decodeVersion(tx *bolt.Tx, data []byte) (storedVersion, error) {
	var sv storedVersion
	if err := json.Unmarshal(data, &sv); err != nil {
		return sv, err
	}
	for name, sum := range sv.Blobs {
		blob := tx.Bucket(bucketBlobs).Get([]byte(sum))
		if blob == nil {
			return sv, fmt.Errorf("version %d: recording %s is missing", sv.Number, name)
		}
		sv.Files[name] = bytes.Clone(blob)
	}
	return sv, nil
}

// Stage keeps a validated upload until a staff member publishes it.
func (s *Store) Stage(_ context.Context, v bot.Version, files map[string][]byte) error {
	return s.wrap("stage", s.update(func(tx *bolt.Tx) error {
		data, err := encodeVersion(tx, v, files)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyStaged, data)
	}))
}

// Staged returns the staged upload, if any.
func (s *Store) Staged(_ context.Context) (bot.Version, map[string][]byte, bool, error) {
	var sv storedVersion
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketMeta).Get(keyStaged)
		if data == nil {
			return nil
		}
		found = true
		var err error
		sv, err = decodeVersion(tx, data)
		return err
	})
	return sv.Version, sv.Files, found, s.wrap("read staged", err)
}

// Publish records files as a new version, makes it current and clears
// what was staged; it returns the version number.
func (s *Store) Publish(_ context.Context, v bot.Version, files map[string][]byte) (int, error) {
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVersions)
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		v.Number = int(n)
		data, err := encodeVersion(tx, v, files)
		if err != nil {
			return err
		}
		if err := b.Put(binary.BigEndian.AppendUint64(nil, n), data); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(keyStaged); err != nil {
			return err
		}
		return meta.Put(keyCurrent, binary.BigEndian.AppendUint64(nil, n))
	})
	return v.Number, s.wrap("publish", err)
}

// Versions lists the published versions, oldest first, without their files.
func (s *Store) Versions(_ context.Context) ([]bot.Version, error) {
	stored, err := list[storedVersion](s, bucketVersions, nil)
	out := make([]bot.Version, len(stored))
	for i, sv := range stored {
		out[i] = sv.Version
	}
	return out, err
}

// Version returns one published version with its files; n == 0 means the
// current one.
func (s *Store) Version(_ context.Context, n int) (bot.Version, map[string][]byte, bool, error) {
	var sv storedVersion
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		key := binary.BigEndian.AppendUint64(nil, uint64(n))
		if n == 0 {
			if key = tx.Bucket(bucketMeta).Get(keyCurrent); key == nil {
				return nil
			}
		}
		data := tx.Bucket(bucketVersions).Get(key)
		if data == nil {
			return nil
		}
		found = true
		var err error
		sv, err = decodeVersion(tx, data)
		return err
	})
	return sv.Version, sv.Files, found, s.wrap("read version", err)
}

func (s *Store) wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Subscribers returns the chats that opted in to announcements in lang
// ("" for all languages). They are stored with their chat ID, since an
// announcement must reach them; /unsubscribe and /forget remove it.
func (s *Store) Subscribers(_ context.Context, lang string) ([]int64, error) {
	var out []int64
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSubscribers).ForEach(func(k, v []byte) error {
			if lang == "" || string(v) == lang {
				out = append(out, int64(binary.BigEndian.Uint64(k)))
			}
			return nil
		})
	})
	return out, s.wrap("read subscribers", err)
}

func subscribe(tx *bolt.Tx, sub bot.Subscription) error {
	b := tx.Bucket(bucketSubscribers)
	key := binary.BigEndian.AppendUint64(nil, uint64(sub.Chat))
	if !sub.On {
		return b.Delete(key)
	}
	return b.Put(key, []byte(sub.Lang))
}
