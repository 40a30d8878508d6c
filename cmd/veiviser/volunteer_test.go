package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
	"github.com/veiviser/veiviser/content"
)

// chatLog follows the messages delivered to one chat, so a test can wait
// for the next one that says something.
type chatLog struct {
	t    *testing.T
	fake *telegramtest.Server
	chat int64
	seen int
}

// next waits for a message after the ones already seen that contains
// want, and returns it; everything up to it counts as seen.
func (l *chatLog) next(want string) telegramtest.Call {
	l.t.Helper()
	var found telegramtest.Call
	// Generous: staging a review checks the whole catalog, which takes
	// seconds under the race detector on a busy machine.
	ok := l.fake.WaitFor(90*time.Second, func() bool {
		calls := sentTo(l.fake, l.chat)
		for i := l.seen; i < len(calls); i++ {
			if strings.Contains(calls[i].Params["text"], want) {
				found, l.seen = calls[i], i+1
				return true
			}
		}
		return false
	})
	if !ok {
		var texts []string
		for _, c := range sentTo(l.fake, l.chat)[l.seen:] {
			texts = append(texts, c.Params["text"])
		}
		l.t.Fatalf("chat %d: no message with %q; new since last: %q", l.chat, want, texts)
	}
	return found
}

// withButton waits for the next message with a button labelled label.
func (l *chatLog) withButton(label string) telegramtest.Call {
	l.t.Helper()
	for {
		c := l.next("")
		for _, row := range buttons(l.t, c) {
			for _, b := range row {
				if strings.Contains(b["text"].(string), label) {
					return c
				}
			}
		}
	}
}

// buttonData returns the data of the button whose label contains label.
func buttonData(t *testing.T, c telegramtest.Call, label string) string {
	t.Helper()
	for _, row := range buttons(t, c) {
		for _, b := range row {
			if strings.Contains(b["text"].(string), label) {
				return b["callback_data"].(string)
			}
		}
	}
	t.Fatalf("no button %q under %q", label, c.Params["text"])
	return ""
}

// voiceNote is a recording as Telegram gives a voice message: an OGG
// stream (the bot checks no more than its start).
var voiceNote = append([]byte("OggS\x00\x02"), bytes.Repeat([]byte{7}, 3000)...)

