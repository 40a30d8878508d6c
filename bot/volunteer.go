package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// Volunteers are trained guides who review and record the content in their
// languages from their phones (/review). Staff add them by Telegram user
// ID with the name the content records as reviewer; what they do is staged
// like an upload and goes live with /publish.

// Button data: "rv:<what>:<lang>:<entry>:<hash>" acts on an entry she was
// shown, with the start of the nb text's hash then (at most 62 bytes with
// a 41-character entry ID); "au:<entry>" sends the recording of an answer
// in her language.
const (
	btnReview = "rv"
	btnListen = "au"
)

// What a review button does.
const (
	reviewOK    = "ok"    // the translation is correct
	reviewEdit  = "edit"  // she sends a corrected text
	reviewVoice = "voice" // she records it
	reviewSkip  = "skip"  // the next one
)

// Screens of the review: "review:<lang>:<entry>:<nb hash>" while she is
// shown an entry, and the same after "review-edit" or "review-voice" while
// the bot waits for her text or her voice note. The hash is of the nb text
// she was shown: if it changes meanwhile, her review no longer holds.
// hashInButton is how much of it a button carries.
const hashInButton = 8
const (
	screenReview      = "review"
	screenReviewEdit  = "review-edit"
	screenReviewVoice = "review-voice"
)

// reviewing is what a review screen says.
type reviewing struct {
	mode, lang, entry, hash string
}

func parseReviewing(screen string) (reviewing, bool) {
	parts := strings.Split(screen, ":")
	if len(parts) != 4 || !strings.HasPrefix(parts[0], screenReview) {
		return reviewing{}, false
	}
	return reviewing{parts[0], parts[1], parts[2], parts[3]}, true
}

func (r reviewing) screen(mode string) string {
	return strings.Join([]string{mode, r.lang, r.entry, r.hash}, ":")
}

// volunteer returns the volunteer this private chat is, if it is one.
func (t *turn) volunteer() (Volunteer, bool) {
	if t.e.content == nil || IsWebChat(t.ev.Chat) {
		return Volunteer{}, false
	}
	v, found, err := t.e.content.Volunteer(t.ctx, t.ev.Chat)
	if err != nil {
		t.fail("read volunteer", err)
		return Volunteer{}, false
	}
	return v, found
}

// reviewBase is the content a review builds on: what waits for /publish,
// so reviews of the same day add up, or else what is live.
func (t *turn) reviewBase() (*content.Catalog, bool) {
	_, files, found, err := t.e.content.Staged(t.ctx)
	if err != nil {
		t.fail("read staged content", err)
		return nil, false
	}
	if found {
		if staged, _, err := content.FromCheckedFiles(files); err == nil {
			return staged, true
		}
	}
	return t.cat, true
}

// review shows a volunteer the next translation to check in her
// languages, or in the one she names.
func (t *turn) review(args string) {
	v, ok := t.volunteer()
	if !ok {
		t.unknownCommand()
		return
	}
	langs := v.Langs
	if l := strings.TrimSpace(args); slices.Contains(v.Langs, l) {
		langs = []string{l}
	}
	t.nextReview(langs, "")
}

// nextReview shows the first entry after the entry after (in menu order,
// wrapping round) that waits for review in the first of langs that has one.
func (t *turn) nextReview(langs []string, after string) {
	cat, ok := t.reviewBase()
	if !ok {
		return
	}
	for _, lang := range langs {
		if e, left := toReview(cat, lang, after); e != nil {
			t.showReview(e, lang, left)
			return
		}
	}
	t.s.Screen = "menu"
	t.sendStaff(t.tr("ReviewNothing"))
}

// toReview finds the next entry whose lang translation is a draft or
// stale, after the entry after, and how many wait in all. Skipping one
// moves on; it comes round again at the end.
func toReview(cat *content.Catalog, lang, after string) (*content.Entry, int) {
	var all []*content.Entry
	for _, topic := range cat.Topics {
		for _, id := range topic.Entries {
			if e := cat.Entry(id); e != nil {
				all = append(all, e)
			}
		}
	}
	waits := func(e *content.Entry) bool {
		return e.Text[lang] != nil && (e.Text[lang].Status == content.StatusDraft || e.Stale(lang))
	}
	start := slices.IndexFunc(all, func(e *content.Entry) bool { return e.ID == after }) + 1
	var next *content.Entry
	left := 0
	for i := range all {
		e := all[(start+i)%len(all)]
		if waits(e) {
			left++
			if next == nil {
				next = e
			}
		}
	}
	return next, left
}

