package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// TestServeWebOnlyMetrics runs `serve --web-only`, with no Telegram at
// all, into the web chat's limits (a message too long, a post from
// another site, messages faster than one session may send, the rate per
// address) and reads them back from /metrics on the ops address, beside
// /healthz.
func TestServeWebOnlyMetrics(t *testing.T) {
	web, ops := freePort(t), freePort(t)
	env := []string{"VEIVISER_DB=" + filepath.Join(t.TempDir(), "web.db"), "VEIVISER_WEB=" + web, "VEIVISER_HTTP=" + ops}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve", "--web-only"}, strings.NewReader(""), logs, logs, env) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited with %d:\n%s", code, logs)
		}
	})
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path, origin, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+web+path, strings.NewReader(body))
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if !telegramtest.Poll(20*time.Second, func() bool { code, _ := get("http://" + ops + "/healthz"); return code == http.StatusOK }) {
		t.Fatalf("/healthz of serve --web-only never answered ok; log:\n%s", logs)
	}
	// The page's listener starts beside the ops one, not before it.
	if !telegramtest.Poll(20*time.Second, func() bool { code, _ := get("http://" + web + "/"); return code == http.StatusOK }) {
		t.Fatalf("the web chat never answered; log:\n%s", logs)
	}
	code, body := post("/api/session", "", `{"lang":"en"}`)
	var sess struct{ Token string }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &sess) != nil {
		t.Fatalf("open a session: %d %s", code, body)
	}
	if code, _ := post("/api/send", "", `{"token":"`+sess.Token+`","text":"`+strings.Repeat("a", 1001)+`"}`); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a message too long: %d, want 413", code)
	}
	if code, _ := post("/api/send", "https://evil.example", `{"token":"`+sess.Token+`","text":"hi"}`); code != http.StatusForbidden {
		t.Errorf("a post from another site: %d, want 403", code)
	}
	// One session writing faster than a chat may: the engine's flood
	// guard, the limit per session, says "slow down" once.
	for range 15 {
		post("/api/send", "", `{"token":"`+sess.Token+`","text":"/help"}`)
	}
	limited := false
	for range 60 {
		if code, _ := get("http://" + web + "/api/labels?lang=en"); code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("60 requests at once from one address were all taken")
	}
	_, metrics := get("http://" + ops + "/metrics")
	for _, want := range []string{"veiviser_web_sessions_opened_total 1", "veiviser_web_sessions_open 1",
		`veiviser_web_requests_refused_total{reason="too_long"} 1`, `veiviser_web_requests_refused_total{reason="origin"} 1`,
		`veiviser_web_requests_refused_total{reason="rate_limit"} 1`, `veiviser_web_sessions_refused_total{reason="full"} 0`,
		"veiviser_unanswered_questions_total 0", `veiviser_flood_limited_total{verdict="warned"} 1`} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "veiviser_updates_total") {
		t.Error("/metrics of the web chat alone shows the Telegram channel's figures")
	}
}
