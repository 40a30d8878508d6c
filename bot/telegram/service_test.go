package telegram

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

const advisors = -100555

// running is a Service on a real engine and store, served against the
// fake Bot API until the test ends.
type running struct {
	fake *telegramtest.Server
	svc  *Service
	st   *store.Store
}

func startService(t *testing.T, forum bool) *running {
	t.Helper()
	return startServiceWith(t, forum, Config{}, nil)
}

// freeAddr is a local address nothing listens on yet.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServiceWith(t *testing.T, forum bool, extra Config, fail func(telegramtest.Call) *telegramtest.Failure) *running {
	t.Helper()
	fake := telegramtest.NewServer()
	fake.Forum = forum
	fake.Fail = fail
	t.Cleanup(fake.Close)
	engine, st := bottest.EngineWithContent(t, bot.Config{Escalation: bot.Escalation{Chat: advisors, Lang: "en"}, Staff: extra.Staff})
	strs, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	limits, err := ParseLimits("global=1000/s,chat=1000/s,group=1000/s")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Token: "1:test", APIURL: fake.APIURL(), AdvisorChat: advisors, Limits: limits, PollTimeout: time.Second,
		WebhookURL: extra.WebhookURL, WebhookSecret: extra.WebhookSecret, Listen: extra.Listen, Staff: extra.Staff}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := New(ctx, cfg, engine, st, strs, content.Languages(), log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvisorForum(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return &running{fake: fake, svc: svc, st: st}
}

// sentTo are the messages and copies Telegram accepted for chat.
func (r *running) sentTo(chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, m := range []string{"sendMessage", "copyMessage"} {
		for _, c := range r.fake.Calls(m) {
			if c.Int("chat_id") == chat {
				out = append(out, c)
			}
		}
	}
	return out
}

func (r *running) wait(t *testing.T, chat int64, n int) []telegramtest.Call {
	t.Helper()
	if !r.fake.WaitFor(10*time.Second, func() bool { return len(r.sentTo(chat)) >= n }) {
		t.Fatalf("chat %d got %d messages, want %d", chat, len(r.sentTo(chat)), n)
	}
	return r.sentTo(chat)
}

// TestServicePollsAndAnswers: updates fetched by long polling reach the
// engine and its replies leave through the sender, once each.
func TestServicePollsAndAnswers(t *testing.T) {
	r := startService(t, true)
	r.fake.AddUpdate(telegramtest.Message(42, "en", "/start"))
	r.fake.AddUpdate(telegramtest.Message(42, "en", "/help"))
	got := r.wait(t, 42, 2)
	if !strings.Contains(got[0].Params["text"], "Veiviser") {
		t.Errorf("greeting: %q", got[0].Params["text"])
	}
	// A press on an old message in the advisors' group never reaches her engine.
	r.fake.AddUpdate(telegramtest.Callback(advisors, 5, "m"))
	r.fake.AddUpdate(telegramtest.Message(42, "en", "/privacy"))
	r.wait(t, 42, 3)
	if n := len(r.sentTo(advisors)); n != 0 {
		t.Errorf("%d messages to the advisors' group after a press there", n)
	}
}

// TestServiceTicketOpensTopic: asking for a person makes a forum topic
// with her summary before she is told she is connected; an advisor's reply
// in the topic is copied to her.
func TestServiceTicketOpensTopic(t *testing.T) {
	r := startService(t, true)
	r.fake.AddUpdate(telegramtest.Message(43, "en", "/start"))
	r.wait(t, 43, 1)
	r.fake.AddUpdate(telegramtest.Callback(43, 1, "pc"))
	got := r.wait(t, 43, 2)
	topics := r.fake.Calls("createForumTopic")
	if len(topics) != 1 || len(r.sentTo(advisors)) == 0 {
		t.Fatalf("topics %d, group messages %d; want a topic with her summary", len(topics), len(r.sentTo(advisors)))
	}
	if summary, connected := r.sentTo(advisors)[0].At, got[1].At; connected.Before(summary) {
		t.Error("she was told she is connected before the advisors had her summary")
	}
	thread := int(r.sentTo(advisors)[0].Int("message_thread_id"))
	r.fake.AddUpdate(telegramtest.GroupMessage(advisors, 7, 900, thread, true, "Hello, I am Amina from the centre"))
	got = r.wait(t, 43, 3)
	if got[2].Method != "copyMessage" || got[2].Int("from_chat_id") != advisors {
		t.Errorf("advisor's reply reached her as %s %v", got[2].Method, got[2].Params)
	}
}

// TestServiceHealthAndMetrics: the channel is healthy while updates are
// handled, its figures count them, and none carries a chat ID. serve
// offers both on /healthz and /metrics.
func TestServiceHealthAndMetrics(t *testing.T) {
	r := startService(t, false)
	r.fake.AddUpdate(telegramtest.Message(44, "en", "/start"))
	r.wait(t, 44, 1)
	var err error
	r.fake.WaitFor(5*time.Second, func() bool { err = r.svc.Health(context.Background()); return err == nil })
	if err != nil {
		t.Errorf("Health = %v", err)
	}
	families, err := r.svc.Metrics().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "chat" || l.GetName() == "chat_id" {
					t.Errorf("%s has a chat label", f.GetName())
				}
			}
		}
	}
	if !slices.Contains(names, "veiviser_updates_total") {
		t.Errorf("metrics %v lack veiviser_updates_total", names)
	}
}

