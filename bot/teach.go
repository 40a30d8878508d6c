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
	"github.com/veiviser/veiviser/content/match"
)

// Button data for teaching: "te:<question>:<entry>" makes a group of
// unanswered questions examples of an entry; "tf:<question>" asks staff
// to name the entry. A question ID is at most 20 digits and an entry ID
// at most 41 characters, so the data stays within Telegram's 64 bytes.
const (
	btnTeach     = "te"
	btnTeachFind = "tf"
	screenTeach  = "teach:"
)

// maxGroups is how many groups of unanswered questions /unanswered shows,
// each as a message of its own with the entries to teach it.
const maxGroups = 10

// questionGroup is unanswered questions that share most of their words.
type questionGroup struct {
	first   Question // the most recent, shown for the group
	members []Question
}

// groupQuestions groups questions in lang ("" for all) by the words they
// share, most frequent first. Questions in different languages are never
// one group: they become examples of their own language.
func groupQuestions(qs []Question, lang string) []*questionGroup {
	type group struct {
		*questionGroup
		words []string
	}
	var groups []group
	for i := len(qs) - 1; i >= 0; i-- {
		q := qs[i]
		if lang != "" && q.Lang != lang {
			continue
		}
		ws := match.Words(q.Text)
		i := slices.IndexFunc(groups, func(g group) bool { return g.first.Lang == q.Lang && similar(g.words, ws) })
		if i < 0 {
			groups = append(groups, group{&questionGroup{first: q, members: []Question{q}}, ws})
			continue
		}
		groups[i].members = append(groups[i].members, q)
	}
	out := make([]*questionGroup, len(groups))
	for i, g := range groups {
		out[i] = g.questionGroup
	}
	slices.SortStableFunc(out, func(a, b *questionGroup) int { return len(b.members) - len(a.members) })
	return out
}

// similar reports whether two questions share most of their words
// (Jaccard index of at least 0.4).
func similar(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	shared := 0
	for _, w := range a {
		if slices.Contains(b, w) {
			shared++
		}
	}
	return float64(shared)/float64(len(a)+len(b)-shared) >= 0.4
}

// unanswered shows what people asked that the bot could not answer,
// grouped, most frequent first; each group comes with the three entries
// that fit it best and a way to name another, so one press teaches the
// bot (the questions become examples, live with the next /publish).
func (t *turn) unanswered(lang string) {
	qs, err := t.e.content.Questions(t.ctx)
	if err != nil {
		t.sendStaff(t.tr("Error"))
		return
	}
	groups := groupQuestions(qs, strings.TrimSpace(lang))
	if len(groups) == 0 {
		t.sendStaff(t.tr("StaffNoUnanswered"))
		return
	}
	t.sendStaff(t.tr("StaffUnansweredHeading"))
	matcher := t.cat.Matcher()
	for _, g := range groups[:min(maxGroups, len(groups))] {
		id := strconv.FormatUint(g.first.ID, 10)
		var rows [][]Button
		for _, r := range matcher.Likeliest(g.first.Text, 3) {
			rows = append(rows, []Button{{Label: "➕ " + t.title(r.ID), Data: btnTeach + ":" + id + ":" + r.ID}})
		}
		rows = append(rows, []Button{{Label: t.tr("StaffTeachOther"), Data: btnTeachFind + ":" + id}})
		t.send(fmt.Sprintf("%d× [%s] %s", len(g.members), g.first.Lang, g.first.Text), rows)
	}
}

// teachButton handles the staff's teaching buttons.
func (t *turn) teachButton(kind, arg string) {
	qid, entry, _ := strings.Cut(arg, ":")
	id, err := strconv.ParseUint(qid, 10, 64)
	if err != nil || t.e.content == nil {
		t.mainMenu(false)
		return
	}
	if kind == btnTeachFind {
		t.s.Screen = screenTeach + qid
		t.sendStaff(t.tr("StaffTeachFind"))
		return
	}
	t.teach(id, entry)
}

