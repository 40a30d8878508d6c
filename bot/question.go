package bot

import (
	"strings"
	"unicode/utf8"

	"github.com/veiviser/veiviser/content"
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
	lang := ""
	if t.s.LangChosen {
		lang = t.s.Lang
	}
	ans := t.cat.Search(text, lang)
	if !t.s.LangChosen && ans.Lang != "" && ans.Lang != t.s.Lang {
		t.s.Lang = ans.Lang
	}
	t.count("question:" + t.s.Lang)
	switch {
	case ans.Emergency:
		t.count("question:emergency")
		t.s.Misses = 0
		e := t.cat.Entry(emergencyID)
		if e == nil {
			t.send(t.tr("EmergencyFirst"), t.menuButtons())
			return
		}
		t.s.Screen = "entry:" + emergencyID
		t.count("answer:" + emergencyID)
		t.send(t.tr("EmergencyFirst")+"\n\n"+t.answerText(e), t.withChoices(ans.Results[1:], t.answerButtons(e)))
		t.addPhones(e)
		t.discreet(e)
	case ans.Human:
		t.person()
	case len(ans.Results) == 0:
		t.s.Misses++
		t.s.Asked = text
		t.count("question:unanswered")
		t.count("question:unanswered:" + t.s.Lang)
		t.change.Question = &Question{Lang: t.s.Lang, Text: text, At: t.ev.At}
		rows := [][]Button{{{Label: t.tr("ButtonPerson"), Data: btnPerson}}}
		msg := t.tr("NotFound")
		if t.s.Misses >= 2 && t.e.esc.Chat != 0 {
			// Two misses in a row: the bot is not helping; offer a person first.
			msg += "\n\n" + t.tr("OfferPerson")
		}
		t.send(msg, append(rows, t.menuButtons()...))
	case clearWinner(ans.Results):
		t.s.Misses = 0
		t.entry(ans.Results[0].ID, false)
	default:
		t.s.Misses = 0
		t.count("question:ambiguous")
		t.send(t.tr("DidYouMean"), append(t.withChoices(ans.Results[:min(3, len(ans.Results))], nil), t.menuButtons()...))
	}
}

// clearWinner reports whether the best result is far enough ahead of the
// next to answer straight away instead of asking.
func clearWinner(rs []content.Result) bool {
	return len(rs) == 1 || rs[0].Score >= 1.6*rs[1].Score
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
