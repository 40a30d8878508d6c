package content

import (
	"testing"
	"time"
)

func TestCentreHours(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no time zone data")
	}
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	c := Centre{Location: oslo, Hours: []Hours{{Days: weekdays, Open: 10 * time.Hour, Close: 15 * time.Hour}},
		Holidays: []time.Time{time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)}}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, oslo) }
	tests := []struct {
		name string
		t    time.Time
		open bool
		next time.Time
	}{
		{"WednesdayNoon", at(2026, 11, 25, 12, 0), true, at(2026, 11, 25, 12, 0)},
		{"WednesdayEvening", at(2026, 11, 25, 18, 0), false, at(2026, 11, 26, 10, 0)},
		{"FridayAtClosing", at(2026, 11, 27, 15, 0), false, at(2026, 11, 30, 10, 0)},
		{"SaturdayMorning", at(2026, 11, 28, 9, 0), false, at(2026, 11, 30, 10, 0)},
		{"ChristmasEve", at(2026, 12, 24, 11, 0), false, at(2026, 12, 25, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.OpenAt(tt.t); got != tt.open {
				t.Errorf("OpenAt = %v, want %v", got, tt.open)
			}
			if got := c.NextOpening(tt.t); !got.Equal(tt.next) {
				t.Errorf("NextOpening = %v, want %v", got, tt.next)
			}
		})
	}
}
