package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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
	SessionsPerSec float64 `json:"sessions_per_s"`
	// After the run, sessions are opened (each greeted, the page not
	// listening) until 10,000 are held, the web chat's cap.
	Held             int     `json:"sessions_held"`
	Opened           int     `json:"sessions_opened"`
	HeapMBPer10kOpen float64 `json:"heap_mb_per_10k_sessions,omitempty"` // in this process only
	// The bot's resident set size before and after, from /proc (Linux;
	// 0 elsewhere): of this process, or of its own with -exec.
	RSSMBBefore float64 `json:"rss_mb_before"`
	RSSMBAfter  float64 `json:"rss_mb_after"`
}

// heldSessions is how many sessions the RSS is measured with: the web
// chat's cap on open sessions.
const heldSessions = 10000

// webRun measures the web chat: `veiviser serve --web-only`, in this
// process or (-exec) as a process of its own, and the same conversations
// as the Telegram run (after /start, which opening a session does)
// through the page's API: a session, its event stream, presses and
// messages, each step waiting for its replies. Then it opens sessions
// until 10,000 are held, and reports the RSS before and after (and, in
// this process, the heap they hold).
func (l loader) webRun(ctx context.Context) (webFigures, error) {
	base, pid, stop, err := l.startWeb(ctx)
	if err != nil {
		return webFigures{}, err
	}
	defer stop()
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
				o := webTalk(ctx, l.webClient(client, int(c.chat)), base, c, l.cfg.timeout)
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

	// Up to 10,000 open sessions: what they cost, against the same bot
	// just before, in the same run.
	var before, after figures
	before.memory(pid)
	var opened atomic.Int64
	opens := make(chan int)
	var owg sync.WaitGroup
	for range 32 {
		owg.Go(func() {
			for n := range opens {
				if _, err := webPost(ctx, l.webClient(client, n), base+"/api/session", map[string]any{"lang": "en"}); err == nil {
					opened.Add(1)
				}
			}
		})
	}
	for n := range heldSessions - int(sessions.Load()) {
		opens <- 1_000_000 + n
	}
	close(opens)
	owg.Wait()
	after.memory(pid)
	w.Opened = int(opened.Load())
	w.Held = int(sessions.Load()) + w.Opened
	w.RSSMBBefore, w.RSSMBAfter = before.RSSMB, after.RSSMB
	if pid == 0 && w.Opened > 0 {
		w.HeapMBPer10kOpen = (after.HeapMB - before.HeapMB) * 10000 / float64(w.Opened)
	}
	return w, nil
}

// startWeb runs `veiviser serve --web-only`: in this process with the
// limit per address lifted (the load comes from one address), or with
// -exec as a process of its own (pid), as an operator runs it, where each
// simulated visitor comes from an address of her own (webClient).
func (l loader) startWeb(ctx context.Context) (base string, pid int, stop func(), err error) {
	if l.cfg.exec != "" {
		addr, err := freeAddr()
		if err != nil {
			return "", 0, nil, err
		}
		stopProc, pid, err := startProcess(l.cfg.exec, []string{"serve", "--web-only"}, l.progress,
			"VEIVISER_DB="+l.db+".web", "VEIVISER_WEB="+addr, "VEIVISER_HTTP=127.0.0.1:0", "LOG_LEVEL=warn")
		if err != nil {
			return "", 0, nil, err
		}
		base = "http://" + addr
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(base + "/")
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				_ = stopProc()
				return "", 0, nil, fmt.Errorf("the web chat at %s did not answer within 30s: %w", addr, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		return base, pid, func() { _ = stopProc() }, nil
	}
	cfg, err := serve.Parse([]string{"--web-only"}, []string{"VEIVISER_DB=" + l.db + ".web", "VEIVISER_WEB=127.0.0.1:0", "VEIVISER_HTTP=127.0.0.1:0", "LOG_LEVEL=warn"})
	if err != nil {
		return "", 0, nil, err
	}
	srv, err := serve.New(ctx, cfg, l.log, serve.Options{WebPerAddress: bot.Rate{N: 1 << 30, Per: time.Second, Burst: 1 << 30}})
	if err != nil {
		return "", 0, nil, err
	}
	ready := make(chan string, 1)
	srv.WebReady = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		srv.Close()
		cancel()
		return "", 0, nil, fmt.Errorf("web chat: %w", err)
	}
	return base, 0, func() {
		cancel()
		<-done
		srv.Close()
	}, nil
}

// webClient is the HTTP client of visitor n. In this process the limit
// per address is lifted and all share one client; a bot in its own
// process keeps its limit, so each visitor connects from a loopback
// address of her own (127.0.0.0/8 is all loopback on Linux), as women
// on the internet do.
func (l loader) webClient(shared *http.Client, n int) *http.Client {
	if l.cfg.exec == "" {
		return shared
	}
	ip := net.IPv4(127, byte(1+n>>16), byte(n>>8), byte(n))
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 10 * time.Second}
	// No idle connections kept: 10,000 visitors would hold more than
	// the web chat accepts at once.
	return &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true}}
}

// freeAddr is a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
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
	fmt.Fprintf(w, "web: %.0f sessions/s in the run\n", web.SessionsPerSec)
	if web.RSSMBBefore > 0 && web.RSSMBAfter > 0 {
		fmt.Fprintf(w, "web: %d sessions open (%d opened after the run): RSS %.1f MB, %+.1f MB against %.1f MB just before (%.2fx)\n",
			web.Held, web.Opened, web.RSSMBAfter, web.RSSMBAfter-web.RSSMBBefore, web.RSSMBBefore, web.RSSMBAfter/web.RSSMBBefore)
	} else {
		fmt.Fprintf(w, "web: %d sessions open (%d opened after the run); RSS not measured (no /proc here)\n", web.Held, web.Opened)
	}
	if web.HeapMBPer10kOpen != 0 {
		fmt.Fprintf(w, "web: 10,000 open sessions hold %.1f MB of heap\n", web.HeapMBPer10kOpen)
	}
}
