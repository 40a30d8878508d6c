// Package ratelimit is a token bucket driven by the caller's clock, so the
// pacing of outgoing messages and the flood limit on incoming ones can be
// tested with a fake clock instead of timed assertions.
package ratelimit

import "time"

// Rate is N events per period, with bursts of up to Burst events at once
// (0 means 1: events evenly spaced, never more than N in any period).
type Rate struct {
	N     int
	Per   time.Duration
	Burst int
}

func (r Rate) capacity() float64 { return float64(max(1, r.Burst)) }

// Bucket holds up to r.Burst tokens and refills at r.N per r.Per. The zero
// Bucket is full.
type Bucket struct {
	tokens float64
	last   time.Time
	init   bool
}

func (b *Bucket) refill(now time.Time, r Rate) {
	if !b.init {
		b.tokens, b.last, b.init = r.capacity(), now, true
		return
	}
	if now.After(b.last) {
		b.tokens = min(r.capacity(), b.tokens+now.Sub(b.last).Seconds()*float64(r.N)/r.Per.Seconds())
		b.last = now
	}
}

// Wait returns how long until n tokens are available at now (0: at once).
func (b *Bucket) Wait(now time.Time, r Rate, n int) time.Duration {
	b.refill(now, r)
	missing := float64(n) - b.tokens
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing * float64(r.Per) / float64(r.N))
}

// Take uses n tokens; the bucket may go into debt.
func (b *Bucket) Take(now time.Time, r Rate, n int) {
	b.refill(now, r)
	b.tokens -= float64(n)
}

// Allow takes one token if there is one.
func (b *Bucket) Allow(now time.Time, r Rate) bool {
	if b.Wait(now, r, 1) > 0 {
		return false
	}
	b.Take(now, r, 1)
	return true
}
