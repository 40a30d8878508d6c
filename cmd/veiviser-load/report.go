package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// figures are the measurements of one bot under one load.
type figures struct {
	Bot           string  `json:"bot"`
	Users         int     `json:"users"`
	Steps         int     `json:"updates"`
	UpdatesPerSec float64 `json:"updates_per_s"`
	P50ms         float64 `json:"p50_ms"`
	P99ms         float64 `json:"p99_ms"`
	MaxMs         float64 `json:"max_ms"`
	Missing       int     `json:"no_reply"`      // steps not answered within the timeout
	Extra         int     `json:"extra_replies"` // replies beyond what the script expects
	Throttled     int64   `json:"throttled_429"`
	RSSMB         float64 `json:"rss_mb"`      // after the run, fake's call log dropped
	AnonMB        float64 `json:"rss_anon_mb"` // of which heap and stacks
	FileRSSMB     float64 `json:"rss_file_mb"` // of which mapped files: the bbolt file
	HeapMB        float64 `json:"heap_mb"`     // live Go heap
	PeakRSSMB     float64 `json:"peak_rss_mb"` // during the run, fake and driver included
	FileMB        float64 `json:"file_mb,omitempty"`
	OutboxReads   int64   `json:"outbox_reads,omitempty"` // the sender's Pending calls
}

// summarize turns a driven load into figures.
func summarize(bot string, users int, o outcome) figures {
	f := figures{Bot: bot, Users: users, Steps: o.steps, Missing: o.missing, Extra: max(0, o.replies-o.expected)}
	if o.elapsed > 0 {
		f.UpdatesPerSec = float64(o.steps) / o.elapsed.Seconds()
	}
	lat := slices.Clone(o.latencies)
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		f.P50ms, f.P99ms, f.MaxMs = ms(lat[(n-1)/2]), ms(lat[(n*99+99)/100-1]), ms(lat[n-1])
	}
	return f
}

// memory fills in the resident set size (with its parts) and its peak
// since resetPeak, in MB: of this process after returning freed memory to
// the system, or of the bot's own process (pid) as it stands.
func (f *figures) memory(pid int) {
	status := "/proc/self/status"
	if pid != 0 {
		status = fmt.Sprintf("/proc/%d/status", pid)
	} else {
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		f.HeapMB = float64(ms.HeapAlloc) / (1 << 20)
	}
	st, err := os.Open(status)
	if err != nil {
		return
	}
	defer st.Close()
	sc := bufio.NewScanner(st)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		switch name {
		case "VmRSS":
			f.RSSMB = kb / 1024
		case "RssAnon":
			f.AnonMB = kb / 1024
		case "RssFile":
			f.FileRSSMB = kb / 1024
		case "VmHWM":
			f.PeakRSSMB = kb / 1024
		}
	}
}

// resetPeak starts a new peak RSS measurement (Linux: clear_refs 5).
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// fileMB is the size of a file in MB.
func fileMB(path string) float64 {
	if info, err := os.Stat(path); err == nil {
		return float64(info.Size()) / 1e6
	}
	return 0
}

// growth is Veiviser with a number of stored sessions.
type growth struct {
	Sessions   int     `json:"sessions"`
	StartsPerS float64 `json:"starts_per_s"` // /start of new users while filling
	Compacted  bool    `json:"compacted"`    // measured after compaction and a restart (-exec)
	figures
}

func printComparison(w io.Writer, v figures, e *figures) {
	fmt.Fprintf(w, "%-9s %7s %8s %9s %8s %8s %8s %8s %8s %8s %8s\n", "bot", "users", "updates", "updates/s", "p50 ms", "p99 ms", "max ms", "RSS MB", "heap MB", "peak MB", "file MB")
	for _, f := range []*figures{&v, e} {
		if f == nil {
			continue
		}
		fmt.Fprintf(w, "%-9s %7d %8d %9.0f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.2f\n", f.Bot, f.Users, f.Steps, f.UpdatesPerSec,
			f.P50ms, f.P99ms, f.MaxMs, f.RSSMB, f.HeapMB, f.PeakRSSMB, f.FileMB)
		if f.Missing > 0 || f.Extra > 0 || f.Throttled > 0 {
			fmt.Fprintf(w, "  %s: %d updates without reply, %d extra replies, %d answered 429\n", f.Bot, f.Missing, f.Extra, f.Throttled)
		}
	}
	if v.Steps > 0 {
		fmt.Fprintf(w, "veiviser read its outbox %.2f times per update\n", float64(v.OutboxReads)/float64(v.Steps))
	}
	if e != nil && e.UpdatesPerSec > 0 {
		fmt.Fprintf(w, "veiviser/echo throughput: %.2f\n", v.UpdatesPerSec/e.UpdatesPerSec)
	}
}

func printGrowth(w io.Writer, gs []growth) {
	fmt.Fprintf(w, "%9s %-10s %9s %9s %8s %8s %8s %9s %9s %8s %8s\n", "sessions", "file", "starts/s", "updates/s", "p50 ms", "p99 ms",
		"RSS MB", "(anon MB", "file MB)", "heap MB", "file MB")
	for _, g := range gs {
		state := "as filled"
		if g.Compacted {
			state = "compacted"
		}
		fmt.Fprintf(w, "%9d %-10s %9.0f %9.0f %8.1f %8.1f %8.1f %9.1f %9.1f %8.1f %8.2f\n", g.Sessions, state, g.StartsPerS, g.UpdatesPerSec,
			g.P50ms, g.P99ms, g.RSSMB, g.AnonMB, g.FileRSSMB, g.HeapMB, g.FileMB)
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
