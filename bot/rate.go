package bot

import (
	"time"

	"golang.org/x/time/rate"
)

// Rate is N events per period, with bursts of up to Burst events at once
// (0 means 1: events evenly spaced, never more than N in any period).
type Rate struct {
	N     int
	Per   time.Duration
	Burst int
}

// Limiter returns a full token bucket for r. Callers use only the
// methods that take the time (AllowN, ReserveN, TokensAt), so their own
// clock drives it and tests pace with a fake clock instead of sleeping.
func (r Rate) Limiter() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(r.N)/r.Per.Seconds()), max(1, r.Burst))
}
