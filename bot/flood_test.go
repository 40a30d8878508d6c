package bot

import (
	"testing"
	"time"
)

// TestFloodGuardEventFromThePast: an event that carries an earlier time
// than the one before it (a redelivered update) takes a token but gives
// none back. rate.Limiter alone would set its clock back to that time and
// refill the five seconds between twice, letting the third message through.
func TestFloodGuardEventFromThePast(t *testing.T) {
	g := newFloodGuard(Rate{N: 1, Per: time.Second, Burst: 2})
	at := time.Unix(1_000_000, 0)
	for i, step := range []struct {
		at   time.Time
		want floodVerdict
	}{
		{at, floodOK},
		{at.Add(-5 * time.Second), floodOK},
		{at.Add(500 * time.Millisecond), floodWarn},
	} {
		if got := g.check(1, step.at); got != step.want {
			t.Errorf("message %d: verdict %d, want %d", i+1, got, step.want)
		}
	}
}
