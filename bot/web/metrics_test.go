package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/veiviser/veiviser/bot"
)

// TestWebMetricsCountTheLimits runs into every limit once (the cap on
// sessions, a long message, a large body, another site, an unknown
// session, a broken request, the rate per address) and reads each back
// from the figures /metrics serves.
func TestWebMetricsCountTheLimits(t *testing.T) {
	c := newChat(t, Config{MaxSessions: 1, PerAddress: bot.Rate{N: 1, Per: time.Hour, Burst: 20}})
	c.open("en")
	greeting := c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	expect := func(what string, code, want int) {
		t.Helper()
		if code != want {
			t.Errorf("%s: %d, want %d", what, code, want)
		}
	}
	code, _ := c.post("/api/session", map[string]string{"lang": "en"})
	expect("a second session over the cap of one", code, http.StatusServiceUnavailable)
	code, _ = c.post("/api/send", map[string]string{"token": c.token, "text": strings.Repeat("a", maxText+1)})
	expect("a too long message", code, http.StatusRequestEntityTooLarge)
	code, _ = c.post("/api/send", map[string]string{"token": c.token, "text": strings.Repeat("a", maxBody)})
	expect("a too large body", code, http.StatusRequestEntityTooLarge)
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/send", strings.NewReader(`{"token":"`+c.token+`","text":"hi"}`))
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
		expect("a post from another site", resp.StatusCode, http.StatusForbidden)
	}
	code, _ = c.post("/api/send", map[string]string{"token": "nope", "text": "hi"})
	expect("an unknown session", code, http.StatusUnauthorized)
	code, _ = c.post("/api/press", "not an object")
	expect("a broken request", code, http.StatusBadRequest)
	code, _ = c.post("/api/send", map[string]string{"token": c.token, "text": "/help"})
	expect("a command", code, http.StatusNoContent)
	code, _ = c.post("/api/press", map[string]any{"token": c.token, "data": "l:en", "message": greeting.ID})
	expect("a button", code, http.StatusNoContent)
	limited := 0
	for range 30 {
		if code, _ := c.post("/api/send", map[string]string{"token": c.token, "text": ""}); code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("30 more requests from one address were all taken")
	}

	rec := httptest.NewRecorder()
	promhttp.HandlerFor(c.web.Metrics(), promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	metrics := rec.Body.String()
	for _, want := range []string{
		"veiviser_web_sessions_opened_total 1",
		"veiviser_web_sessions_open 1",
		"veiviser_web_streams_open 1",
		`veiviser_web_sessions_refused_total{reason="full"} 1`,
		`veiviser_web_requests_refused_total{reason="too_long"} 1`,
		`veiviser_web_requests_refused_total{reason="too_large"} 1`,
		`veiviser_web_requests_refused_total{reason="origin"} 1`,
		`veiviser_web_requests_refused_total{reason="unknown_session"} 1`,
		`veiviser_web_requests_refused_total{reason="bad_request"} 1`,
		`veiviser_web_requests_refused_total{reason="rate_limit"} ` + strconv.Itoa(limited),
		`veiviser_web_messages_total{kind="command"} 1`,
		`veiviser_web_messages_total{kind="button"} 1`,
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(metrics, "veiviser_web_events_delivered_total ") || strings.Contains(metrics, "veiviser_web_events_delivered_total 0\n") {
		t.Error("no event counted as delivered to her page")
	}
	if strings.Contains(metrics, "127.0.0.1") || strings.Contains(metrics, c.token) {
		t.Error("an address or a session token in the metrics")
	}
}
