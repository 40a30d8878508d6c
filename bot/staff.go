package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/veiviser/veiviser/content"
)

// ContentStore keeps published content versions, the upload staged for
// publishing, unanswered questions and subscribers. bot/store implements it.
type ContentStore interface {
	Stage(ctx context.Context, v Version, files map[string][]byte) error
	Staged(ctx context.Context) (Version, map[string][]byte, bool, error)
	Publish(ctx context.Context, v Version, files map[string][]byte) (int, error)
	Versions(ctx context.Context) ([]Version, error)
	Version(ctx context.Context, n int) (Version, map[string][]byte, bool, error)
	Questions(ctx context.Context) ([]Question, error)
	Subscribers(ctx context.Context, lang string) ([]int64, error)

	Volunteer(ctx context.Context, user int64) (Volunteer, bool, error)
	Volunteers(ctx context.Context) ([]Volunteer, error)
	VoiceFirst(ctx context.Context) ([]string, error)
}

// maxProblems is how many file:line problems one reply lists.
const maxProblems = 40

// staffCommand handles the staff's commands; false means it is not one.
func (t *turn) staffCommand(name, args string) bool {
	if !t.e.staff[t.ev.Chat] {
		return false
	}
	if name == "stats" {
		t.staffStats()
		return true
	}
	if t.e.content == nil {
		return false
	}
	switch name {
	case "publish":
		t.publish()
	case "preview":
		t.preview(args)
	case "versions":
		t.versions()
	case "rollback":
		t.rollback(args)
	case "reload":
		t.sendStaff(t.e.reload(t.ctx, t.ev.Chat, &t.change))
	case "unanswered":
		t.unanswered(args)
	case "broadcast":
		t.broadcast(args)
	case "staged":
		t.staged()
	case "volunteer":
		t.volunteerCommand(args)
	case "voicefirst":
		t.voiceFirstCommand(args)
	default:
		return false
	}
	return true
}

func (t *turn) sendStaff(text string) { t.send(text, nil) }

// upload validates a content file sent by staff and stages it.
func (t *turn) upload() {
	cur := t.e.Catalog()
	staged, report, err := content.Stage(cur, t.ev.FileName, t.ev.File)
	if err != nil && len(report.Errors()) == 0 {
		t.sendStaff(t.tr("StaffUploadRefused", "Reason", err.Error()))
		return
	}
	if err != nil {
		t.sendStaff(t.tr("StaffProblems", "N", len(report.Errors())) + "\n" + problems(report.Errors()))
		return
	}
	diff := content.Compare(cur, staged)
	v := Version{By: t.ev.Chat, At: t.ev.At, Summary: diff.Summary()}
	if err := t.e.content.Stage(t.ctx, v, staged.Files()); err != nil {
		t.fail("stage content", err)
		return
	}
	text := t.tr("StaffStaged", "Summary", v.Summary)
	if w := report.Warnings(); len(w) > 0 {
		text += "\n" + t.tr("StaffWarnings", "N", len(w)) + "\n" + problems(w)
	}
	t.sendStaff(text)
}

func problems(r content.Report) string {
	lines := make([]string, 0, min(len(r), maxProblems))
	for _, p := range r[:min(len(r), maxProblems)] {
		lines = append(lines, p.String())
	}
	if len(r) > maxProblems {
		lines = append(lines, fmt.Sprintf("… +%d", len(r)-maxProblems))
	}
	return strings.Join(lines, "\n")
}

// publish makes the staged content live for everyone at once.
func (t *turn) publish() {
	t.e.staging.Lock() // a review staged meanwhile would be lost with the staged content
	defer t.e.staging.Unlock()
	if v, files, found := t.stagedOrSay(); found {
		t.sendStaff(t.e.makeLive(t.ctx, v, files))
	}
}

// stagedOrSay reads the content waiting for /publish; when there is none
// it tells staff so and found is false.
func (t *turn) stagedOrSay() (v Version, files map[string][]byte, found bool) {
	v, files, found, err := t.e.content.Staged(t.ctx)
	switch {
	case err != nil:
		t.fail("read staged content", err)
		return v, nil, false
	case !found:
		t.sendStaff(t.tr("StaffNothingStaged"))
	}
	return v, files, found
}

// makeLive loads files, swaps them in and records the version.
func (e *Engine) makeLive(ctx context.Context, v Version, files map[string][]byte) string {
	cat, report, err := content.FromCheckedFiles(files)
	if err != nil {
		return e.forAdvisors("StaffProblems", "N", len(report.Errors())) + "\n" + problems(report.Errors())
	}
	if e.writeBack != nil {
		if err := e.writeBack(files); err != nil {
			e.log.Error("write content directory", "err", err)
			return e.forAdvisors("Error")
		}
	}
	n, err := e.content.Publish(ctx, v, files)
	if err != nil {
		e.log.Error("publish content", "err", err)
		return err.Error()
	}
	e.SetCatalog(cat)
	e.log.Info("content published", "version", n, "entries", len(cat.Entries))
	return e.forAdvisors("StaffPublished", "Number", n, "Summary", v.Summary)
}

