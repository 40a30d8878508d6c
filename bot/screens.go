package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// Button data prefixes. Data is "<prefix>:<argument>", at most 64 bytes:
// entry IDs are at most 41 characters.
const (
	btnLanguage     = "l"
	btnLanguageMenu = "lm"
	btnMenu         = "m"
	btnTopic        = "t"
	btnEntry        = "e"
	btnPerson       = "p"
	btnForget       = "forget"
	btnConnect      = "pc"
	btnClear        = "clear"
	btnRate         = "r"
	btnTake         = "tk"
	btnClose        = "tc"
	btnDiscreet     = "d"
	btnShare        = "sh"
)

func (t *turn) emergencyButton() []Button {
	return []Button{{Label: t.tr("ButtonEmergency"), Data: btnEntry + ":" + content.EmergencyID}}
}

// personButton offers a person, when advisors answer in this bot: without
// them the button would lead nowhere.
func (t *turn) personButton() []Button {
	if t.e.esc.Chat == 0 {
		return nil
	}
	return []Button{{Label: t.tr("ButtonPerson"), Data: btnPerson}}
}

// menuButtons is the way out offered under every message that is not a menu.
func (t *turn) menuButtons() [][]Button {
	return [][]Button{{{Label: t.tr("ButtonMenu"), Data: btnMenu}}, t.emergencyButton()}
}