// TestServiceWebhook: in webhook mode an update posted with the secret is
// handled; without it, it is refused and nothing is processed.
func TestServiceWebhook(t *testing.T) {
	listen := freeAddr(t)
	const secret = "a-webhook-secret-of-some-length"
	r := startServiceWith(t, false, Config{WebhookURL: "https://bot.example.org/hook", WebhookSecret: secret, Listen: listen}, nil)
	post := func(secret string, body []byte) int {
		t.Helper()
		var resp *http.Response
		var err error
		for range 50 { // the endpoint comes up with Run
			req, _ := http.NewRequest(http.MethodPost, "http://"+listen+"/", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			if secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			}
			if resp, err = http.DefaultClient.Do(req); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("wrong", r.fake.Update(telegramtest.Message(45, "en", "/start"))); code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", code)
	}
	if code := post(secret, r.fake.Update(telegramtest.Message(45, "en", "/start"))); code != http.StatusOK {
		t.Errorf("right secret: %d, want 200", code)
	}
	if got := r.wait(t, 45, 1); len(got) != 1 {
		t.Errorf("replies after one accepted update: %d", len(got))
	}
}

// TestStaffUploadOffTheUpdatePath: while a staff member's upload is being
// fetched (here a download that hangs), the women's updates behind it are
// answered; the upload's answer comes after.
func TestStaffUploadOffTheUpdatePath(t *testing.T) {
	const staff = 77
	slow := func(c telegramtest.Call) *telegramtest.Failure {
		if c.Method == "getFile" {
			return &telegramtest.Failure{Status: 500, Delay: 3 * time.Second}
		}
		return nil
	}
	r := startServiceWith(t, false, Config{Staff: []int64{staff}}, slow)
	r.fake.AddUpdate(r.fake.Document(staff, "05-services.yaml", []byte("topic: {}")))
	// Her message comes in a later batch, while the upload is being fetched.
	if !r.fake.WaitFor(5*time.Second, func() bool { return len(r.fake.Calls("getFile")) > 0 }) {
		t.Fatal("the upload was never fetched")
	}
	r.fake.AddUpdate(telegramtest.Message(46, "en", "/start"))
	r.wait(t, 46, 1)
	if n := len(r.sentTo(staff)); n != 0 {
		t.Fatalf("the staff member was answered before her: %d message(s)", n)
	}
	r.wait(t, staff, 1) // the upload is answered too, once its fetch gives up
}