// preview shows an entry exactly as a user will see it, from the staged
// content if there is any.
func (t *turn) preview(args string) {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		t.sendStaff(t.tr("StaffPreviewUsage"))
		return
	}
	cat := t.cat
	_, files, found, err := t.e.content.Staged(t.ctx)
	if err != nil {
		t.fail("read staged content", err)
		return
	}
	if found {
		if staged, _, err := content.FromCheckedFiles(files); err == nil {
			cat = staged
		}
	}
	e := cat.Entry(fields[0])
	if e == nil {
		t.sendStaff(t.tr("StaffNoEntry", "ID", fields[0]))
		return
	}
	// Rendered as she would see it: on a copy of the turn with the staged
	// catalog and her language, so nothing of this turn changes.
	view := *t
	view.cat = cat
	if len(fields) > 1 && content.KnownLanguage(fields[1]) {
		view.s.Lang = fields[1]
	}
	view.s.Discreet = false
	t.queue(view.answer(e, "", view.answerButtons(e), false))
}

func (t *turn) versions() {
	vs, err := t.e.content.Versions(t.ctx)
	if err != nil || len(vs) == 0 {
		t.sendStaff(t.tr("StaffNoVersions"))
		return
	}
	var b strings.Builder
	for _, v := range vs[max(0, len(vs)-15):] {
		fmt.Fprintf(&b, "#%d  %s  %s  %s\n", v.Number, v.At.Format("2006-01-02 15:04"), by(v.By), v.Summary)
	}
	t.sendStaff(b.String())
}

func by(id int64) string {
	if id == 0 {
		return "(dir)"
	}
	return "staff " + strconv.FormatInt(id, 10)
}

func (t *turn) rollback(args string) {
	n, err := strconv.Atoi(strings.TrimSpace(args))
	if err != nil {
		t.sendStaff(t.tr("StaffRollbackUsage"))
		return
	}
	_, files, found, err := t.e.content.Version(t.ctx, n)
	if err != nil {
		t.fail("read version", err)
		return
	}
	if !found {
		t.sendStaff(t.tr("StaffNoVersion", "Number", n))
		return
	}
	t.sendStaff(t.e.makeLive(t.ctx, Version{By: t.ev.Chat, At: t.ev.At, Summary: fmt.Sprintf("rollback to #%d", n)}, files))
}

// Reload reads the content directory again (on SIGHUP or /reload). A bad
// edit is refused with its file:line problems and the running content
// stays; the staff are told either way.
func (e *Engine) Reload(ctx context.Context) error {
	var c Change
	text := e.reload(ctx, 0, &c)
	for id := range e.staff {
		c.Actions = append(c.Actions, Action{Chat: id, Text: text})
	}
	return e.commit(ctx, c)
}

func (e *Engine) reload(ctx context.Context, staff int64, _ *Change) string {
	if e.reloadSource == nil {
		return e.forAdvisors("StaffNoDirectory")
	}
	cat, report, err := e.reloadSource()
	if err != nil {
		e.log.Warn("content reload refused", "errors", len(report.Errors()))
		return e.forAdvisors("StaffProblems", "N", len(report.Errors())) + "\n" + problems(report.Errors())
	}
	diff := content.Compare(e.Catalog(), cat)
	return e.makeLive(ctx, Version{By: staff, At: e.now(), Summary: diff.Summary()}, cat.Files())
}

// broadcast sends an announcement to the users who opted in, in one
// language ("/broadcast so …") or all ("/broadcast all …"); the outbox
// paces it within Telegram's limits.
func (t *turn) broadcast(args string) {
	lang, text, _ := strings.Cut(strings.TrimSpace(args), " ")
	text = strings.TrimSpace(text)
	if text == "" || lang != "all" && !content.KnownLanguage(lang) {
		t.sendStaff(t.tr("StaffBroadcastUsage"))
		return
	}
	if lang == "all" {
		lang = ""
	}
	chats, err := t.e.content.Subscribers(t.ctx, lang)
	if err != nil {
		t.fail("read subscribers", err)
		return
	}
	for _, chat := range chats {
		// Silent for everyone: an announcement must not light up a
		// phone someone else is holding.
		t.change.Actions = append(t.change.Actions, Action{Chat: chat, Text: text, Lang: lang, Silent: true})
	}
	t.count("broadcast")
	t.sendStaff(t.tr("StaffBroadcastQueued", "N", len(chats)))
}

// subscribe turns announcements on or off for her.
func (t *turn) subscribe(on bool) {
	t.change.Subscription = &Subscription{Chat: t.ev.Chat, Lang: t.s.Lang, On: on}
	t.send(t.tr(map[bool]string{true: "Subscribed", false: "Unsubscribed"}[on]), t.menuButtons())
}