// languageButtons lists the languages two by two, with the emergency
// numbers under them: the language menu is the first screen she sees.
func (t *turn) languageButtons() [][]Button {
	var rows [][]Button
	var row []Button
	for _, lang := range content.Languages() {
		row = append(row, Button{Label: locales.Name(lang), Data: btnLanguage + ":" + lang})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return append(rows, t.emergencyButton())
}

func (t *turn) languageMenu(edit bool) {
	t.s.Screen = "lang"
	t.reply(t.tr("ChooseLanguage"), t.languageButtons(), edit)
}

func (t *turn) mainMenu(edit bool) {
	t.s.Screen = "menu"
	var rows [][]Button
	for _, topic := range t.cat.Topics {
		rows = append(rows, []Button{{Label: topic.ButtonIn(t.s.Lang), Data: btnTopic + ":" + topic.ID}})
	}
	last := []Button{{Label: t.tr("ButtonLanguage"), Data: btnLanguageMenu}}
	last = append(last, t.personButton()...)
	rows = append(rows, t.emergencyButton(), last)
	t.reply(t.tr("MainMenu"), rows, edit)
}

func (t *turn) topic(id string, edit bool) {
	topic := t.cat.Topic(id)
	if topic == nil {
		t.mainMenu(edit)
		return
	}
	t.s.Screen = "topic:" + id
	var rows [][]Button
	for _, eid := range topic.Entries {
		rows = append(rows, []Button{{Label: t.title(eid), Data: btnEntry + ":" + eid}})
	}
	rows = append(rows, []Button{{Label: t.tr("ButtonBack"), Data: btnMenu}})
	if !slices.Contains(topic.Entries, content.EmergencyID) {
		rows = append(rows, t.emergencyButton())
	}
	t.reply(t.tr("TopicMenu", "Topic", topic.TitleIn(t.s.Lang)), rows, edit)
}

// title is an entry's button title in the user's language, or its ID if
// the entry disappeared with a content update.
func (t *turn) title(id string) string {
	if e := t.cat.Entry(id); e != nil {
		if txt, _ := e.Localized(t.s.Lang); txt != nil {
			return txt.ButtonTitle()
		}
	}
	return id
}

// entry shows one answer: the text in her language (or the nearest one,
// saying so), the numbers to call, a notice if staff have not checked the
// translation, and buttons to related answers, a person, back and menu.
func (t *turn) entry(id string, edit bool) {
	e := t.cat.Entry(id)
	if e == nil {
		t.mainMenu(edit)
		return
	}
	t.s.Screen = "entry:" + id
	t.count("answer:" + id)
	if t.voiceFirst(e) {
		edit = false // the text goes under the recording, not above it
	}
	t.queue(t.answer(e, "", t.answerButtons(e), edit))
}

// answer is the message that shows entry e in her language: lead (if any)
// first, then the text with the numbers to call and any notice; the
// numbers tappable; and, when she asked for discretion and e is about
// violence, all of it hidden behind a neutral first line. It reads the
// turn's catalog and language and changes nothing.
func (t *turn) answer(e *content.Entry, lead string, buttons [][]Button, edit bool) Action {
	text := t.answerText(e)
	if lead != "" {
		text = lead + "\n\n" + text
	}
	a := t.message(text, buttons, edit)
	for _, act := range e.Actions {
		if act.Phone != "" {
			a.Phones = append(a.Phones, act.Phone)
		}
	}
	if e.Sensitive && t.s.Discreet {
		a.Text = locales.Isolate(t.s.Lang, t.tr("NeutralLine")) + "\n" + a.Text
		a.Discreet = true
	}
	return a
}

func (t *turn) answerText(e *content.Entry) string {
	txt, used := e.Localized(t.s.Lang)
	var b strings.Builder
	if used != t.s.Lang {
		b.WriteString(t.tr("FallbackNotice", "Language", locales.Name(used)) + "\n\n")
	}
	b.WriteString(txt.Title + "\n\n" + t.fillCentre(txt.Body))
	if len(e.Actions) > 0 {
		b.WriteString("\n\n" + t.tr("Call"))
		for _, a := range e.Actions {
			label := a.Label
			if l := txt.Labels[a.Key()]; l != "" {
				label = l
			}
			if a.Phone != "" {
				fmt.Fprintf(&b, "\n📞 %s – %s", a.Phone, label)
			} else {
				fmt.Fprintf(&b, "\n🔗 %s – %s", a.URL, label)
			}
		}
	}
	switch {
	case used == "nb":
	case e.Stale(used):
		b.WriteString("\n\n" + t.tr("StaleNotice"))
	case e.ID == content.EmergencyID:
		// Its numbers are checked facts: a notice that the translation
		// is unchecked would only make her doubt them.
	case txt.Status == content.StatusDraft:
		b.WriteString("\n\n" + t.tr("DraftNotice"))
	}
	return b.String()
}

// maxRelated is how many related answers get a button: with the person,
// back, menu, clear and emergency buttons that is what a phone shows
// without scrolling.
const maxRelated = 5

func (t *turn) answerButtons(e *content.Entry) [][]Button {
	var rows [][]Button
	if listen := t.listenButton(e); listen != nil {
		rows = append(rows, listen)
	}
	for _, r := range e.Related {
		// The emergency numbers have their own button, last.
		if t.cat.Entry(r) != nil && r != content.EmergencyID && len(rows) < maxRelated {
			rows = append(rows, []Button{{Label: "➡️ " + t.title(r), Data: btnEntry + ":" + r}})
		}
	}
	if person := t.personButton(); person != nil {
		rows = append(rows, person)
	}
	rows = append(rows, []Button{{Label: t.tr("ButtonBack"), Data: btnTopic + ":" + e.Topic}, {Label: t.tr("ButtonMenu"), Data: btnMenu}})
	if e.Sensitive {
		rows = append(rows, []Button{{Label: t.tr("ButtonClear"), Data: btnClear}})
	}
	if e.ID != content.EmergencyID {
		rows = append(rows, t.emergencyButton())
	}
	return rows
}

// fillCentre puts the centre's details into a body. A line whose detail is
// not configured is left out rather than shown empty, and so is a line
// marked for a bot with advisors when there are none, or the other way.
func (t *turn) fillCentre(body string) string {
	c := t.cat.Centre
	values := map[string]string{
		"{centre.name}":    c.Name,
		"{centre.address}": c.Address,
		"{centre.hours}":   t.hours(),
	}
	values["{centre.phone}"] = c.Phone
	lines := strings.Split(body, "\n")
	out := lines[:0]
	for _, line := range lines {
		// Say only what is true of this bot: whether advisors answer in it.
		keep := true
		if rest, ok := strings.CutPrefix(line, "{advisors}"); ok {
			line, keep = strings.TrimLeft(rest, " "), t.e.esc.Chat != 0
		} else if rest, ok := strings.CutPrefix(line, "{no-advisors}"); ok {
			line, keep = strings.TrimLeft(rest, " "), t.e.esc.Chat == 0
		}
		for k, v := range values {
			if strings.Contains(line, k) {
				keep = keep && v != ""
				line = strings.ReplaceAll(line, k, v)
			}
		}
		// A paragraph left empty goes with its blank line.
		if keep && (line != "" || len(out) == 0 || out[len(out)-1] != "") {
			out = append(out, line)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// hours formats the centre's opening hours with day names in her language.
func (t *turn) hours() string { return t.cat.Centre.HoursText(strings.Split(t.tr("Weekdays"), ",")) }
