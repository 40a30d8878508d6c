package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// newFake starts a fake Bot API that outlives the service under test
// (cleanups run last-in first-out, so serve stops before the fake closes).
func newFake(t *testing.T) *telegramtest.Server {
	fake := telegramtest.NewServer()
	t.Cleanup(fake.Close)
	return fake
}

// syncBuffer collects the service's logs from its goroutine.
type syncBuffer = telegramtest.LogBuffer

// startServe runs the real `serve` command against the fake Bot API until
// the test ends, and returns its log output.
func startServe(t *testing.T, fake *telegramtest.Server, db string, extra ...string) *syncBuffer {
	t.Helper()
	logs, _ := serveStoppable(t, fake, db, extra...)
	return logs
}

// serveStoppable is startServe with a stop function, for restarts within
// a test; stopping waits until serve has returned.
func serveStoppable(t *testing.T, fake *telegramtest.Server, db string, extra ...string) (*syncBuffer, func()) {
	t.Helper()
	if db == "" {
		db = filepath.Join(t.TempDir(), "serve.db")
	}
	env := append([]string{
		"TELEGRAM_TOKEN=123456:TEST-token-never-logged",
		"TELEGRAM_API_URL=" + fake.APIURL(),
		"VEIVISER_DB=" + db,
		"VEIVISER_HTTP=127.0.0.1:0",
		"VEIVISER_SEND_LIMITS=global=1000/s,chat=1000/s,group=1000/s",
	}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), logs, logs, env) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve exited with %d:\n%s", code, logs)
				}
			case <-time.After(15 * time.Second):
				t.Error("serve did not stop within 15s of cancel")
			}
		})
	}
	t.Cleanup(stop)
	return logs, stop
}

// startServeOps is startServe with /metrics on an address the test
// knows, returned, for waitOutboxEmpty.
func startServeOps(t *testing.T, fake *telegramtest.Server, extra ...string) (*syncBuffer, string) {
	t.Helper()
	ops := freePort(t)
	return startServe(t, fake, "", append([]string{"VEIVISER_HTTP=" + ops}, extra...)...), ops
}

// waitOutboxEmpty waits until serve has nothing left to send to Telegram
// (the outbox depth on /metrics is 0): a message delivered twice is then
// in the fake's record, and none is still on its way. Counting after a
// fixed sleep instead passed on a slow machine by luck and waited for
// nothing on a fast one.
func waitOutboxEmpty(t *testing.T, fake *telegramtest.Server, ops string) {
	t.Helper()
	depth := "unknown"
	if !fake.WaitFor(20*time.Second, func() bool {
		depth = outboxDepth(ops)
		return depth == "0"
	}) {
		t.Fatalf("outbox depth %s after 20 s, want 0", depth)
	}
}

// outboxDepth reads veiviser_outbox_depth from /metrics on ops.
func outboxDepth(ops string) string {
	resp, err := http.Get("http://" + ops + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	for line := range strings.Lines(b.String()) {
		if v, ok := strings.CutPrefix(line, "veiviser_outbox_depth "); ok {
			return strings.TrimSpace(v)
		}
	}
	return "missing"
}

// sentTo returns the texts delivered to a chat, in order.
func sentTo(fake *telegramtest.Server, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range fake.Delivered() {
		if c.Int("chat_id") == chat {
			out = append(out, c)
		}
	}
	return out
}

func waitSent(t *testing.T, fake *telegramtest.Server, chat int64, n int) []telegramtest.Call {
	t.Helper()
	if !fake.WaitFor(30*time.Second, func() bool { return len(sentTo(fake, chat)) >= n }) {
		t.Fatalf("chat %d: %d messages delivered, want %d", chat, len(sentTo(fake, chat)), n)
	}
	return sentTo(fake, chat)
}

// buttons decodes the inline keyboard of a sent message.
func buttons(t *testing.T, c telegramtest.Call) [][]map[string]any {
	t.Helper()
	var kb struct {
		InlineKeyboard [][]map[string]any `json:"inline_keyboard"`
	}
	if raw := c.Params["reply_markup"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &kb); err != nil {
			t.Fatalf("reply_markup %q: %v", raw, err)
		}
	}
	return kb.InlineKeyboard
}