// showReview sends the nb text (and the English one) for reference, then
// the translation with the review buttons.
func (t *turn) showReview(e *content.Entry, lang string, left int) {
	r := reviewing{mode: screenReview, lang: lang, entry: e.ID, hash: e.SourceHash()}
	t.s.Screen = r.screen(screenReview)
	nb := e.Text["nb"]
	t.sendStaff(t.tr("ReviewIntro", "N", left, "Language", locales.Name(lang), "ID", e.ID) + "\n\n🇳🇴 " + nb.Title + "\n\n" + nb.Body)
	if en := e.Text["en"]; en != nil && lang != "en" {
		t.sendStaff("EN · " + en.Title + "\n\n" + en.Body)
	}
	tr := e.Text[lang]
	text := strings.ToUpper(lang) + " · " + tr.Title + "\n\n" + tr.Body
	if tr.Audio != nil {
		text += "\n\n" + t.tr("ReviewRecorded")
	}
	data := func(what string) string {
		return strings.Join([]string{btnReview, what, lang, e.ID, r.hash[:min(hashInButton, len(r.hash))]}, ":")
	}
	t.queue(Action{Chat: t.ev.Chat, Text: locales.Isolate(lang, text), Lang: lang, Buttons: [][]Button{
		{{Label: t.tr("ButtonReviewOK"), Data: data(reviewOK)}, {Label: t.tr("ButtonReviewEdit"), Data: data(reviewEdit)}},
		{{Label: t.tr("ButtonReviewVoice"), Data: data(reviewVoice)}, {Label: t.tr("ButtonReviewSkip"), Data: data(reviewSkip)}},
	}})
}

// reviewButton handles a volunteer's press under a translation, also
// under an older message, as long as the nb text is still the one she
// was shown; a press for a language that is not hers shows her own work.
func (t *turn) reviewButton(arg string) {
	v, ok := t.volunteer()
	if !ok {
		t.mainMenu(false)
		return
	}
	parts := strings.Split(arg, ":")
	if len(parts) != 4 || !slices.Contains(v.Langs, parts[1]) {
		t.nextReview(v.Langs, "")
		return
	}
	what, lang, id, hash := parts[0], parts[1], parts[2], parts[3]
	cat, ok := t.reviewBase()
	if !ok {
		return
	}
	e := cat.Entry(id)
	if e == nil || e.Text[lang] == nil || hash == "" || !strings.HasPrefix(e.SourceHash(), hash) {
		t.sendStaff(t.tr("ReviewSourceChanged"))
		t.nextReview([]string{lang}, "")
		return
	}
	cur := reviewing{mode: screenReview, lang: lang, entry: id, hash: e.SourceHash()}
	switch what {
	case reviewOK:
		t.stageReview(v, cur, content.Review{})
	case reviewEdit:
		t.s.Screen = cur.screen(screenReviewEdit)
		t.sendStaff(t.tr("ReviewEditAsk"))
	case reviewVoice:
		t.s.Screen = cur.screen(screenReviewVoice)
		t.sendStaff(t.tr("ReviewVoiceAsk", "Language", locales.Name(cur.lang)))
	default:
		t.nextReview([]string{cur.lang}, cur.entry)
	}
}

// reviewInput takes what a volunteer sends while the bot waits for her
// corrected text or her recording; false means it is not that.
func (t *turn) reviewInput() bool {
	cur, ok := parseReviewing(t.s.Screen)
	if !ok || cur.mode == screenReview {
		return false
	}
	v, ok := t.volunteer()
	if !ok || !slices.Contains(v.Langs, cur.lang) {
		return false
	}
	switch {
	case cur.mode == screenReviewEdit && t.ev.Kind == EventText:
		title, body, _ := strings.Cut(strings.TrimSpace(t.ev.Text), "\n")
		title, body = strings.TrimSpace(title), strings.TrimSpace(body)
		if title == "" || body == "" {
			t.sendStaff(t.tr("ReviewEditFormat"))
			return true
		}
		t.stageReview(v, cur, content.Review{Title: title, Body: body})
	case cur.mode == screenReviewVoice && t.ev.Voice:
		t.recording(v, cur)
	case cur.mode == screenReviewVoice:
		t.sendStaff(t.tr("ReviewVoiceAsk", "Language", locales.Name(cur.lang)))
	default:
		return false
	}
	return true
}

// recording fetches a volunteer's voice note and stages it as the
// recording of the entry she was shown.
func (t *turn) recording(v Volunteer, cur reviewing) {
	if t.ev.Fetch == nil {
		t.sendStaff(t.tr("ReviewVoiceFailed"))
		return
	}
	data, err := t.ev.Fetch(t.ctx)
	if err != nil || len(data) > content.MaxAudio || !content.IsVoice(data) {
		t.e.log.Warn("volunteer recording refused", "err", err, "bytes", len(data))
		t.sendStaff(t.tr("ReviewVoiceFailed"))
		return
	}
	t.stageReview(v, cur, content.Review{Audio: data})
}

