package content

import (
	"fmt"
	"slices"
	"strings"
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

// HoursText writes the opening hours as the bot shows them, "Mon–Fri
// 10:00–15:00, Sat 10:00–13:00", with days the names of the weekdays in
// the reader's language, Sunday first.
func (c Centre) HoursText(days []string) string {
	if len(days) != 7 {
		days = strings.Split("Sun,Mon,Tue,Wed,Thu,Fri,Sat", ",")
	}
	clock := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	var parts []string
	for _, h := range c.Hours {
		if len(h.Days) == 0 {
			continue
		}
		span := days[h.Days[0]]
		if len(h.Days) > 1 {
			span += "–" + days[h.Days[len(h.Days)-1]]
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", span, clock(h.Open), clock(h.Close)))
	}
	return strings.Join(parts, ", ")
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
