package content

import (
	"slices"
	"time"
)

// Unset names the details staff have not set yet (address, phone,
// hours): answers leave their lines out, and serve warns at start.
func (c Centre) Unset() []string {
	var out []string
	for _, d := range []struct{ name, value string }{{"address", c.Address}, {"phone", c.Phone}} {
		if d.value == "" {
			out = append(out, d.name)
		}
	}
	if len(c.Hours) == 0 {
		out = append(out, "hours")
	}
	return out
}

// OpenAt reports whether advisors are available at t. A centre without
// configured hours is treated as always open: the bot then promises nothing
// about times.
func (c Centre) OpenAt(t time.Time) bool {
	if len(c.Hours) == 0 {
		return true
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if slices.ContainsFunc(c.Holidays, func(h time.Time) bool { return h.Equal(day) }) {
		return false
	}
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute
	for _, h := range c.Hours {
		if slices.Contains(h.Days, local.Weekday()) && since >= h.Open && since < h.Close {
			return true
		}
	}
	return false
}

// NextOpening is when advisors are next available after t (t itself if
// they are now), in the centre's time zone; zero if the hours never open.
func (c Centre) NextOpening(t time.Time) time.Time {
	if c.OpenAt(t) {
		return t
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	for d := 0; d < 60; d++ {
		day := time.Date(local.Year(), local.Month(), local.Day()+d, 0, 0, 0, 0, loc)
		var best time.Time
		for _, h := range c.Hours {
			if !slices.Contains(h.Days, day.Weekday()) {
				continue
			}
			open := day.Add(h.Open)
			if open.After(t) && (best.IsZero() || open.Before(best)) && c.OpenAt(open) {
				best = open
			}
		}
		if !best.IsZero() {
			return best
		}
	}
	return time.Time{}
}