// stageReview writes her review into the content waiting for /publish,
// tells the staff, and shows her the next entry.
func (t *turn) stageReview(v Volunteer, cur reviewing, r content.Review) {
	r.Entry, r.Lang, r.By, r.From = cur.entry, cur.lang, v.Name, cur.hash
	r.On = t.ev.At.UTC().Truncate(24 * time.Hour)
	what := "✅"
	switch {
	case r.Audio != nil:
		what = "🎙"
	case r.Title != "":
		what = "✏️"
	}
	line := fmt.Sprintf("%s %s/%s (%s)", what, cur.entry, cur.lang, v.Name)
	msg, err := t.e.stageEdit(t.ctx, t.ev.Chat, t.ev.At, t.s.Lang, line, func(files map[string][]byte) (map[string][]byte, error) {
		return content.ApplyReview(files, r)
	})
	switch {
	case errors.Is(err, content.ErrSourceChanged):
		t.sendStaff(t.tr("ReviewSourceChanged"))
		t.nextReview([]string{cur.lang}, "")
		return
	case err != nil:
		t.sendStaff(msg) // file:line problems: she can correct and send again
		return
	}
	t.count("review:" + what)
	for id := range t.e.staff {
		t.queue(Action{Chat: id, Lang: t.e.esc.Lang, Text: t.e.forAdvisors("StaffReviewStaged", "Review", line)})
	}
	t.sendStaff(t.tr("ReviewThanks"))
	t.nextReview([]string{cur.lang}, cur.entry)
}

// volunteerCommand handles /volunteer add <user id> <name> <languages>,
// /volunteer list and /volunteer remove <user id> for staff.
func (t *turn) volunteerCommand(args string) {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		fields = []string{"list"}
	}
	switch fields[0] {
	case "list":
		vs, err := t.e.content.Volunteers(t.ctx)
		if err != nil {
			t.fail("read volunteers", err)
			return
		}
		if len(vs) == 0 {
			t.sendStaff(t.tr("StaffNoVolunteers"))
			return
		}
		var b strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&b, "%d  %s  %s  (%s)\n", v.User, v.Name, strings.Join(v.Langs, " "), v.Added.Format(time.DateOnly))
		}
		t.sendStaff(b.String())
	case "add":
		v, ok := parseVolunteer(fields[1:])
		if !ok {
			t.sendStaff(t.tr("StaffVolunteerUsage"))
			return
		}
		v.Added, v.By = t.ev.At, t.ev.Chat
		t.change.Volunteer = &v
		t.sendStaff(t.tr("StaffVolunteerAdded", "Name", v.Name, "Languages", strings.Join(v.Langs, " ")))
	case "remove":
		id, err := strconv.ParseInt(strings.Join(fields[1:], ""), 10, 64)
		if err != nil || id == 0 {
			t.sendStaff(t.tr("StaffVolunteerUsage"))
			return
		}
		t.change.DropVolunteer = id
		t.sendStaff(t.tr("StaffVolunteerRemoved"))
	default:
		t.sendStaff(t.tr("StaffVolunteerUsage"))
	}
}

// parseVolunteer reads "<user id> <name…> <languages…>": the words that
// are translation languages are hers, the others her name.
func parseVolunteer(fields []string) (Volunteer, bool) {
	if len(fields) < 2 {
		return Volunteer{}, false
	}
	id, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil || id <= 0 || IsWebChat(id) {
		return Volunteer{}, false
	}
	v := Volunteer{User: id}
	var name []string
	for _, f := range fields[1:] {
		if l := strings.ToLower(f); l != "nb" && content.KnownLanguage(l) {
			if !slices.Contains(v.Langs, l) {
				v.Langs = append(v.Langs, l)
			}
			continue
		}
		name = append(name, f)
	}
	v.Name = strings.Join(name, " ")
	return v, v.Name != "" && len(v.Langs) > 0
}

// voiceFirstCommand handles /voicefirst <lang> on|off: answers in that
// language start with their recording, for languages many users cannot
// read. Without arguments it lists the languages that do.
func (t *turn) voiceFirstCommand(args string) {
	fields := strings.Fields(args)
	if len(fields) == 2 && content.KnownLanguage(fields[0]) && (fields[1] == "on" || fields[1] == "off") {
		t.change.VoiceFirst = &LangSwitch{Lang: fields[0], On: fields[1] == "on"}
		t.sendStaff(t.tr("StaffVoiceFirstSet", "Language", fields[0], "On", fields[1]))
		return
	}
	langs, err := t.e.content.VoiceFirst(t.ctx)
	if err != nil {
		t.fail("read voice-first", err)
		return
	}
	t.sendStaff(t.tr("StaffVoiceFirstUsage", "Languages", strings.Join(langs, " ")))
}

