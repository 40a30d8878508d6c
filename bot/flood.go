package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultFlood is what one chat may send before the bot asks her to slow
// down: a burst of ten messages, then one a second.
func DefaultFlood() Rate { return Rate{N: 1, Per: time.Second, Burst: 10} }

type floodVerdict int

const (
	floodOK   floodVerdict = iota
	floodWarn              // over the limit: say "slow down" once
	floodDrop              // still over the limit: ignore quietly
)

// floodGuard keeps one chat's burst of messages from costing everyone
// else's replies: past the limit she gets one polite "slow down", then
// her messages are ignored until the bucket refills. It lives in memory:
// after a restart everyone starts with a full bucket, which is harmless.
type floodGuard struct {
	rate Rate
	mu   sync.Mutex
	by   map[int64]*floodState
}

type floodState struct {
	bucket *rate.Limiter
	warned bool
	// last is the latest time she wrote. The bucket is asked at no earlier
	// time: an event can carry an earlier time than the one before it (a
	// redelivered update), and rate.Limiter would set its clock back to it
	// and count the time between twice.
	last time.Time
}

func newFloodGuard(r Rate) *floodGuard {
	return &floodGuard{rate: r, by: map[int64]*floodState{}}
}

func (g *floodGuard) check(chat int64, now time.Time) floodVerdict {
	if g.rate.N == 0 {
		return floodOK
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.by) > 10000 {
		for c, st := range g.by {
			if now.Sub(st.last) > g.rate.Per {
				delete(g.by, c)
			}
		}
	}
	st := g.by[chat]
	if st == nil {
		st = &floodState{bucket: g.rate.Limiter()}
		g.by[chat] = st
	}
	st.last = later(st.last, now)
	if st.bucket.AllowN(st.last, 1) {
		st.warned = false
		return floodOK
	}
	if st.warned {
		return floodDrop
	}
	st.warned = true
	return floodWarn
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
