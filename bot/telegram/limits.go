package telegram

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/veiviser/veiviser/bot"
)

// Rate is N messages per period.
type Rate = bot.Rate

// Limits are the outgoing message rates Telegram allows a bot.
type Limits struct {
	Global Rate // all chats together
	Chat   Rate // one private chat
	Group  Rate // one group
	// Parallel is how many Bot API calls may be under way at once, each
	// for different chats. One call at a time caps delivery at 1/RTT
	// messages a second, below Telegram's 30 once the API is 35 ms away.
	Parallel int
	// Timeout abandons a call that long unanswered (it is tried again), so
	// a lane is not held by a connection that went quiet.
	Timeout time.Duration
}

// DefaultLimits are Telegram's documented limits: about 30 messages a
// second overall, one a second per chat, twenty a minute per group. The
// overall rate is booked at 29: a message booked for its moment can leave
// a few milliseconds late, and at exactly 30 the next one, on time, would
// make 31 in some second; the load driver's fake then answered 429.
const DefaultLimits = "global=29/s,chat=1/s,group=20/m,parallel=4,timeout=15s"

// ParseLimits reads limits written like DefaultLimits; names left out keep
// their default.
func ParseLimits(s string) (Limits, error) {
	l := Limits{Global: newRate(29, time.Second), Chat: newRate(1, time.Second), Group: newRate(20, time.Minute), Parallel: 4, Timeout: 15 * time.Second}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, spec, ok := strings.Cut(part, "=")
		if name == "parallel" {
			n, err := strconv.Atoi(spec)
			if err != nil || n < 1 || n > 64 {
				return Limits{}, fmt.Errorf("send limits: %q: parallel is a number of calls, 1 to 64", part)
			}
			l.Parallel = n
			continue
		}
		if name == "timeout" {
			d, err := time.ParseDuration(spec)
			if err != nil || d <= 0 {
				return Limits{}, fmt.Errorf("send limits: %q: timeout is a duration like 15s", part)
			}
			l.Timeout = d
			continue
		}
		n, unit, ok2 := strings.Cut(spec, "/")
		count, err := strconv.Atoi(n)
		per := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
		if !ok || !ok2 || err != nil || count <= 0 || per == 0 {
			return Limits{}, fmt.Errorf("send limits: %q is not like chat=1/s", part)
		}
		r := newRate(count, per)
		switch name {
		case "global":
			l.Global = r
		case "chat":
			l.Chat = r
		case "group":
			l.Group = r
		default:
			return Limits{}, fmt.Errorf("send limits: unknown limit %q (global, chat, group, parallel or timeout)", name)
		}
	}
	return l, nil
}

// newRate is count per period. Telegram's own rates are paced evenly (no
// bursts); a rate raised far beyond them (load runs) may go out in bursts
// of a thirtieth of it, so a step of the sender is not limited to one message.
func newRate(count int, per time.Duration) Rate {
	return Rate{N: count, Per: per, Burst: count / 30}
}
