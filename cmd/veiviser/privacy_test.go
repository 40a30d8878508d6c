package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
)

// TestLogsCarryNoIdentity runs a whole conversation with escalation at
// debug level and reads every log line: no message text, no token, no chat
// or user IDs, no names.
func TestLogsCarryNoIdentity(t *testing.T) {
	fake := newFake(t)
	fake.Forum = true
	logs := startServe(t, fake, "", "VEIVISER_ADVISOR_CHAT="+strconv.Itoa(advisorGroup), "LOG_LEVEL=debug")
	const her = 777123456
	words := []string{"مرحبا أختي", "secret question about my permit", "zawji yadrebni"}
	fake.AddUpdate(telegramtest.Message(her, "ar", "/start"))
	fake.AddUpdate(telegramtest.Callback(her, 10001, "l:ar"))
	fake.AddUpdate(telegramtest.Message(her, "ar", words[1]))
	fake.AddUpdate(telegramtest.Message(her, "ar", words[2]))
	fake.AddUpdate(telegramtest.Message(her, "ar", "/advisor"))
	waitSent(t, fake, her, 6)
	fake.AddUpdate(telegramtest.Callback(her, 10006, "pc"))
	waitCalls(t, fake, "createForumTopic", advisorGroup, 1)
	fake.AddUpdate(telegramtest.MessageWithID(her, "ar", words[0], 900))
	waitCalls(t, fake, "copyMessage", advisorGroup, 1)
	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 901, 77, true, "reply from the advisor"))
	waitCalls(t, fake, "copyMessage", her, 1)
	fake.AddUpdate(telegramtest.GroupMessage(advisorGroup, advisorUser, 902, 77, true, "/close"))
	waitSent(t, fake, her, 8)

	out := logs.String()
	if len(out) < 100 {
		t.Fatalf("suspiciously few logs: %q", out)
	}
	for _, bad := range append(words, "reply from the advisor", "TEST-token", strconv.Itoa(her), strconv.Itoa(advisorUser), "Secret", "secret_name", "Amina") {
		for line := range strings.Lines(out) {
			if strings.Contains(line, bad) {
				t.Errorf("logs contain %q: %s", bad, line)
			}
		}
	}
}

// TestClearDeletesTheChat checks /clear deletes the bot's messages and hers
// that the bot knows of, within Telegram's 48 hours. She writes /clear
// before the answers reached her: they are deleted all the same.
func TestClearDeletesTheChat(t *testing.T) {
	fake := newFake(t)
	startServe(t, fake, "")
	const her = 6161
	fake.AddUpdate(telegramtest.MessageWithID(her, "en", "/start", 1))
	fake.AddUpdate(telegramtest.MessageWithID(her, "en", "he hits me", 2))
	fake.AddUpdate(telegramtest.MessageWithID(her, "en", "/clear", 3))
	del := waitCalls(t, fake, "deleteMessages", her, 1)[0]
	ids := del.Params["message_ids"]
	for _, id := range []string{"1", "2", "3", "10001", "10002"} {
		if !strings.Contains(","+strings.Trim(ids, "[]")+",", ","+id+",") {
			t.Errorf("message %s not deleted: %s", id, ids)
		}
	}
	msgs := waitSent(t, fake, her, 3)
	if !strings.Contains(msgs[2].Params["text"], "48 hours") {
		t.Errorf("no honest word about Telegram's 48 hours: %q", msgs[2].Params["text"])
	}
}
