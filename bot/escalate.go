package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// person answers a request for a human: who will read her messages, that
// she decides what to share, and when advisors are there; she confirms
// before anything reaches the group.
func (t *turn) person() {
	t.count("person:asked")
	switch {
	case t.e.esc.Chat == 0:
		t.send(t.tr("PersonUnavailable", "Hours", t.hours()), t.menuButtons())
	case t.s.Ticket != 0 && t.ticketActive():
		t.send(t.tr("AlreadyConnected"), nil)
	default:
		text := t.tr("PersonIntro") + "\n\n" + t.availability()
		t.send(text, [][]Button{
			{{Label: t.tr("ButtonConnect"), Data: btnConnect}},
			{{Label: t.tr("ButtonCancel"), Data: btnMenu}},
			t.emergencyButton(),
		})
	}
}

// availability says whether advisors are there now, or when they will be.
func (t *turn) availability() string {
	c := t.cat.Centre
	now := t.ev.At
	if c.OpenAt(now) {
		return t.tr("AvailableNow", "Hours", t.hours())
	}
	return t.tr("AvailableLater", "When", t.when(c.NextOpening(now)), "Hours", t.hours())
}

// when formats a moment in the centre's week: "Mon 10:00" in her language.
func (t *turn) when(at time.Time) string {
	if at.IsZero() {
		return t.hours()
	}
	days := strings.Split(t.tr("Weekdays"), ",")
	if len(days) != 7 {
		days = strings.Split("Sun,Mon,Tue,Wed,Thu,Fri,Sat", ",")
	}
	if loc := t.cat.Centre.Location; loc != nil {
		at = at.In(loc)
	}
	return fmt.Sprintf("%s %02d:%02d", days[at.Weekday()], at.Hour(), at.Minute())
}

// ticketActive reports whether her ticket is still waiting or open; a
// ticket the advisor closed is let go here.
func (t *turn) ticketActive() bool {
	tk, found, err := t.e.store.Ticket(t.ctx, t.s.Ticket)
	if err != nil {
		t.fail("read ticket", err)
		return true
	}
	if !found || tk.State == TicketClosed {
		t.s.Ticket = 0
		return false
	}
	return true
}

// connect opens a ticket: a topic in the advisors' group with a summary,
// mentioning the advisors who speak her language.
func (t *turn) connect() {
	if t.e.esc.Chat == 0 {
		t.person()
		return
	}
	if t.s.Ticket != 0 && t.ticketActive() {
		t.send(t.tr("AlreadyConnected"), nil)
		return
	}
	t.s.Opened = slices.DeleteFunc(t.s.Opened, func(at time.Time) bool { return t.ev.At.Sub(at) >= time.Hour })
	if len(t.s.Opened) >= maxTicketsPerHour {
		// Alternating /end and connect would otherwise open a topic in
		// the advisors' group each time.
		t.count("ticket:capped")
		t.send(t.tr("TicketLimit"), [][]Button{t.emergencyButton()})
		return
	}
	n, err := t.e.store.NextTicketNumber(t.ctx)
	if err != nil {
		t.fail("ticket number", err)
		return
	}
	waiting, err := t.e.store.Tickets(t.ctx, TicketWaiting)
	if err != nil {
		t.fail("read tickets", err)
		return
	}
	topic := t.screenTopic()
	tk := Ticket{Number: n, Chat: t.ev.Chat, Lang: t.s.Lang, Topic: topic, State: TicketWaiting, Created: t.ev.At, Asked: t.s.Asked}
	t.s.Ticket = n
	t.s.Opened = append(t.s.Opened, t.ev.At)
	t.change.Tickets = append(t.change.Tickets, tk)
	t.count("ticket:new")
	t.count("ticket:lang:" + tk.Lang)

	post := Action{Chat: t.e.esc.Chat, Ticket: n, Lang: t.e.esc.Lang,
		Text:     t.e.forAdvisors("TicketSummary", "Number", n, "Lang", tk.Lang, "LangName", locales.Name(tk.Lang), "Topic", topic, "Question", orDash(t.s.Asked)),
		Buttons:  t.ticketButtons(n),
		Mentions: t.advisorsFor(tk.Lang),
	}
	// The topic to open, if the group has topics: the channel knows.
	post.NewTopic = fmt.Sprintf("#%d · %s · %s", n, tk.Lang, topic)
	if IsWebChat(t.ev.Chat) {
		post.Text += "\n" + t.e.forAdvisors("TicketFromWeb")
		post.NewTopic += " · web"
	}
	t.change.Actions = append(t.change.Actions, post)
	t.s.Asked = ""

	text := t.tr("Connected", "Place", len(waiting)+1)
	if c := t.cat.Centre; !c.OpenAt(t.ev.At) {
		text += "\n\n" + t.tr("ConnectedLater", "When", t.when(c.NextOpening(t.ev.At)))
	}
	t.send(text, [][]Button{t.emergencyButton()})
	t.change.Actions[len(t.change.Actions)-1].AfterPrevious = true // the summary
}