// teachSearch answers what staff typed after "another entry": the entries
// whose ID or title has those words, as buttons.
func (t *turn) teachSearch(qid, query string) {
	ids := t.cat.EntryIDs(query)
	if t.cat.Entry(strings.TrimSpace(query)) != nil {
		ids = []string{strings.TrimSpace(query)}
	}
	if len(ids) == 0 {
		t.sendStaff(t.tr("StaffNoEntry", "ID", query))
		return
	}
	var rows [][]Button
	for _, id := range ids[:min(8, len(ids))] {
		rows = append(rows, []Button{{Label: "➕ " + t.title(id), Data: btnTeach + ":" + qid + ":" + id}})
	}
	t.s.Screen = "menu"
	t.send(t.tr("StaffTeachChoose"), rows)
}

// teach makes the group of question id examples of entry and stages them.
func (t *turn) teach(id uint64, entry string) {
	if t.cat.Entry(entry) == nil {
		t.sendStaff(t.tr("StaffNoEntry", "ID", entry))
		return
	}
	qs, err := t.e.content.Questions(t.ctx)
	if err != nil {
		t.sendStaff(t.tr("Error"))
		return
	}
	var group *questionGroup
	for _, g := range groupQuestions(qs, "") {
		if slices.ContainsFunc(g.members, func(q Question) bool { return q.ID == id }) {
			group = g
		}
	}
	if group == nil {
		t.sendStaff(t.tr("StaffTeachGone"))
		return
	}
	texts := make([]string, len(group.members))
	for i, q := range group.members {
		texts[i] = q.Text
		t.change.Taught = append(t.change.Taught, q.ID)
	}
	summary := fmt.Sprintf("+%d examples of %s (%s)", len(texts), entry, group.first.Lang)
	if msg, ok := t.e.stageExamples(t.ctx, t.ev.Chat, t.ev.At, t.s.Lang, group.first.Lang, entry, texts, summary); !ok {
		t.change.Taught = nil
		t.sendStaff(msg)
		return
	}
	t.count("taught")
	t.sendStaff(t.tr("StaffTaught", "N", len(texts), "Title", t.title(entry)))
}

// stageExamples adds texts as examples of entry in lang to the content
// waiting for /publish (or to the live content when nothing waits) and
// checks the result; false with the reason, in uiLang, when it cannot.
func (e *Engine) stageExamples(ctx context.Context, by int64, at time.Time, uiLang, lang, entry string, texts []string, summary string) (string, bool) {
	msg, err := e.stageEdit(ctx, by, at, uiLang, summary, func(files map[string][]byte) (map[string][]byte, error) {
		files, _, err := content.AddExamples(files, lang, entry, texts)
		return files, err
	})
	return msg, err == nil
}

// errInvalid means an edit would make the content invalid; the message
// lists the problems, file:line.
var errInvalid = errors.New("the edited content has errors")

// stageEdit makes an edit on top of the content waiting for /publish (or
// the live content when nothing waits), checks the whole result as any
// upload, and stages it with summary added to the staged version's. On
// failure it returns the error and what to tell the one who edited, in
// uiLang: the file:line problems, or that something went wrong.
func (e *Engine) stageEdit(ctx context.Context, by int64, at time.Time, uiLang, summary string, edit func(map[string][]byte) (map[string][]byte, error)) (string, error) {
	e.staging.Lock()
	defer e.staging.Unlock()
	v, files, found, err := e.content.Staged(ctx)
	if err != nil {
		return e.translate(uiLang, "Error"), err
	}
	if !found {
		files = e.Catalog().Files()
		v = Version{}
	}
	files, err = edit(files)
	if err != nil {
		e.log.Error("edit content", "err", err)
		return e.translate(uiLang, "Error"), err
	}
	if _, report, err := content.FromFiles(files); err != nil {
		return e.translate(uiLang, "StaffProblems", "N", len(report.Errors())) + "\n" + problems(report.Errors()), fmt.Errorf("%w: %w", errInvalid, err)
	}
	if v.Summary != "" {
		summary = v.Summary + "; " + summary
	}
	if err := e.content.Stage(ctx, Version{By: by, At: at, Summary: summary}, files); err != nil {
		e.log.Error("stage edit", "err", err)
		return e.translate(uiLang, "Error"), err
	}
	return "", nil
}