func TestServeArabicConversation(t *testing.T) {
	fake := newFake(t)
	logs := startServe(t, fake, "")
	const chat = 5001

	fake.AddUpdate(telegramtest.Message(chat, "ar", "/start"))
	greeting := waitSent(t, fake, chat, 1)[0]
	if !strings.Contains(greeting.Params["text"], "Veiviser") {
		t.Errorf("greeting = %q", greeting.Params["text"])
	}
	kb := buttons(t, greeting)
	if len(kb) == 0 {
		t.Fatal("no language menu under the greeting")
	}
	if strings.Contains(greeting.Params["reply_markup"], "copy_text") {
		t.Errorf("buttons carry copy_text, which Telegram rejects: %s", greeting.Params["reply_markup"])
	}

	// She picks Arabic from the menu.
	fake.AddUpdate(telegramtest.Callback(chat, 10001, "l:ar"))
	menu := waitSent(t, fake, chat, 3)
	if !fake.WaitFor(5*time.Second, func() bool { return len(fake.Calls("answerCallbackQuery")) == 1 }) {
		t.Error("the button press was not answered (answerCallbackQuery)")
	}
	if !strings.Contains(menu[1].Params["text"], "العربية") {
		t.Errorf("language confirmation = %q, want it to name العربية", menu[1].Params["text"])
	}

	// A free-text question in Arabic script about a permit through her husband.
	fake.AddUpdate(telegramtest.Message(chat, "ar", "زوجي يضربني"))
	answer := waitSent(t, fake, chat, 4)[3]
	text := answer.Params["text"]
	if !strings.Contains(text, "112") {
		t.Errorf("danger message answered without 112 first: %q", text)
	}
	if !strings.Contains(answer.Params["entities"], "phone_number") {
		t.Errorf("phone numbers are not tappable: entities = %s", answer.Params["entities"])
	}
	if !strings.Contains(text, "\u2066112\u2069") {
		t.Errorf("112 is not isolated in right-to-left text: %q", text)
	}

	// Command menu in every language, including Arabic.
	langs := map[string]bool{}
	for _, c := range fake.Calls("setMyCommands") {
		langs[c.Params["language_code"]] = true
	}
	for _, l := range []string{"", "ar", "nb", "so", "ti", "fa", "uk", "ur", "pl", "th"} {
		if !langs[l] {
			t.Errorf("no setMyCommands for language_code %q", l)
		}
	}
	if strings.Contains(logs.String(), "TEST-token") || strings.Contains(logs.String(), "زوجي") {
		t.Errorf("logs leak the token or message text:\n%s", logs)
	}
}

func TestServeDeepLink(t *testing.T) {
	fake := newFake(t)
	startServe(t, fake, "")
	fake.AddUpdate(telegramtest.Message(6001, "nb", "/start@veiviser_test_bot topic_residence"))
	msgs := waitSent(t, fake, 6001, 2)
	if got := msgs[1].Params["text"]; !strings.Contains(got, "Opphold") {
		t.Errorf("deep link to the residence topic showed %q", got)
	}
}

// TestServe429Storm makes Telegram refuse every other message with 429 for
// a while: every reply must still arrive, exactly once, in order.
func TestServe429Storm(t *testing.T) {
	fake := newFake(t)
	var mu sync.Mutex
	refused := 0
	fake.Fail = func(c telegramtest.Call) *telegramtest.Failure {
		mu.Lock()
		defer mu.Unlock()
		if c.Method == "sendMessage" && refused < 6 {
			refused++
			return &telegramtest.Failure{Status: 429, RetryAfter: 1}
		}
		return nil
	}
	_, ops := startServeOps(t, fake)
	chats := []int64{7001, 7002, 7003}
	for _, chat := range chats {
		fake.AddUpdate(telegramtest.Message(chat, "en", "/start"))
		fake.AddUpdate(telegramtest.Message(chat, "en", "/help"))
		fake.AddUpdate(telegramtest.Message(chat, "en", "/privacy"))
	}
	for _, chat := range chats {
		waitSent(t, fake, chat, 3)
	}
	waitOutboxEmpty(t, fake, ops)
	for _, chat := range chats {
		msgs := sentTo(fake, chat)
		if len(msgs) != 3 {
			t.Errorf("chat %d got %d messages, want exactly 3", chat, len(msgs))
		}
		if !strings.Contains(msgs[0].Params["text"], "Veiviser") || !strings.Contains(msgs[1].Params["text"], "/menu") {
			t.Errorf("chat %d: messages out of order: %q, %q", chat, msgs[0].Params["text"][:20], msgs[1].Params["text"][:20])
		}
	}
	if refused < 6 {
		t.Errorf("only %d 429 answers were given", refused)
	}
}

