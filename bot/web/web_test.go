package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// chat is a web chat test: the real engine, store and embedded catalog
// behind the web channel, on an httptest server.
type chat struct {
	t      testing.TB
	srv    *httptest.Server
	web    *Server
	st     *store.Store
	token  string
	events chan event
	stop   context.CancelFunc
}

func newChat(t testing.TB, cfg Config) *chat { return newChatOn(t, cfg, bot.Config{}) }

// newChatOn is newChat with the engine configured by botCfg.
func newChatOn(t testing.TB, cfg Config, botCfg bot.Config) *chat {
	t.Helper()
	engine, st := bottest.Engine(t, filepath.Join(t.TempDir(), "web.db"), botCfg)
	strs, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := New(cfg, engine, st, strs, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go w.Run(ctx)
	return &chat{t: t, srv: srv, web: w, st: st}
}

// post sends a JSON request and returns the status and body.
func (c *chat) post(path string, body any) (int, string) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(c.srv.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// open starts a session and its event stream.
func (c *chat) open(lang string) {
	c.t.Helper()
	code, body := c.post("/api/session", map[string]string{"lang": lang})
	var res struct{ Token string }
	if code != http.StatusOK || json.Unmarshal([]byte(body), &res) != nil || res.Token == "" {
		c.t.Fatalf("open session: %d %s", code, body)
	}
	c.token = res.Token
	c.listen()
}

// listen opens the event stream, as the page's EventSource does.
func (c *chat) listen() {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	c.t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.srv.URL+"/api/events?token="+c.token, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		c.t.Fatalf("event stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c.events = make(chan event, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev event
				if json.Unmarshal([]byte(data), &ev) == nil {
					c.events <- ev
				}
			}
		}
	}()
}