// TestVolunteerReviewsRecordsAndStaffPublish is the volunteers' loop
// through the fake Bot API: staff add a Somali volunteer; she skips one
// entry, corrects the next and records a third; she cannot see the staff's
// tools; staff publish; a Somali user gets the corrected text without the
// draft notice, and two users hear the recording, uploaded to Telegram
// once and sent by its file ID after, also after a restart.
func TestVolunteerReviewsRecordsAndStaffPublish(t *testing.T) {
	fake := newFake(t)
	db := filepath.Join(t.TempDir(), "serve.db")
	env := []string{"VEIVISER_STAFF=111"}
	_, stop := serveStoppable(t, fake, db, env...)
	const staffID, volunteerID, user, user2 = 111, 333, 222, 444
	staff := &chatLog{t: t, fake: fake, chat: staffID}
	vol := &chatLog{t: t, fake: fake, chat: volunteerID}
	her := &chatLog{t: t, fake: fake, chat: user}

	// Before: the Somali answer is an unchecked draft.
	fake.AddUpdate(telegramtest.Message(user, "so", "/start violence-helpline"))
	draftNotice := "Tarjumaaddan weli ma hubin"
	her.next(draftNotice)

	// A user who is not a volunteer has no /review.
	fake.AddUpdate(telegramtest.Message(user, "so", "/review"))
	her.next("") // the unknown-command reply
	fake.AddUpdate(telegramtest.Message(staffID, "nb", "/volunteer add 333 Amina Yusuf so"))
	staff.next("Amina Yusuf")

	fake.AddUpdate(telegramtest.Message(volunteerID, "nb", "/review"))
	shown := vol.next("SO · ")
	if !strings.Contains(sentTo(fake, volunteerID)[vol.seen-3].Params["text"], "🇳🇴") {
		t.Error("the nb text is not shown before the translation")
	}
	fake.AddUpdate(telegramtest.Callback(volunteerID, 1, buttonData(t, shown, "⏭")))
	shown = vol.next("SO · ")
	data := buttonData(t, shown, "✏️")
	if !strings.Contains(data, ":violence-helpline:") {
		t.Fatalf("after skipping the first entry, the next is %q", data)
	}

	// A volunteer cannot see what staff see, nor act on another language
	// (another volunteer here: the flood guard counts each one's presses).
	fake.AddUpdate(telegramtest.Message(staffID, "nb", "/volunteer add 555 Hodan ti"))
	staff.next("Hodan")
	other := &chatLog{t: t, fake: fake, chat: 555}
	for _, cmd := range []string{"/unanswered", "/stats", "/staged", "/publish", "/volunteer list"} {
		fake.AddUpdate(telegramtest.Message(555, "nb", cmd))
		if got := other.next("").Params["text"]; strings.Contains(got, "Amina") || strings.Contains(got, "#") {
			t.Errorf("%s shows a volunteer staff data: %q", cmd, got)
		}
	}
	fake.AddUpdate(telegramtest.Callback(555, 1, data))
	other.next("TI · ") // her own work instead

	// A press under an older message still acts on its entry.
	fake.AddUpdate(telegramtest.Callback(volunteerID, 1, data))
	vol.next("")
	corrected := "Khadka rabshadaha 116 006\nWac 116 006. Waa bilaash oo furan habeen iyo maalin. Haddii aad khatar ku jirto hadda, wac 112."
	fake.AddUpdate(telegramtest.Message(volunteerID, "nb", corrected))
	staff.next("✏️ violence-helpline/so (Amina Yusuf)")
	shown = vol.next("SO · ")

	// She records the next one.
	recorded := strings.Split(buttonData(t, shown, "🎙"), ":")[3]
	fake.AddUpdate(telegramtest.Callback(volunteerID, 1, buttonData(t, shown, "🎙")))
	vol.next("")
	fake.AddUpdate(fake.Voice(volunteerID, voiceNote))
	staff.next("🎙 " + recorded + "/so")

	fake.AddUpdate(telegramtest.Message(staffID, "nb", "/staged"))
	staff.next("✏️ violence-helpline/so (Amina Yusuf)")
	waitCalls(t, fake, "sendVoice", staffID, 1) // staff hear it before it goes live
	fake.AddUpdate(telegramtest.Message(staffID, "nb", "/publish"))
	staff.next("#1")

	// After: her corrected text, without the draft notice.
	fake.AddUpdate(telegramtest.Message(user, "so", "/start violence-helpline"))
	if got := her.next("Khadka rabshadaha 116 006").Params["text"]; strings.Contains(got, draftNotice) {
		t.Errorf("a reviewed text still has the draft notice: %q", got)
	}

	// Two users hear the recording: one upload, then its file ID.
	listen := func(chat int64, n int) telegramtest.Call {
		t.Helper()
		l := &chatLog{t: t, fake: fake, chat: chat, seen: len(sentTo(fake, chat))}
		fake.AddUpdate(telegramtest.Message(chat, "so", "/start "+recorded))
		fake.AddUpdate(telegramtest.Callback(chat, 1, buttonData(t, l.withButton("🔊"), "🔊")))
		return waitCalls(t, fake, "sendVoice", chat, n)[n-1]
	}
	first := listen(user, 1).Params["voice"]
	second := listen(user2, 1).Params["voice"]
	if !strings.HasPrefix(first, "upload:") && !strings.HasPrefix(first, "voice-") {
		t.Fatalf("first send of the recording: %q", first)
	}
	if strings.HasPrefix(second, "upload:") {
		t.Errorf("the recording was uploaded again for a second user")
	}
	stop()
	startServe(t, fake, db, env...)
	third := listen(user, 2).Params["voice"]
	if third != second {
		t.Errorf("after a restart the recording went as %q, want the file ID %q", third, second)
	}
	uploads := 0
	for _, c := range fake.Calls("sendVoice") {
		if strings.HasPrefix(c.Params["voice"], "upload:") {
			uploads++
		}
	}
	// The staff's /staged preview and the first user: the same bytes, but
	// the file ID is kept per recording, so the user's send reused it.
	if uploads != 1 {
		t.Errorf("the recording was uploaded %d times, want once", uploads)
	}
}