// maxTicketsPerHour is how many conversations with an advisor one chat may
// open in an hour.
const maxTicketsPerHour = 3

// screenTopic is the menu topic she was in, for the advisors' summary.
func (t *turn) screenTopic() string {
	kind, id, _ := strings.Cut(t.s.Screen, ":")
	switch kind {
	case "topic":
		return id
	case "entry":
		if e := t.cat.Entry(id); e != nil {
			return e.Topic
		}
	}
	return "menu"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func (t *turn) ticketButtons(n int64) [][]Button {
	id := strconv.FormatInt(n, 10)
	return [][]Button{{{Label: t.e.forAdvisors("ButtonTake"), Data: btnTake + ":" + id}, {Label: t.e.forAdvisors("ButtonClose"), Data: btnClose + ":" + id}}}
}

// advisorsFor returns the advisors who registered lang.
func (t *turn) advisorsFor(lang string) []Mention {
	advisors, err := t.e.store.Advisors(t.ctx)
	if err != nil {
		t.fail("read advisors", err)
	}
	var out []Mention
	for _, a := range advisors {
		if slices.Contains(a.Langs, lang) {
			out = append(out, Mention{User: a.User, Name: a.Name})
		}
	}
	return out
}

// relay copies what she sends into her ticket's topic. A message that
// sounds like danger now also gets her the emergency numbers at once,
// without waiting for an advisor.
func (t *turn) relay() {
	if !t.ticketActive() {
		t.dispatch()
		return
	}
	if t.ev.Revealing && t.ev.MessageID != 0 {
		// Copied as it is, a file carries its name (and a photo sent as
		// a file where it was taken), a location where she is: she says
		// yes first.
		id := strconv.Itoa(t.ev.MessageID)
		t.send(t.tr("ConfirmShare"), [][]Button{
			{{Label: t.tr("ButtonShare"), Data: btnShare + ":" + id}, {Label: t.tr("ButtonDontShare"), Data: btnShare + ":-"}},
		})
		return
	}
	a := Action{Chat: t.e.esc.Chat, Ticket: t.s.Ticket, Lang: t.e.esc.Lang}
	if t.flooding {
		// The exemption is for her answer, not for the group: her texts
		// go as one message per turn of the group's rate.
		a.Text, a.Join = "💬 "+t.ev.Text, true
	} else if t.ev.MessageID != 0 && !IsWebChat(t.ev.Chat) {
		a.CopyFrom, a.CopyMessage = t.ev.Chat, t.ev.MessageID
	} else {
		// A channel Telegram cannot copy from (the web chat, the
		// terminal): post the text itself.
		a.Text = "💬 " + orDash(t.ev.Text)
	}
	t.change.Actions = append(t.change.Actions, a)
	t.count("ticket:message")
	if t.ev.Kind == EventText && t.cat.Search(t.ev.Text, t.s.Lang).Emergency {
		t.count("question:emergency")
		if e := t.cat.Entry(content.EmergencyID); e != nil {
			t.queue(t.answer(e, t.tr("EmergencyFirst"), nil, false))
		}
	}
}

// share copies a file, contact or location she confirmed into her
// ticket's topic; "-" is her no. Only messages of her own chat can be
// copied: the copy is always from the chat that pressed.
func (t *turn) share(arg string) {
	id, err := strconv.Atoi(arg)
	if err != nil || id <= 0 || t.s.Ticket == 0 || !t.ticketActive() {
		t.reply(t.tr("NotShared"), nil, true)
		return
	}
	t.change.Actions = append(t.change.Actions, Action{Chat: t.e.esc.Chat, Ticket: t.s.Ticket, Lang: t.e.esc.Lang, CopyFrom: t.ev.Chat, CopyMessage: id})
	t.count("ticket:message")
	t.reply(t.tr("Shared"), nil, true)
}

// end lets her finish the conversation herself.
func (t *turn) end() {
	if t.s.Ticket == 0 || !t.ticketActive() {
		t.send(t.tr("NoTicket"), t.menuButtons())
		return
	}
	tk, _, err := t.e.store.Ticket(t.ctx, t.s.Ticket)
	if err != nil {
		t.fail("read ticket", err)
		return
	}
	t.change.TicketOps = append(t.change.TicketOps, closeTicket(tk.Number, t.ev.At))
	t.change.Actions = append(t.change.Actions, Action{Chat: t.e.esc.Chat, Ticket: tk.Number, Thread: tk.Thread, Lang: t.e.esc.Lang, Text: t.e.forAdvisors("TicketEndedByHer")})
	t.s.Ticket = 0
	t.count("ticket:closed")
	t.send(t.tr("TicketEnded")+"\n\n"+t.tr("RateAsk"), rateButtons(tk.Number))
}

// closeTicket closes a ticket that is not closed yet.
func closeTicket(n int64, at time.Time) TicketOp {
	return TicketOp{Number: n, Apply: func(t *Ticket) bool {
		if t.State == TicketClosed {
			return false
		}
		t.State, t.Closed = TicketClosed, at
		return true
	}}
}

// rateButtons ask for a 1–5 rating of ticket n.
func rateButtons(n int64) [][]Button {
	var row []Button
	for score := 1; score <= 5; score++ {
		row = append(row, Button{Label: strconv.Itoa(score), Data: fmt.Sprintf("%s:%d:%d", btnRate, n, score)})
	}
	return [][]Button{row}
}

// rate records her rating ("<ticket>:<1-5>") and whether her question was
// answered ("<ticket>:y" or ":n"), and tells the advisors.
func (t *turn) rate(arg string) {
	num, val, _ := strings.Cut(arg, ":")
	n, err := strconv.ParseInt(num, 10, 64)
	tk, found, rerr := t.e.store.Ticket(t.ctx, n)
	if rerr != nil {
		t.fail("read ticket", rerr)
		return
	}
	if err != nil || !found || tk.Chat != t.ev.Chat {
		t.mainMenu(false)
		return
	}
	post := Action{Chat: t.e.esc.Chat, Ticket: n, Thread: tk.Thread, Lang: t.e.esc.Lang}
	switch val {
	case "y", "n":
		t.count("ticket:answered:" + val)
		post.Text = t.e.forAdvisors("TicketAnswered", "Answered", t.e.forAdvisors(map[string]string{"y": "ButtonYes", "n": "ButtonNo"}[val]))
		t.change.Actions = append(t.change.Actions, post)
		t.reply(t.tr("Thanks"), t.menuButtons(), true)
	case "1", "2", "3", "4", "5":
		t.count("ticket:rating:" + val)
		post.Text = t.e.forAdvisors("TicketRated", "Rating", val)
		t.change.Actions = append(t.change.Actions, post)
		t.reply(t.tr("AnsweredAsk"), [][]Button{{
			{Label: t.tr("ButtonYes"), Data: fmt.Sprintf("%s:%d:y", btnRate, n)},
			{Label: t.tr("ButtonNo"), Data: fmt.Sprintf("%s:%d:n", btnRate, n)},
		}}, true)
	default:
		t.mainMenu(false)
	}
}

// pairs turns name, value arguments into template data.
func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	return data
}
