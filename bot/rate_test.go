package bot

import (
	"testing"
	"time"
)

func TestRateSpacesEvents(t *testing.T) {
	lim := Rate{N: 30, Per: time.Second}.Limiter()
	now := time.Unix(0, 0)
	var times []time.Time
	for len(times) < 100 {
		now = now.Add(lim.ReserveN(now, 1).DelayFrom(now))
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

func TestRateBurst(t *testing.T) {
	lim := Rate{N: 1, Per: time.Second, Burst: 10}.Limiter()
	now := time.Unix(0, 0)
	allowed := 0
	for range 50 {
		if lim.AllowN(now, 1) {
			allowed++
		}
	}
	if allowed != 10 {
		t.Errorf("burst allowed %d, want 10", allowed)
	}
	if !lim.AllowN(now.Add(time.Second), 1) || lim.AllowN(now.Add(time.Second), 1) {
		t.Error("after a second exactly one more should be allowed")
	}
}