// waitClosed waits until the server has seen the page's event stream
// close, so what comes next is queued for her return.
func (c *chat) waitClosed() {
	c.t.Helper()
	sess := c.web.session(c.token)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.web.mu.Lock()
		open := sess.connected
		c.web.mu.Unlock()
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatal("the server still has the event stream open after 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// next waits for the next event.
func (c *chat) next() event {
	c.t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-time.After(10 * time.Second):
		c.t.Fatal("no event from the web chat")
		return event{}
	}
}

// until reads events until one satisfies ok.
func (c *chat) until(what string, ok func(event) bool) event {
	c.t.Helper()
	for range 20 {
		if ev := c.next(); ok(ev) {
			return ev
		}
	}
	c.t.Fatalf("never got %s", what)
	return event{}
}

func hasButton(ev event, data string) bool {
	for _, row := range ev.Buttons {
		for _, b := range row {
			if b.Data == data {
				return true
			}
		}
	}
	return false
}

// TestWebConversation: a new page is greeted with the language menu; she
// picks Arabic, asks in her words, presses a button, writes danger; every
// answer arrives on her page, in order, in her language.
func TestWebConversation(t *testing.T) {
	c := newChat(t, Config{})
	c.open("ar")
	greeting := c.until("the greeting", func(ev event) bool { return ev.Type == "message" && hasButton(ev, "l:ar") })
	if !hasButton(greeting, "e:emergency-numbers") {
		t.Error("the greeting has no emergency button")
	}
	if code, _ := c.post("/api/press", map[string]any{"token": c.token, "data": "l:ar", "message": greeting.ID}); code != http.StatusNoContent {
		t.Fatalf("press: %d", code)
	}
	c.until("the menu in Arabic", func(ev event) bool { return ev.Lang == "ar" && hasButton(ev, "t:residence") })
	c.post("/api/send", map[string]string{"token": c.token, "text": "زوجي أخذ جواز سفري ولا يريد أن يعيده"})
	answer := c.until("an answer", func(ev event) bool {
		return ev.Type == "message" && strings.Contains(ev.Text, "02800") || hasButton(ev, "e:social-control")
	})
	if answer.Lang != "ar" {
		t.Errorf("answer in %q, want ar", answer.Lang)
	}
	c.post("/api/press", map[string]any{"token": c.token, "data": "e:privacy", "message": answer.ID})
	edit := c.until("the privacy answer", func(ev event) bool { return hasButton(ev, "e:about-centre") })
	if edit.Type != "edit" || edit.ID != answer.ID {
		t.Errorf("a button answered as %s %d, want an edit of message %d", edit.Type, edit.ID, answer.ID)
	}
	c.post("/api/send", map[string]string{"token": c.token, "text": "ساعدوني هو هنا وسيقتلني"})
	danger := c.next()
	if !strings.Contains(danger.Text, "112") || len(danger.Phones) == 0 {
		t.Errorf("danger answered first with %q", danger.Text[:min(80, len(danger.Text))])
	}
}

// TestWebDeliversWhatCameWhileAway: messages for a closed page wait in the
// outbox and arrive when it opens again with the same session.
func TestWebDeliversWhatCameWhileAway(t *testing.T) {
	c := newChat(t, Config{})
	c.open("en")
	c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	c.stop()
	c.waitClosed()
	c.post("/api/send", map[string]string{"token": c.token, "text": "/help"})
	if code, body := c.post("/api/session", map[string]string{"token": c.token}); code != http.StatusOK || !strings.Contains(body, `"resumed":true`) {
		t.Fatalf("resume: %d %s", code, body)
	}
	c.listen()
	c.until("the help sent while away", func(ev event) bool { return strings.Contains(ev.Text, "/menu") })
}

// TestWebEndForgets: quick exit with "end my conversation" forgets her on
// the server and ends the session.
func TestWebEndForgets(t *testing.T) {
	c := newChat(t, Config{})
	c.open("en")
	c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	chat := c.web.session(c.token).chat
	if _, found, _ := c.st.Session(context.Background(), chat); !found {
		t.Fatal("no session stored for the web chat")
	}
	if code, _ := c.post("/api/end", map[string]string{"token": c.token}); code != http.StatusNoContent {
		t.Fatalf("end: %d", code)
	}
	if _, found, _ := c.st.Session(context.Background(), chat); found {
		t.Error("her session is still stored after quick exit with end")
	}
	if code, _ := c.post("/api/send", map[string]string{"token": c.token, "text": "hello"}); code != http.StatusUnauthorized {
		t.Errorf("the ended session still takes messages: %d", code)
	}
}

// TestWebGuards: the page's headers, and what a stranger, a flood or a
// long message gets.
func TestWebGuards(t *testing.T) {
	c := newChat(t, Config{FrameAncestors: []string{"https://www.centre.example"}})
	resp, err := http.Get(c.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("<html")) {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors https://www.centre.example") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	c.open("en")
	long := strings.Repeat("a", maxText+1)
	if code, _ := c.post("/api/send", map[string]string{"token": c.token, "text": long}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a too long message: %d, want 413", code)
	}
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/api/send", strings.NewReader(`{"token":"`+c.token+`","text":"hi"}`))
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post from another site: %v %v, want 403", resp.StatusCode, err)
	}
	if code, _ := c.post("/api/send", map[string]string{"token": "nope", "text": "hi"}); code != http.StatusUnauthorized {
		t.Errorf("an unknown token: %d, want 401", code)
	}
	limited := false
	for range 100 {
		if code, _ := c.post("/api/send", map[string]string{"token": c.token, "text": ""}); code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("100 requests at once from one address were all taken")
	}
}

// TestWebLabelsInHerLanguage: the page's own words (quick exit, the hint
// on deleting the history, the input) come in her language, for every
// language the bot speaks, and never as a message ID.
func TestWebLabelsInHerLanguage(t *testing.T) {
	c := newChat(t, Config{})
	for _, lang := range []string{"nb", "en", "ar", "so", "ti", "fa-IR", "uk", "ur", "pl", "th", "xx"} {
		resp, err := http.Get(c.srv.URL + "/api/labels?lang=" + lang)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for key, id := range labels {
			if got[key] == "" || got[key] == id {
				t.Errorf("%s: label %s is %q", lang, key, got[key])
			}
		}
	}
}

// TestWebForgetSaysWhatABrowserNeeds: the goodbye after /forget tells her
// to clear the browser, not to delete a Telegram chat.
func TestWebForgetSaysWhatABrowserNeeds(t *testing.T) {
	c := newChat(t, Config{})
	c.open("en")
	greeting := c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	c.post("/api/press", map[string]any{"token": c.token, "data": "forget", "message": greeting.ID})
	bye := c.until("the goodbye", func(ev event) bool { return strings.Contains(ev.Text, "deleted") })
	if strings.Contains(bye.Text, "Telegram") || !strings.Contains(bye.Text, "browser") {
		t.Errorf("goodbye on the web: %q", bye.Text)
	}
}

// TestWebClearRemovesThePage: /clear written while the answer is still on
// its way removes the greeting and the answer from her page.
func TestWebClearRemovesThePage(t *testing.T) {
	c := newChat(t, Config{})
	c.open("en")
	greeting := c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	c.post("/api/send", map[string]string{"token": c.token, "text": "can I get free legal help"})
	c.post("/api/send", map[string]string{"token": c.token, "text": "/clear"})
	var shown []int
	del := c.until("the deletion", func(ev event) bool {
		if ev.Type == "message" {
			shown = append(shown, ev.ID)
		}
		return ev.Type == "delete"
	})
	for _, id := range append(shown, greeting.ID) {
		if !slices.Contains(del.IDs, id) {
			t.Errorf("message %d stays on her page: deleted %v", id, del.IDs)
		}
	}
}

// TestWebPlaysRecording: an answer with a recording in her language has a
// 🔊 button; pressing it puts a player on her page, which fetches the
// recording from this server, uncached like everything else.
func TestWebPlaysRecording(t *testing.T) {
	embedded, _, err := content.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	voice := []byte("OggS\x00\x02 a recording")
	files, err := content.ApplyReview(embedded.Files(), content.Review{Entry: "legal-aid", Lang: "en", By: "Amina",
		From: embedded.Entry("legal-aid").SourceHash(), Audio: voice})
	if err != nil {
		t.Fatal(err)
	}
	cat, _, err := content.FromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	c := newChatOn(t, Config{}, bot.Config{Catalog: cat})
	c.open("en")
	c.until("the greeting", func(ev event) bool { return hasButton(ev, "l:en") })
	c.post("/api/press", map[string]any{"token": c.token, "data": "l:en"})
	c.post("/api/press", map[string]any{"token": c.token, "data": "e:legal-aid"})
	c.until("the answer with 🔊", func(ev event) bool { return hasButton(ev, "au:legal-aid") })
	c.post("/api/press", map[string]any{"token": c.token, "data": "au:legal-aid"})
	player := c.until("the recording", func(ev event) bool { return ev.Audio != "" })
	resp, err := http.Get(c.srv.URL + player.Audio)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, voice) || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Content-Type") != "audio/ogg" {
		t.Errorf("GET %s: %d %q, %d bytes", player.Audio, resp.StatusCode, resp.Header, len(got))
	}
	for _, bad := range []string{"/api/audio/" + strings.Repeat("0", 64), "/api/audio/../../go.mod", "/api/audio/ABC"} {
		if resp, err := http.Get(c.srv.URL + bad); err != nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %v %v", bad, resp.StatusCode, err)
		}
	}
}
