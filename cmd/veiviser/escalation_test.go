package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

const (
	advisorGroup = -100555
	// Long enough not to turn up by chance in a log line's timestamp or
	// duration, which TestLogsCarryNoIdentity would take for a leak (301
	// did, once in a CI run).
	advisorUser = 555301777
)

// callsTo returns the successful calls of a method addressed to chat.
func callsTo(fake *telegramtest.Server, method string, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range fake.Calls(method) {
		if c.Int("chat_id") == chat && c.Params["_failed"] == "" {
			out = append(out, c)
		}
	}
	return out
}

func waitCalls(t *testing.T, fake *telegramtest.Server, method string, chat int64, n int) []telegramtest.Call {
	t.Helper()
	if !fake.WaitFor(30*time.Second, func() bool { return len(callsTo(fake, method, chat)) >= n }) {
		t.Fatalf("%s to %d: %d calls, want %d", method, chat, len(callsTo(fake, method, chat)), n)
	}
	return callsTo(fake, method, chat)
}

// TestServeEscalationForum follows a ticket through an advisors' group
// with forum topics: registration, the connect confirmation, a topic with
// a summary that mentions the Arabic-speaking advisor, copies both ways,
// /close and her rating. Nothing that identifies her reaches the group.
func TestServeEscalationForum(t *testing.T) {
	fake := newFake(t)
	fake.Forum = true
	startServe(t, fake, "", "VEIVISER_ADVISOR_CHAT="+strconv.Itoa(advisorGroup))
	const her = 4242

	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 10, 0, true, "/languages ar so"))
	waitCalls(t, fake, "sendMessage", advisorGroup, 1)

	fake.AddUpdate(telegramtest.Message(her, "ar", "/start"))
	fake.AddUpdate(telegramtest.Callback(her, 10001, "l:ar"))
	fake.AddUpdate(telegramtest.Message(her, "ar", "/advisor"))
	intro := waitSent(t, fake, her, 4)[3]
	if !strings.Contains(intro.Params["reply_markup"], `"pc"`) {
		t.Fatalf("no connect button before connecting: %s", intro.Params["reply_markup"])
	}
	if len(callsTo(fake, "createForumTopic", advisorGroup)) != 0 {
		t.Fatal("a ticket was opened before she confirmed")
	}

	fake.AddUpdate(telegramtest.Callback(her, 10004, "pc"))
	topic := waitCalls(t, fake, "createForumTopic", advisorGroup, 1)[0]
	if name := topic.Params["name"]; !strings.HasPrefix(name, "#1 · ar") {
		t.Errorf("topic name %q, want #1 · ar · …", name)
	}
	summary := waitCalls(t, fake, "sendMessage", advisorGroup, 2)[1]
	if summary.Params["message_thread_id"] != "77" {
		t.Errorf("summary not posted in the ticket's topic: %v", summary.Params)
	}
	if !strings.Contains(summary.Params["entities"], `"text_mention"`) || !strings.Contains(summary.Params["entities"], strconv.Itoa(advisorUser)) {
		t.Errorf("the Arabic-speaking advisor is not mentioned: %s", summary.Params["entities"])
	}

	// Her message is copied, not forwarded, into the topic.
	fake.AddUpdate(telegramtest.MessageWithID(her, "ar", "مرحبا، أحتاج مساعدة في الإقامة", 500))
	cp := waitCalls(t, fake, "copyMessage", advisorGroup, 1)[0]
	if cp.Int("from_chat_id") != her || cp.Int("message_id") != 500 || cp.Params["message_thread_id"] != "77" {
		t.Errorf("copy into the topic: %v", cp.Params)
	}
	if len(fake.Calls("forwardMessage")) != 0 {
		t.Error("a message was forwarded: that would show her name")
	}

	// The advisor answers in the topic; it is copied to her.
	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 600, 77, true, "مرحبا، أنا هنا"))
	back := waitCalls(t, fake, "copyMessage", her, 1)[0]
	if back.Int("from_chat_id") != advisorGroup || back.Int("message_id") != 600 {
		t.Errorf("copy to her: %v", back.Params)
	}

	// /close asks her for a rating; her rating reaches the topic.
	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 601, 77, true, "/close"))
	msgs := waitSent(t, fake, her, 6)
	if !strings.Contains(msgs[len(msgs)-1].Params["reply_markup"], `"r:1:5"`) {
		t.Fatalf("no rating buttons after /close: %v", msgs[len(msgs)-1].Params)
	}
	fake.AddUpdate(telegramtest.Callback(her, 10006, "r:1:5"))
	rated := waitCalls(t, fake, "sendMessage", advisorGroup, 4)
	if !strings.Contains(rated[len(rated)-1].Params["text"], "5/5") {
		t.Errorf("rating not shown to the advisors: %q", rated[len(rated)-1].Params["text"])
	}

	for _, c := range fake.Calls("") {
		if c.Int("chat_id") != advisorGroup {
			continue
		}
		for k, v := range c.Params {
			if strings.Contains(v, "Secret") || strings.Contains(v, "secret_name") || (k != "from_chat_id" && strings.Contains(v, strconv.Itoa(her))) {
				t.Errorf("%s to the advisors' group leaks her identity in %s: %q", c.Method, k, v)
			}
		}
	}
}