// staged shows staff what waits for /publish: the changes, each review,
// and the new recordings to listen to before they go live.
func (t *turn) staged() {
	v, files, found := t.stagedOrSay()
	if !found {
		return
	}
	cat, _, err := content.FromCheckedFiles(files)
	if err != nil {
		t.sendStaff(t.tr("StaffNothingStaged"))
		return
	}
	t.sendStaff(t.tr("StaffStagedList", "Summary", content.Compare(t.cat, cat).Summary(), "Reviews",
		strings.ReplaceAll(v.Summary, "; ", "\n"), "By", by(v.By), "At", v.At.Format("2006-01-02 15:04")))
	for _, id := range cat.IDs() {
		e, live := cat.Entry(id), t.cat.Entry(id)
		for _, lang := range content.Languages() {
			rec := e.Text[lang]
			if rec == nil || rec.Audio == nil || live != nil && live.Text[lang] != nil && live.Text[lang].Audio != nil && live.Text[lang].Audio.SHA256 == rec.Audio.SHA256 {
				continue
			}
			t.sendStaff(fmt.Sprintf("🎙 %s/%s", id, lang))
			t.queue(Action{Chat: t.ev.Chat, Voice: &Voice{File: rec.Audio.File, SHA256: rec.Audio.SHA256}})
		}
	}
}

// listen sends her the recording of an answer in her language.
func (t *turn) listen(id string) {
	e := t.cat.Entry(id)
	var rec *content.Audio
	if e != nil {
		rec = e.Recording(t.s.Lang)
	}
	if rec == nil {
		t.entry(id, false) // gone with a content update: the text is there
		return
	}
	t.count("listen:" + t.s.Lang)
	t.queue(Action{Chat: t.ev.Chat, Voice: &Voice{File: rec.File, SHA256: rec.SHA256}, Lang: t.s.Lang, Silent: t.s.Discreet})
}

// listenButton offers the recording of e in her language, when there is one.
func (t *turn) listenButton(e *content.Entry) []Button {
	if e.Recording(t.s.Lang) == nil {
		return nil
	}
	return []Button{{Label: t.tr("ButtonListen"), Data: btnListen + ":" + e.ID}}
}

// voiceFirst queues the recording of e before its text when staff turned
// that on for her language. Not in discreet mode: a voice note on a shared
// phone asks to be played.
func (t *turn) voiceFirst(e *content.Entry) bool {
	rec := e.Recording(t.s.Lang)
	if rec == nil || t.s.Discreet || t.e.content == nil {
		return false
	}
	langs, err := t.e.content.VoiceFirst(t.ctx)
	if err != nil {
		t.e.log.Warn("read voice-first", "err", err)
		return false
	}
	if !slices.Contains(langs, t.s.Lang) {
		return false
	}
	t.queue(Action{Chat: t.ev.Chat, Voice: &Voice{File: rec.File, SHA256: rec.SHA256}, Lang: t.s.Lang})
	return true
}

// voiceNote answers a voice message outside a conversation with a person:
// the bot cannot listen, an advisor can. The audio is never fetched.
func (t *turn) voiceNote() {
	t.count("voice:received")
	text := t.tr("VoiceNotHeard")
	var rows [][]Button
	if person := t.personButton(); person != nil {
		text += "\n\n" + t.tr("VoiceToPerson")
		rows = append(rows, person)
	}
	for _, topic := range t.cat.Topics {
		rows = append(rows, []Button{{Label: topic.ButtonIn(t.s.Lang), Data: btnTopic + ":" + topic.ID}})
	}
	t.send(text, append(rows, t.emergencyButton()))
}

// Audio returns the bytes of the recording with checksum sum, for the
// channel to upload once: from the live content, or from the staged one
// for staff listening before /publish.
func (e *Engine) Audio(ctx context.Context, sum string) ([]byte, error) {
	if data, ok := e.Catalog().AudioData(sum); ok {
		return data, nil
	}
	if e.content != nil {
		_, files, _, err := e.content.Staged(ctx)
		if err != nil {
			return nil, fmt.Errorf("audio: %w", err)
		}
		for name, data := range files {
			if strings.HasPrefix(name, content.AudioDir+"/") && content.AudioSum(data) == sum {
				return data, nil
			}
		}
	}
	return nil, fmt.Errorf("audio: no recording %s", sum)
}
