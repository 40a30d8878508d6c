package telegram

import (
	"testing"
	"time"
)

func TestParseLimits(t *testing.T) {
	def, err := ParseLimits(DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want Limits
		bad  bool
	}{
		{in: "", want: def},
		{in: DefaultLimits, want: def},
		{in: "global=100/s", want: Limits{Global: Rate{N: 100, Per: time.Second, Burst: 3}, Chat: def.Chat, Group: def.Group, Parallel: 4, Timeout: 15 * time.Second}},
		{in: " chat=2/m , parallel=1,timeout=300ms", want: Limits{Global: def.Global, Chat: Rate{N: 2, Per: time.Minute}, Group: def.Group, Parallel: 1, Timeout: 300 * time.Millisecond}},
		{in: "parallel=0", bad: true},
		{in: "parallel=65", bad: true},
		{in: "parallel=four", bad: true},
		{in: "timeout=-1s", bad: true},
		{in: "timeout=soon", bad: true},
		{in: "chat=1/d", bad: true},
		{in: "chat=0/s", bad: true},
		{in: "speed=1/s", bad: true},
		{in: "global", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseLimits(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseLimits(%q) = %+v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseLimits(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParseLimits: whatever is in VEIVISER_SEND_LIMITS, serve gets usable
// limits or an error, never a panic or a zero rate.
func FuzzParseLimits(f *testing.F) {
	f.Add(DefaultLimits)
	f.Add("global=100000/s,chat=1/s,group=20/m,parallel=64,timeout=1ns")
	f.Add("chat=,=,/")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ParseLimits(in)
		if err != nil {
			return
		}
		for _, r := range []Rate{l.Global, l.Chat, l.Group} {
			if r.N <= 0 || r.Per <= 0 {
				t.Fatalf("ParseLimits(%q) gave rate %+v", in, r)
			}
		}
		if l.Parallel < 1 || l.Parallel > 64 || l.Timeout <= 0 {
			t.Fatalf("ParseLimits(%q) = %+v", in, l)
		}
	})
}