// TestServeEscalationWithoutTopics threads a ticket by replies when the
// advisors' group has no forum topics.
func TestServeEscalationWithoutTopics(t *testing.T) {
	fake := newFake(t)
	startServe(t, fake, "", "VEIVISER_ADVISOR_CHAT="+strconv.Itoa(advisorGroup))
	const her = 4343
	fake.AddUpdate(telegramtest.Message(her, "en", "/start"))
	fake.AddUpdate(telegramtest.Message(her, "en", "/advisor"))
	waitSent(t, fake, her, 2)
	fake.AddUpdate(telegramtest.Callback(her, 10002, "pc"))
	summary := waitCalls(t, fake, "sendMessage", advisorGroup, 1)[0]
	if len(fake.Calls("createForumTopic")) != 0 || summary.Params["message_thread_id"] != "" {
		t.Fatalf("topics used in a group without them: %v", summary.Params)
	}
	// Her confirmation is sent after the summary is recorded as the thread.
	waitSent(t, fake, her, 3)
	// The fake numbers the group's first message 10001.
	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 700, 10001, false, "Hello, how can I help?"))
	back := waitCalls(t, fake, "copyMessage", her, 1)[0]
	if back.Int("message_id") != 700 {
		t.Errorf("advisor's reply not copied to her: %v", back.Params)
	}
	fake.AddUpdate(telegramtest.MessageWithID(her, "en", "thank you", 800))
	cp := waitCalls(t, fake, "copyMessage", advisorGroup, 1)[0]
	if !strings.Contains(cp.Params["reply_parameters"], "10001") {
		t.Errorf("her message not threaded under the ticket: %v", cp.Params)
	}
}

func TestServeLeavesOtherGroups(t *testing.T) {
	fake := newFake(t)
	startServe(t, fake, "", "VEIVISER_ADVISOR_CHAT="+strconv.Itoa(advisorGroup))
	fake.AddUpdate(telegramtest.GroupMessage(-100999, 77, 1, 0, false, "hello bot"))
	if !fake.WaitFor(5*time.Second, func() bool { return len(fake.Calls("leaveChat")) == 1 }) {
		t.Fatal("the bot stayed in a group that is not the advisors'")
	}
	if n := len(callsTo(fake, "sendMessage", -100999)); n != 0 {
		t.Errorf("the bot answered in a foreign group %d times", n)
	}
}

// TestServeSomaliEscalationVoiceAndRestart: a Somali-speaking woman
// escalates, a voice note goes to the advisors and one comes back, both as
// copies; the service restarts between messages and the ticket holds.
func TestServeSomaliEscalationVoiceAndRestart(t *testing.T) {
	fake := newFake(t)
	fake.Forum = true
	db := filepath.Join(t.TempDir(), "restart.db")
	env := "VEIVISER_ADVISOR_CHAT=" + strconv.Itoa(advisorGroup)
	_, stop := serveStoppable(t, fake, db, env)
	const her = 5151
	fake.AddUpdate(telegramtest.Message(her, "so", "/start"))
	fake.AddUpdate(telegramtest.Callback(her, 10001, "l:so"))
	fake.AddUpdate(telegramtest.Message(her, "so", "waxaan rabaa inaan la hadlo qof"))
	fake.AddUpdate(telegramtest.Callback(her, 10004, "pc"))
	waitCalls(t, fake, "createForumTopic", advisorGroup, 1)
	waitSent(t, fake, her, 5)

	stop() // restart between messages
	serveStoppable(t, fake, db, env)

	voice := telegramtest.MessageWithID(her, "so", "", 700)
	msg := voice["message"].(map[string]any)
	delete(msg, "text")
	msg["voice"] = map[string]any{"file_id": "v1", "file_unique_id": "v1", "duration": 4}
	fake.AddUpdate(voice)
	cp := waitCalls(t, fake, "copyMessage", advisorGroup, 1)[0]
	if cp.Int("message_id") != 700 || cp.Params["message_thread_id"] != "77" {
		t.Errorf("her voice note after the restart: %v", cp.Params)
	}
	reply := telegramtest.GroupMessage(advisorGroup, advisorUser, 701, 77, true, "")
	rmsg := reply["message"].(map[string]any)
	delete(rmsg, "text")
	rmsg["voice"] = map[string]any{"file_id": "v2", "file_unique_id": "v2", "duration": 9}
	fake.AddUpdate(reply)
	back := waitCalls(t, fake, "copyMessage", her, 1)[0]
	if back.Int("message_id") != 701 || back.Int("from_chat_id") != advisorGroup {
		t.Errorf("the advisor's voice note to her: %v", back.Params)
	}
}
