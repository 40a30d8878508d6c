package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	"github.com/veiviser/veiviser/bot"
)

// Sessions are the one record every user has, most of the file and of the
// memory bbolt maps, so they are stored in a compact binary form rather
// than JSON (docs/performance.md has the sizes). A session stored as JSON
// by an older release is still read.
//
// Layout: version byte, flag byte, then uvarint-length strings Lang,
// Screen, Asked, and varints Misses, Ticket, Created and Seen (Unix
// nanoseconds, 0 for the zero time); then, only when she opened tickets
// in the last hour, their count and times. A record without them (the
// most, and every older one) ends after Seen.
const sessionV1 = 1

const (
	flagLangChosen = 1 << iota
	flagDiscreet
	flagDiscreetAsked
)

var errSession = errors.New("damaged session record")

func encodeSession(s bot.Session) []byte {
	buf := make([]byte, 0, 32+len(s.Lang)+len(s.Screen)+len(s.Asked))
	var flags byte
	if s.LangChosen {
		flags |= flagLangChosen
	}
	if s.Discreet {
		flags |= flagDiscreet
	}
	if s.DiscreetAsked {
		flags |= flagDiscreetAsked
	}
	buf = append(buf, sessionV1, flags)
	for _, str := range []string{s.Lang, s.Screen, s.Asked} {
		buf = binary.AppendUvarint(buf, uint64(len(str)))
		buf = append(buf, str...)
	}
	buf = binary.AppendVarint(buf, int64(s.Misses))
	buf = binary.AppendVarint(buf, s.Ticket)
	buf = binary.AppendVarint(buf, unixNano(s.Created))
	buf = binary.AppendVarint(buf, unixNano(s.Seen))
	if len(s.Opened) > 0 {
		buf = binary.AppendUvarint(buf, uint64(len(s.Opened)))
		for _, at := range s.Opened {
			buf = binary.AppendVarint(buf, unixNano(at))
		}
	}
	return buf
}

func decodeSession(v []byte, s *bot.Session) error {
	if len(v) > 0 && v[0] == '{' {
		return json.Unmarshal(v, s)
	}
	if len(v) < 2 || v[0] != sessionV1 {
		return errSession
	}
	s.LangChosen, s.Discreet, s.DiscreetAsked = v[1]&flagLangChosen != 0, v[1]&flagDiscreet != 0, v[1]&flagDiscreetAsked != 0
	v = v[2:]
	for _, str := range []*string{&s.Lang, &s.Screen, &s.Asked} {
		n, k := binary.Uvarint(v)
		if k <= 0 || n > uint64(len(v)-k) {
			return errSession
		}
		*str, v = string(v[k:k+int(n)]), v[k+int(n):]
	}
	var ints [4]int64
	for i := range ints {
		n, k := binary.Varint(v)
		if k <= 0 {
			return errSession
		}
		ints[i], v = n, v[k:]
	}
	s.Misses, s.Ticket = int(ints[0]), ints[1]
	s.Created, s.Seen = fromUnixNano(ints[2]), fromUnixNano(ints[3])
	s.Opened = nil
	if len(v) == 0 {
		return nil
	}
	n, k := binary.Uvarint(v)
	if k <= 0 || n == 0 || n > uint64(len(v)-k) {
		return errSession
	}
	v = v[k:]
	for range n {
		at, k := binary.Varint(v)
		if k <= 0 {
			return errSession
		}
		s.Opened, v = append(s.Opened, fromUnixNano(at)), v[k:]
	}
	return nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
