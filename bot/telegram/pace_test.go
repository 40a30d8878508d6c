package telegram

import (
	"testing"
	"time"
)

// TestPaceBooking shows what pace adds to rate.Limiter, each beside what
// the limiter alone does.
func TestPaceBooking(t *testing.T) {
	at := time.Unix(1_000_000, 0)
	t.Run("MoreThanTheBurst", func(t *testing.T) {
		// A long answer is three messages, booked together on the whole
		// bot's rate (29 a second, evenly: a burst of 1). The limiter
		// refuses to reserve three at once.
		r := newRate(29, time.Second)
		if r.Limiter().ReserveN(at, 3).OK() {
			t.Fatal("rate.Limiter reserved more than its burst; pace could book in one piece")
		}
		p := newPace(r)
		p.book(at, 3)
		if got, want := p.wait(at, 1), 3*time.Second/29; got < want-time.Millisecond || got > want+time.Millisecond {
			t.Errorf("after booking 3, the next waits %v, want %v", got, want)
		}
	})
	t.Run("EarlierThanTheLatest", func(t *testing.T) {
		// A booking made for a moment before the latest one must not give
		// back the time between.
		r := Rate{N: 1, Per: time.Second, Burst: 2}
		lim := r.Limiter()
		lim.ReserveN(at, 1)
		lim.ReserveN(at.Add(-5*time.Second), 1)
		if !lim.AllowN(at.Add(500*time.Millisecond), 1) {
			t.Fatal("rate.Limiter kept its clock; pace need not")
		}
		p := newPace(r)
		p.book(at, 1)
		p.book(at.Add(-5*time.Second), 1)
		if got := p.wait(at.Add(500*time.Millisecond), 1); got != 500*time.Millisecond {
			t.Errorf("half a second after two bookings the next waits %v, want 500ms", got)
		}
	})
}
