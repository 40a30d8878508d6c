package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/serve"
)

// webFigures are the web chat's measurements beside the Telegram run's.
type webFigures struct {
	figures
	SessionsPerSec   float64 `json:"sessions_per_s"`
	HeapMBPer10kOpen float64 `json:"heap_mb_per_10k_sessions"`
}

// webRun measures the web chat: `veiviser serve --web-only` in this
// process, and the same conversations as the Telegram run (after /start,
// which opening a session does) through the page's API: a session, its
// event stream, presses and messages, each step waiting for its replies.
// Then it opens 10,000 more sessions and reports the heap they hold.
func (l loader) webRun(ctx context.Context) (webFigures, error) {
	cfg, err := serve.Parse([]string{"--web-only"}, []string{"VEIVISER_DB=" + l.db + ".web", "VEIVISER_WEB=127.0.0.1:0", "VEIVISER_HTTP=127.0.0.1:0", "LOG_LEVEL=warn"})
	if err != nil {
		return webFigures{}, err
	}
	srv, err := serve.New(ctx, cfg, l.log, serve.Options{WebPerAddress: bot.Rate{N: 1 << 30, Per: time.Second, Burst: 1 << 30}})
	if err != nil {
		return webFigures{}, err
	}
	ready := make(chan string, 1)
	srv.WebReady = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() {
		cancel()
		<-done
		srv.Close()
	}()
	base := "http://" + <-ready
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.cfg.users + 8}}

	var mu sync.Mutex
	var out outcome
	var sessions atomic.Int64
	work := make(chan conv)
	var wg sync.WaitGroup
	start := time.Now()
	for range l.cfg.users {
		wg.Go(func() {
			for c := range work {
				o := webTalk(ctx, client, base, c, l.cfg.timeout)
				sessions.Add(1)
				mu.Lock()
				out.add(o)
				mu.Unlock()
			}
		})
	}
	for c := range l.users {
		if ctx.Err() != nil {
			break
		}
		work <- c
	}
	close(work)
	wg.Wait()
	out.elapsed = time.Since(start)
	w := webFigures{figures: summarize("web", l.cfg.users, out)}
	w.SessionsPerSec = float64(sessions.Load()) / out.elapsed.Seconds()

	// 10,000 open sessions: the heap they hold, in this process.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	opens := make(chan struct{})
	var owg sync.WaitGroup
	for range 32 {
		owg.Go(func() {
			for range opens {
				_, _ = webPost(ctx, client, base+"/api/session", map[string]any{"lang": "en"})
			}
		})
	}
	for range 10000 {
		opens <- struct{}{}
	}
	close(opens)
	owg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&after)
	w.HeapMBPer10kOpen = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	return w, nil
}

// webTalk has one conversation through the web chat's API.
func webTalk(ctx context.Context, client *http.Client, base string, c conv, timeout time.Duration) outcome {
	var o outcome
	res, err := webPost(ctx, client, base+"/api/session", map[string]any{"lang": c.lang})
	token, _ := res["token"].(string)
	if err != nil || token == "" {
		o.missing = len(c.steps)
		return o
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan struct{}, 64)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/events?token="+token, nil)
	resp, err := client.Do(req)
	if err != nil {
		o.missing = len(c.steps)
		return o
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events <- struct{}{}
			}
		}
	}()
	wait := func(n int) (first time.Time, got int) {
		deadline := time.After(timeout)
		for got < n {
			select {
			case <-events:
				if got == 0 {
					first = time.Now()
				}
				got++
			case <-deadline:
				return first, got
			}
		}
		return first, got
	}
	wait(1) // the greeting, which opening the session starts
	for _, s := range c.steps {
		if s.text == "/start" {
			continue
		}
		t0 := time.Now()
		if s.data != "" {
			_, err = webPost(ctx, client, base+"/api/press", map[string]any{"token": token, "data": s.data})
		} else {
			_, err = webPost(ctx, client, base+"/api/send", map[string]any{"token": token, "text": s.text})
		}
		o.steps++
		o.expected += s.expect
		first, got := wait(s.expect)
		o.replies += got
		if err != nil || got == 0 {
			o.missing++
			continue
		}
		o.latencies = append(o.latencies, first.Sub(t0))
	}
	return o
}

// webPost posts JSON and decodes a JSON answer, if any.
func webPost(ctx context.Context, client *http.Client, url string, body any) (map[string]any, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s: %d %s", url, resp.StatusCode, data)
	}
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out, nil
}

// printWeb prints the web chat's figures beside the Telegram run's.
func printWeb(w io.Writer, tg figures, web webFigures) {
	fmt.Fprintf(w, "%-9s %7s %8s %9s %8s %8s %8s\n", "channel", "users", "updates", "updates/s", "p50 ms", "p99 ms", "max ms")
	for _, f := range []figures{tg, web.figures} {
		name := f.Bot
		if name == "veiviser" {
			name = "telegram"
		}
		fmt.Fprintf(w, "%-9s %7d %8d %9.0f %8.1f %8.1f %8.1f\n", name, f.Users, f.Steps, f.UpdatesPerSec, f.P50ms, f.P99ms, f.MaxMs)
	}
	if web.Missing > 0 || web.Extra > 0 {
		fmt.Fprintf(w, "  web: %d updates without reply, %d extra replies\n", web.Missing, web.Extra)
	}
	if tg.UpdatesPerSec > 0 {
		fmt.Fprintf(w, "web/telegram throughput: %.2f\n", web.UpdatesPerSec/tg.UpdatesPerSec)
	}
	fmt.Fprintf(w, "web: %.0f sessions/s in the run; 10,000 more open sessions hold %.1f MB of heap\n", web.SessionsPerSec, web.HeapMBPer10kOpen)
}