// TestStaleRecordingWarned: a recording made from one nb text is warned
// about by content check, and no longer offered, once the nb text changes.
func TestStaleRecordingWarned(t *testing.T) {
	dir := copyContent(t)
	files := map[string][]byte{}
	cat, _, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range cat.Files() {
		files[name] = data
	}
	e := cat.Entry("legal-aid")
	files, err = content.ApplyReview(files, content.Review{Entry: "legal-aid", Lang: "so", By: "Amina", From: e.SourceHash(), Audio: voiceNote})
	if err != nil {
		t.Fatal(err)
	}
	files, err = content.ApplyReview(files, content.Review{Entry: "legal-aid", Lang: "so", By: "Amina", From: e.SourceHash()})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(e.File, files[e.File])
	write(content.AudioFile("legal-aid", "so"), voiceNote)
	code, out, _ := runCmd(t, "content", "check", dir)
	if code != 0 || strings.Contains(out, "recording is stale") {
		t.Fatalf("a fresh recording: exit %d\n%s", code, out)
	}
	// Stats count the recording, and the review by the reviewer's name.
	_, out, _ = runCmd(t, "content", "stats", dir)
	if !regexp.MustCompile(`(?m)^\s*Amina\s+so\s+1\s*$`).MatchString(out) || !regexp.MustCompile(`(?m)^\s*so(\s+\S+){6}\s+1\s+\d+\s*$`).MatchString(out) {
		t.Errorf("content stats after one review and one recording:\n%s", out)
	}
	nb := e.Text["nb"].Body
	changed := strings.Replace(string(files[e.File]), firstLine(nb), firstLine(nb)+" Ring oss.", 1)
	write(e.File, []byte(changed))
	code, out, _ = runCmd(t, "content", "check", dir)
	if code != 0 || !strings.Contains(out, "entry legal-aid: so recording is stale") {
		t.Fatalf("after the nb text changed: exit %d\n%s", code, out)
	}
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }

// TestPublishedRecordingLandsInContentDir: with a content directory, what
// a volunteer records and staff publish from Telegram is written into the
// directory (the recording under audio/, its YAML), so a /reload or a
// restart reads it instead of losing it.
func TestPublishedRecordingLandsInContentDir(t *testing.T) {
	fake := newFake(t)
	dir := copyContent(t)
	startServe(t, fake, "", "VEIVISER_STAFF=111", "VEIVISER_CONTENT_DIR="+dir)
	staff := &chatLog{t: t, fake: fake, chat: 111}
	vol := &chatLog{t: t, fake: fake, chat: 333}
	fake.AddUpdate(telegramtest.Message(111, "nb", "/volunteer add 333 Amina so"))
	staff.next("Amina")
	fake.AddUpdate(telegramtest.Message(333, "nb", "/review"))
	shown := vol.next("SO · ")
	entry := strings.Split(buttonData(t, shown, "🎙"), ":")[3]
	fake.AddUpdate(telegramtest.Callback(333, 1, buttonData(t, shown, "🎙")))
	vol.next("")
	fake.AddUpdate(fake.Voice(333, voiceNote))
	staff.next("🎙 " + entry + "/so")
	fake.AddUpdate(telegramtest.Message(111, "nb", "/publish"))
	staff.next("#1")
	got, err := os.ReadFile(filepath.Join(dir, content.AudioFile(entry, "so")))
	if err != nil || !bytes.Equal(got, voiceNote) {
		t.Fatalf("the recording is not in the content directory: %v", err)
	}
	fake.AddUpdate(telegramtest.Message(111, "nb", "/reload"))
	staff.next("#2")
	cat, _, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Entry(entry).Recording("so") == nil {
		t.Error("the directory's content does not name the recording")
	}
}
