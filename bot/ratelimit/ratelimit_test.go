package ratelimit

import (
	"testing"
	"time"
)

func TestBucketSpacesEvents(t *testing.T) {
	r := Rate{N: 30, Per: time.Second}
	var b Bucket
	now := time.Unix(0, 0)
	var times []time.Time
	for len(times) < 100 {
		if w := b.Wait(now, r, 1); w > 0 {
			now = now.Add(w)
			continue
		}
		b.Take(now, r, 1)
		times = append(times, now)
	}
	// In any one-second window there are at most 30 events.
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		if n > 30 {
			t.Fatalf("%d events in the second after %v", n, times[i].Sub(time.Unix(0, 0)))
		}
	}
}

func TestBucketBurst(t *testing.T) {
	r := Rate{N: 1, Per: time.Second, Burst: 10}
	var b Bucket
	now := time.Unix(0, 0)
	allowed := 0
	for range 50 {
		if b.Allow(now, r) {
			allowed++
		}
	}
	if allowed != 10 {
		t.Errorf("burst allowed %d, want 10", allowed)
	}
	if !b.Allow(now.Add(time.Second), r) || b.Allow(now.Add(time.Second), r) {
		t.Error("after a second exactly one more should be allowed")
	}
}
