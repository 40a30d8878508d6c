package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/veiviser/veiviser/bot"
)

var keyVoiceFirst = []byte("voice-first")

func userKey(user int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(user)) }

// putVolunteers writes a change's volunteer and voice-first settings.
func putVolunteers(tx *bolt.Tx, c bot.Change) error {
	b := tx.Bucket(bucketVolunteers)
	if c.DropVolunteer != 0 {
		if err := b.Delete(userKey(c.DropVolunteer)); err != nil {
			return err
		}
	}
	if v := c.Volunteer; v != nil {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := b.Put(userKey(v.User), data); err != nil {
			return err
		}
	}
	if sw := c.VoiceFirst; sw != nil {
		langs, err := voiceFirst(tx)
		if err != nil {
			return err
		}
		langs = slices.DeleteFunc(langs, func(l string) bool { return l == sw.Lang })
		if sw.On {
			langs = append(langs, sw.Lang)
			slices.Sort(langs)
		}
		data, err := json.Marshal(langs)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyVoiceFirst, data)
	}
	return nil
}

func voiceFirst(tx *bolt.Tx) ([]string, error) {
	var langs []string
	if data := tx.Bucket(bucketMeta).Get(keyVoiceFirst); data != nil {
		if err := json.Unmarshal(data, &langs); err != nil {
			return nil, err
		}
	}
	return langs, nil
}

// VoiceFirst returns the languages whose answers start with their recording.
func (s *Store) VoiceFirst(_ context.Context) ([]string, error) {
	var langs []string
	err := s.view(func(tx *bolt.Tx) (err error) {
		langs, err = voiceFirst(tx)
		return err
	})
	return langs, s.wrap("read voice-first", err)
}

// Volunteer returns the volunteer with Telegram user ID user, if she is one.
func (s *Store) Volunteer(_ context.Context, user int64) (bot.Volunteer, bool, error) {
	var v bot.Volunteer
	var found bool
	err := s.view(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketVolunteers).Get(userKey(user))
		if data == nil {
			return nil
		}
		found = true
		return json.Unmarshal(data, &v)
	})
	return v, found, s.wrap("read volunteer", err)
}

// Volunteers returns every volunteer, by user ID.
func (s *Store) Volunteers(_ context.Context) ([]bot.Volunteer, error) {
	return list[bot.Volunteer](s, bucketVolunteers, nil)
}

// FileID returns what Telegram calls the recording with checksum sum,
// once it was uploaded, so it is never uploaded again.
func (s *Store) FileID(_ context.Context, sum string) (string, bool, error) {
	var id string
	err := s.view(func(tx *bolt.Tx) error {
		id = string(tx.Bucket(bucketFileIDs).Get([]byte(sum)))
		return nil
	})
	return id, id != "", s.wrap("read file id", err)
}

// SetFileID remembers what Telegram calls a recording; an empty id forgets
// it (Telegram no longer knows it), so the next send uploads it again.
func (s *Store) SetFileID(_ context.Context, sum, id string) error {
	return s.wrap("write file id", s.update(func(tx *bolt.Tx) error {
		if id == "" {
			return tx.Bucket(bucketFileIDs).Delete([]byte(sum))
		}
		return tx.Bucket(bucketFileIDs).Put([]byte(sum), []byte(id))
	}))
}
