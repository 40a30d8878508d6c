package main

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
	"github.com/veiviser/veiviser/content"
)

// TestStaffUploadPreviewPublishRollback is the content workflow from
// Telegram: a broken file is refused with file:line, a good one is staged,
// previewed, published for everyone at once, listed and rolled back.
func TestStaffUploadPreviewPublishRollback(t *testing.T) {
	fake := newFake(t)
	startServe(t, fake, "", "VEIVISER_STAFF=111")
	const staff, user = 111, 222
	orig, err := fs.ReadFile(content.Embedded(), "05-services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(orig)
	if !strings.Contains(src, "title: Gratis juridisk hjelp") {
		t.Fatal("test needs the nb title of legal-aid")
	}

	broken := strings.Replace(src, "reviewed: 2026-11-25", "reviewed: 25.11.2026", 1)
	fake.AddUpdate(fake.Document(staff, "05-services.yaml", []byte(broken)))
	reply := waitSent(t, fake, staff, 1)[0].Params["text"]
	if !strings.Contains(reply, "05-services.yaml:") || !strings.Contains(reply, "25.11.2026") {
		t.Fatalf("broken upload not refused with file:line: %q", reply)
	}

	changed := strings.Replace(src, "title: Gratis juridisk hjelp", "title: Gratis juridisk hjelp og råd", 1)
	fake.AddUpdate(fake.Document(staff, "05-services.yaml", []byte(changed)))
	reply = waitSent(t, fake, staff, 2)[1].Params["text"]
	if !strings.Contains(reply, "legal-aid") {
		t.Fatalf("staged summary does not name the changed entry: %q", reply)
	}

	fake.AddUpdate(telegramtest.Message(staff, "nb", "/preview legal-aid nb"))
	if got := waitSent(t, fake, staff, 3)[2].Params["text"]; !strings.Contains(got, "hjelp og råd") {
		t.Errorf("preview does not show the staged text: %q", got)
	}
	// Not live yet for users.
	fake.AddUpdate(telegramtest.Message(user, "nb", "/start legal-aid"))
	if got := waitSent(t, fake, user, 2)[1].Params["text"]; strings.Contains(got, "hjelp og råd") {
		t.Error("staged content is live before /publish")
	}

	fake.AddUpdate(telegramtest.Message(staff, "nb", "/publish"))
	waitSent(t, fake, staff, 4)
	fake.AddUpdate(telegramtest.Message(user, "nb", "/start legal-aid"))
	if got := waitSent(t, fake, user, 3)[2].Params["text"]; !strings.Contains(got, "hjelp og råd") {
		t.Errorf("published content not live: %q", got)
	}

	// A user in the middle of a conversation presses a button: new text.
	fake.AddUpdate(telegramtest.Callback(user, 10003, "e:legal-aid"))
	if !fake.WaitFor(5*time.Second, func() bool { return len(callsTo(fake, "editMessageText", user)) == 1 }) {
		t.Fatal("the button press was not answered")
	}
	if got := callsTo(fake, "editMessageText", user)[0].Params["text"]; !strings.Contains(got, "hjelp og råd") {
		t.Errorf("mid-conversation answer after publish: %q", got)
	}

	fake.AddUpdate(telegramtest.Message(staff, "nb", "/versions"))
	if got := waitSent(t, fake, staff, 5)[4].Params["text"]; !strings.Contains(got, "#1") {
		t.Errorf("versions list: %q", got)
	}
	// Upload a second change, publish it, then roll back to #1.
	fake.AddUpdate(fake.Document(staff, "05-services.yaml", []byte(strings.Replace(src, "title: Gratis juridisk hjelp", "title: Juridisk hjelp v2", 1))))
	waitSent(t, fake, staff, 6)
	fake.AddUpdate(telegramtest.Message(staff, "nb", "/publish"))
	waitSent(t, fake, staff, 7)
	fake.AddUpdate(telegramtest.Message(staff, "nb", "/rollback 1"))
	if got := waitSent(t, fake, staff, 8)[7].Params["text"]; !strings.Contains(got, "#3") {
		t.Errorf("rollback reply: %q", got)
	}
	fake.AddUpdate(telegramtest.Message(user, "nb", "/start legal-aid"))
	if got := waitSent(t, fake, user, 4)[3].Params["text"]; !strings.Contains(got, "hjelp og råd") || strings.Contains(got, "v2") {
		t.Errorf("after /rollback 1 the user sees %q", got)
	}
	// A non-staff user's file is just an unsupported message.
	fake.AddUpdate(fake.Document(user, "05-services.yaml", []byte(broken)))
	if got := waitSent(t, fake, user, 5)[4].Params["text"]; strings.Contains(got, "yaml") {
		t.Errorf("a user's upload was treated as content: %q", got)
	}
}
