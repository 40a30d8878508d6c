package match

import "fmt"

// Why tells which rule flagged a message as danger now: for the
// evaluation's reports.
func (m *Matcher) Why(question string) string {
	ws := words(question)
	if len(ws) == 0 {
		return ""
	}
	_, phrase, _ := m.lex.lexical(ws, nil)
	var n near
	m.cls.look(ws, true, &n)
	settled := m.settled(&n)
	calm := (len(ws) > shortMessage || unsegmented(ws[0])) && m.calmShape(&n) || settled
	acute, p := m.danger.acute(ws, calm)
	if len(ws) > window && len(m.danger.w) > 0 && p < m.set.PhraseLong {
		phrase = false
	}
	var why string
	if phrase && !m.set.NoPhrases && !calm {
		why += "phrase "
	}
	if m.cry(ws) && !settled {
		why += "cry "
	}
	if acute {
		why += fmt.Sprintf("detector(%.2f) ", p)
	}
	if m.nearAcute(&n) && !settled {
		why += fmt.Sprintf("near(%.2f>%.2f) ", n.acute, n.calm)
	}
	return why
}
