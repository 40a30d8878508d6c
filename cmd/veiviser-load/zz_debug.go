package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

var dbgStart = time.Now()

func dbg(format string, args ...any) {
	if os.Getenv("VLOAD_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "%8.2fms "+format+"\n", append([]any{float64(time.Since(dbgStart).Microseconds()) / 1000}, args...)...)
	}
}

func init() {
	if p := os.Getenv("VLOAD_CPUPROFILE"); p != "" {
		f, _ := os.Create(p)
		pprof.StartCPUProfile(f)
		go func() {
			time.Sleep(time.Duration(atoi(os.Getenv("VLOAD_PROFSECS"))) * time.Second)
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
