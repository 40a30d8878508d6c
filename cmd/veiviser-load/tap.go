package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// tap is the Bot API a bot under load talks to. Every method but
// getUpdates goes to a telegramtest fake (which answers, numbers messages,
// records calls and enforces its Limits); tap notes when each reply
// reached it. getUpdates is served from tap's own queue, because the fake
// decodes every update it ever received on each poll, which would make a
// long run measure the fake rather than the bot.
type tap struct {
	srv    *httptest.Server
	fake   atomic.Pointer[telegramtest.Server]
	limits *telegramtest.Limits
	rtt    time.Duration // added to every call but getUpdates, like a network
	queue  *updateQueue
	polled chan struct{} // closed at the first getUpdates
	once   sync.Once

	mu        sync.Mutex
	chats     map[int64]*chatLog
	throttled atomic.Int64 // calls answered 429
	pid       int          // the bot's own process (-exec); 0 when it runs in this one
}

// chatLog is what one chat was sent.
type chatLog struct {
	at     []time.Time // when each reply reached the API
	menuID int         // last message with buttons
	lastID int
	notify chan struct{}
}

func newTap(limits *telegramtest.Limits, rtt time.Duration, ids *atomic.Int64) *tap {
	t := &tap{limits: limits, rtt: rtt, queue: newUpdateQueue(ids), polled: make(chan struct{}), chats: map[int64]*chatLog{}}
	t.renew()
	t.srv = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

// renew puts a fresh fake behind the tap, dropping the old one's call log
// (which would otherwise count in the process's memory).
func (t *tap) renew() {
	f := telegramtest.NewServer()
	f.Limits = t.limits
	if old := t.fake.Swap(f); old != nil {
		old.Close()
	}
}

// Close stops the tap and its fake.
func (t *tap) Close() {
	t.srv.Close()
	t.fake.Load().Close()
}

func (t *tap) serve(w http.ResponseWriter, r *http.Request) {
	method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	if method == "getUpdates" {
		t.once.Do(func() { close(t.polled) })
		t.queue.serve(w, r)
		return
	}
	time.Sleep(t.rtt)
	at := time.Now()
	rec := httptest.NewRecorder()
	t.fake.Load().Config.Handler.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
	if rec.Code == http.StatusTooManyRequests {
		t.throttled.Add(1)
	}
	if rec.Code != http.StatusOK || (method != "sendMessage" && method != "editMessageText") {
		return
	}
	var resp struct {
		Result struct {
			MessageID int `json:"message_id"`
			Chat      struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		} `json:"result"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &resp) != nil {
		return
	}
	buttons := r.MultipartForm != nil && len(r.MultipartForm.Value["reply_markup"]) > 0 &&
		strings.Contains(r.MultipartForm.Value["reply_markup"][0], "inline_keyboard")
	t.replied(resp.Result.Chat.ID, resp.Result.MessageID, buttons, at)
}

func (t *tap) log(chat int64) *chatLog {
	c := t.chats[chat]
	if c == nil {
		c = &chatLog{notify: make(chan struct{}, 1)}
		t.chats[chat] = c
	}
	return c
}

func (t *tap) replied(chat int64, msgID int, buttons bool, at time.Time) {
	t.mu.Lock()
	c := t.log(chat)
	c.at = append(c.at, at)
	c.lastID = msgID
	if buttons {
		c.menuID = msgID
	}
	t.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// wait waits until chat has been sent n replies or timeout passes, and
// returns the times of the replies so far.
func (t *tap) wait(chat int64, n int, timeout time.Duration) []time.Time {
	t.mu.Lock()
	c := t.log(chat)
	t.mu.Unlock()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		at := c.at
		t.mu.Unlock()
		if len(at) >= n {
			return at
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			return at
		}
	}
}

// buttonMessage is the message a user presses a button on: the last one
// that had buttons (or the last one at all).
func (t *tap) buttonMessage(chat int64) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.log(chat)
	return max(c.menuID, c.lastID, 1)
}

// release forgets a finished chat and returns how many replies it got.
func (t *tap) release(chat int64) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	var n int
	if c := t.chats[chat]; c != nil {
		n = len(c.at)
	}
	delete(t.chats, chat)
	return n
}