func TestServeRedeliveredUpdateAnsweredOnce(t *testing.T) {
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "serve.db")
	startServe(t, fake, db)
	id := fake.AddUpdate(telegramtest.Message(8001, "en", "/help"))
	waitSent(t, fake, 8001, 1)
	if !fake.WaitFor(5*time.Second, func() bool { return fake.Confirmed() >= id }) {
		t.Fatal("update never confirmed")
	}
	// Once confirmed it is not fetched again, and a second answer to it
	// would be queued before the answer to her next message, which keeps
	// her chat's order: that answer arriving second shows there was none.
	fake.AddUpdate(telegramtest.Message(8001, "en", "/privacy"))
	msgs := waitSent(t, fake, 8001, 2)
	if msgs[1].Params["text"] == msgs[0].Params["text"] {
		t.Errorf("two replies to one update")
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeWebhookSecret(t *testing.T) {
	fake := newFake(t)
	addr := freePort(t)
	secret := "s3cret-webhook-token-123"
	startServe(t, fake, "", "VEIVISER_WEBHOOK_URL=https://bot.example.org/hook", "VEIVISER_WEBHOOK_SECRET="+secret, "VEIVISER_LISTEN="+addr)
	if !fake.WaitFor(5*time.Second, func() bool { return len(fake.Calls("setWebhook")) == 1 }) {
		t.Fatal("setWebhook was not called")
	}
	if got := fake.Calls("setWebhook")[0].Params["secret_token"]; got != secret {
		t.Errorf("setWebhook secret_token = %q", got)
	}
	post := func(header string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(body))
		if header != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong-secret", fake.Update(telegramtest.Message(9001, "en", "/start"))); code != http.StatusUnauthorized {
		t.Errorf("wrong secret answered %d, want 401", code)
	}
	if code := post("", fake.Update(telegramtest.Message(9001, "en", "/start"))); code != http.StatusUnauthorized {
		t.Errorf("missing secret answered %d, want 401", code)
	}
	if code := post(secret, fake.Update(telegramtest.Message(9001, "en", "/help"))); code != http.StatusOK {
		t.Errorf("right secret answered %d, want 200", code)
	}
	// A webhook call is handled before it is answered, and her chat's
	// messages go in order: a greeting for a rejected /start would arrive
	// before the help.
	if msgs := waitSent(t, fake, 9001, 1); !strings.Contains(msgs[0].Params["text"], "/menu") {
		t.Fatalf("a rejected webhook call was processed: first reply %q", msgs[0].Params["text"][:min(40, len(msgs[0].Params["text"]))])
	}
}

func TestServeHealthAndMetrics(t *testing.T) {
	fake := newFake(t)
	addr := freePort(t)
	startServe(t, fake, "", "VEIVISER_HTTP="+addr)
	fake.AddUpdate(telegramtest.Message(9101, "en", "/start"))
	fake.AddUpdate(telegramtest.Message(9101, "en", "qwzx plork vrrb"))
	waitSent(t, fake, 9101, 2)
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz = %d %q", code, body)
	}
	var metrics string
	fake.WaitFor(5*time.Second, func() bool {
		_, metrics = get("/metrics")
		return strings.Contains(metrics, "veiviser_replies_sent_total 2")
	})
	for _, want := range []string{`veiviser_updates_total{kind="message"} 2`, "veiviser_replies_sent_total 2",
		"veiviser_unanswered_questions_total 1", "veiviser_handler_seconds_count 2", "veiviser_outbox_depth"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, "9101") {
		t.Error("a chat ID appears in the metrics")
	}
}
