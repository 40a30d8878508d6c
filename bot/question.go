package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// maxQuestion bounds the text that is searched and kept for staff.
const maxQuestion = 1000

// question answers free text: danger first, then the best answer when one
// clearly wins, a short choice when several fit, or an honest "I don't know
// yet" that keeps the question (without identity) for staff.
func (t *turn) question(text string) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > maxQuestion {
		text = string([]rune(text)[:maxQuestion])
	}
	if want := locales.Requested(text); want != "" {
		// "English please": she asks for a language, not about one.
		t.setLanguage(want)
		return
	}
	lang := ""
	if t.s.LangChosen {
		lang = t.s.Lang
	}
	ans := t.cat.Search(text, lang)
	// She chose a language but writes clearly in another: answer in the
	// one she writes, and say so, so she can go back. (Wrote is "" when
	// that is not clear, and "" is no known language.)
	if wrote := ans.Wrote; t.s.LangChosen && wrote != lang && content.KnownLanguage(wrote) {
		ans.Lang = wrote
		t.s.Lang = wrote
		t.count("lang:switched")
		t.send(t.tr("LanguageSwitched", "Language", locales.Name(wrote)), nil)
	}
	if !t.s.LangChosen && ans.Lang != "" && ans.Lang != t.s.Lang {
		t.s.Lang = ans.Lang
	}
	t.count("question:" + t.s.Lang)
	switch {
	case ans.Emergency:
		t.count("question:emergency")
		t.s.Misses = 0
		e := t.cat.Entry(content.EmergencyID)
		if e == nil {
			t.send(t.tr("EmergencyFirst"), t.menuButtons())
			return
		}
		t.s.Screen = "entry:" + content.EmergencyID
		t.count("answer:" + content.EmergencyID)
		t.queue(t.answer(e, t.tr("EmergencyFirst"), t.withChoices(ans.Results[1:], t.answerButtons(e)), false))
	case ans.Human:
		t.person()
	case ans.SmallTalk != "":
		t.s.Misses = 0
		t.count("question:smalltalk")
		if !t.isNew { // a new user has just been greeted
			t.send(t.tr(smallTalkReply(ans.SmallTalk)), t.menuButtons())
		}
	case len(ans.Results) == 0:
		t.s.Misses++
		t.s.Asked = text
		t.count("question:unanswered")
		t.count("question:unanswered:" + t.s.Lang)
		// Kept for staff without who asked: nor her phone, case number or e-mail.
		t.change.Question = &Question{Lang: t.s.Lang, Text: content.Scrub(text), At: t.ev.At}
		var rows [][]Button
		if person := t.personButton(); person != nil {
			rows = append(rows, person)
		}
		msg := t.tr("NotFound")
		if t.s.Misses >= 2 && t.e.esc.Chat != 0 {
			// Two misses in a row: the bot is not helping; offer a person first.
			msg += "\n\n" + t.tr("OfferPerson")
		}
		t.send(msg, append(rows, t.menuButtons()...))
	case ans.Sure:
		t.s.Misses = 0
		t.entry(ans.Results[0].ID, false)
	default:
		t.s.Misses = 0
		t.count("question:ambiguous")
		t.send(t.tr("DidYouMean"), append(t.withChoices(ans.Results[:min(3, len(ans.Results))], nil), t.menuButtons()...))
	}
}

// smallTalkReply is the message that answers each kind of small talk: a
// greeting, thanks or "ok" is not a question to keep for staff.
func smallTalkReply(kind string) string {
	switch kind {
	case "hello":
		return "SmallTalkHello"
	case "thanks":
		return "SmallTalkThanks"
	}
	return "SmallTalkOk"
}

// withChoices puts buttons for up to three results above the given rows,
// leaving out results the rows already offer.
func (t *turn) withChoices(rs []content.Result, rows [][]Button) [][]Button {
	offered := map[string]bool{}
	for _, row := range rows {
		for _, b := range row {
			offered[b.Data] = true
		}
	}
	var out [][]Button
	for _, r := range rs {
		data := btnEntry + ":" + r.ID
		if len(out) == 3 || offered[data] {
			continue
		}
		out = append(out, []Button{{Label: "➡️ " + t.title(r.ID), Data: data}})
	}
	return append(out, rows...)
}
