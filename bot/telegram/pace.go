package telegram

import (
	"time"

	"golang.org/x/time/rate"
)

// pace is a token bucket on the sender's clock: rate.Limiter, and what
// the sender needs beyond it.
type pace struct {
	lim    *rate.Limiter
	booked time.Time // the latest moment booked
}

func newPace(r Rate) *pace { return &pace{lim: r.Limiter()} }

// wait returns how long after t the bucket holds n tokens (0: at once).
func (p *pace) wait(t time.Time, n int) time.Duration {
	missing := float64(n) - p.lim.TokensAt(t)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / float64(p.lim.Limit()) * float64(time.Second))
}

// book takes n tokens at t, into debt if need be: the next booking waits
// until it is paid. rate.Limiter reserves at most its burst at once, and
// one long answer is several messages booked together, so they are booked
// in pieces. It sets its clock back to a reservation's time and would
// count the time between twice, so no booking goes before the latest
// (TestPaceBooking shows both).
func (p *pace) book(t time.Time, n int) {
	if t.Before(p.booked) {
		t = p.booked
	}
	p.booked = t
	for n > 0 {
		k := min(n, p.lim.Burst())
		p.lim.ReserveN(t, k)
		n -= k
	}
}
