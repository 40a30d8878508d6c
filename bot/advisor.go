package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// handleAdvisor handles what happens in the advisors' group: replies in a
// ticket's topic are copied to the woman; /close, /lang, /note and
// /languages are the advisors' commands; take and close are buttons.
func (e *Engine) handleAdvisor(ctx context.Context, ev Event) error {
	if e.esc.Chat == 0 || ev.Chat != e.esc.Chat {
		return nil // only the advisors' group may act on tickets
	}
	if ev.At.IsZero() {
		ev.At = e.now()
	}
	a := &advisorTurn{ctx: ctx, e: e, ev: ev, change: Change{EventID: ev.ID}}
	if allowed := e.esc.Advisors; len(allowed) > 0 && !slices.Contains(allowed, ev.From) {
		a.refuse()
	} else {
		a.dispatch()
	}
	if a.err != nil {
		return e.failed(ctx, ev, e.esc.Lang, ev.Thread, a.err)
	}
	return e.commit(ctx, a.change)
}

// refuse answers someone in the group who is not on the advisors' list:
// her message does not reach the woman, and she is told why.
func (a *advisorTurn) refuse() {
	if _, found := a.threadTicket(a.ev.Thread); found || a.ev.Kind == EventButton {
		a.change.Actions = append(a.change.Actions, Action{Chat: a.ev.Chat, Thread: a.ev.Thread, Lang: a.e.esc.Lang, Text: a.e.forAdvisors("NotAnAdvisor")})
	}
}

type advisorTurn struct {
	ctx    context.Context
	e      *Engine
	ev     Event
	change Change
	err    error // the first thing that failed: an advisor's reply must not vanish
}

func (a *advisorTurn) dispatch() {
	switch a.ev.Kind {
	case EventCommand:
		switch a.ev.Command {
		case "languages":
			a.languages(a.ev.Text)
		case "close":
			if tk, ok := a.ticket(a.ev.Thread); ok {
				a.close(tk)
				a.teach(tk, strings.TrimSpace(a.ev.Text))
			}
		case "lang":
			if tk, ok := a.ticket(a.ev.Thread); ok {
				a.post(tk, a.e.forAdvisors("LangShown", "LangName", locales.Name(tk.Lang), "Lang", tk.Lang))
			}
		case "note":
			// An internal note stays in the topic; it is not copied to her.
		}
	case EventButton:
		kind, num, _ := strings.Cut(a.ev.Data, ":")
		n, _ := strconv.ParseInt(num, 10, 64)
		tk, ok := a.ticketByNumber(n)
		if !ok {
			return
		}
		switch kind {
		case btnTake:
			from := a.ev.From
			a.change.TicketOps = append(a.change.TicketOps, TicketOp{Number: tk.Number, Apply: func(t *Ticket) bool {
				t.TakenBy = from
				return t.State != TicketClosed
			}})
			a.post(tk, a.e.forAdvisors("TicketTaken", "Name", orDash(a.ev.FromName)))
		case btnClose:
			a.close(tk)
		}
	case EventText, EventMedia, EventDocument:
		tk, found := a.threadTicket(a.ev.Thread)
		switch {
		case found && tk.State != TicketClosed && a.ev.Edited:
			// Her copy cannot follow the edit; a second copy would read as
			// a new message. The advisor decides whether to send it anew.
			a.change.Actions = append(a.change.Actions, Action{Chat: a.ev.Chat, Thread: a.ev.Thread, Lang: a.e.esc.Lang, Text: a.e.forAdvisors("EditNotPassedOn")})
		case found && tk.State != TicketClosed:
			a.reply(tk)
		case found:
			// Written in the topic of a conversation that is over: say so
			// rather than let the advisor believe she was answered. (A
			// thread without a ticket is the advisors' own talk.)
			a.change.Actions = append(a.change.Actions, Action{Chat: a.ev.Chat, Thread: a.ev.Thread, Lang: a.e.esc.Lang, Text: a.e.forAdvisors("NotPassedOn")})
		}
	}
}

// ticket finds the live ticket of a topic or thread.
func (a *advisorTurn) ticket(thread int) (Ticket, bool) {
	tk, found := a.threadTicket(thread)
	return tk, found && tk.State != TicketClosed
}

// threadTicket finds the ticket of a topic or thread, closed or not.
func (a *advisorTurn) threadTicket(thread int) (Ticket, bool) {
	if thread == 0 {
		return Ticket{}, false
	}
	tk, found, err := a.e.store.TicketByThread(a.ctx, thread)
	if err != nil && a.err == nil {
		a.err = fmt.Errorf("read ticket: %w", err)
	}
	return tk, found
}

func (a *advisorTurn) ticketByNumber(n int64) (Ticket, bool) {
	tk, found, err := a.e.store.Ticket(a.ctx, n)
	if err != nil && a.err == nil {
		a.err = fmt.Errorf("read ticket: %w", err)
	}
	return tk, found && tk.State != TicketClosed
}

// reply copies an advisor's message to the woman; the first reply opens
// the ticket and is counted for the time-to-first-reply figure.
func (a *advisorTurn) reply(tk Ticket) {
	her, _, err := a.e.store.Session(a.ctx, tk.Chat)
	if err != nil && a.err == nil {
		a.err = fmt.Errorf("read session: %w", err)
	}
	reply := Action{Chat: tk.Chat, CopyFrom: a.ev.Chat, CopyMessage: a.ev.MessageID, Lang: tk.Lang, Silent: her.Discreet}
	switch {
	case IsWebChat(tk.Chat) && a.ev.Text == "":
		// The web chat shows text only: a file or photo cannot reach her.
		a.change.Actions = append(a.change.Actions, Action{Chat: a.ev.Chat, Thread: a.ev.Thread, Lang: a.e.esc.Lang, Text: a.e.forAdvisors("WebTextOnly")})
		return
	case IsWebChat(tk.Chat) || a.ev.MessageID == 0:
		reply.CopyFrom, reply.CopyMessage, reply.Text = 0, 0, a.ev.Text
	}
	a.change.Actions = append(a.change.Actions, reply)
	a.change.Count = append(a.change.Count, "ticket:reply")
	if tk.State == TicketWaiting {
		at, from := a.ev.At, a.ev.From
		a.change.TicketOps = append(a.change.TicketOps, TicketOp{Number: tk.Number, Apply: func(t *Ticket) bool {
			if t.State != TicketWaiting {
				return false
			}
			t.State, t.FirstReply = TicketOpen, at
			if t.TakenBy == 0 {
				t.TakenBy = from
			}
			return true
		}})
		a.change.Count = append(a.change.Count, "ticket:first_reply")
		a.change.Add = map[string]uint64{"ticket:first_reply_seconds": uint64(max(0, a.ev.At.Sub(tk.Created).Seconds()))}
	}
}

// close ends a ticket from the group and asks her for a rating.
func (a *advisorTurn) close(tk Ticket) {
	a.change.TicketOps = append(a.change.TicketOps, closeTicket(tk.Number, a.ev.At))
	a.change.Count = append(a.change.Count, "ticket:closed")
	a.post(tk, a.e.forAdvisors("TicketClosedByAdvisor"))
	text := a.e.translate(tk.Lang, "AdvisorClosed") + "\n\n" + a.e.translate(tk.Lang, "RateAsk")
	a.change.Actions = append(a.change.Actions, Action{Chat: tk.Chat, Lang: tk.Lang, Text: locales.Isolate(tk.Lang, text), Buttons: rateButtons(tk.Number)})
}

// languages registers the languages the advisor speaks: "/languages ar so".
// teach makes the question the bot missed before she asked for a person
// an example of the entry the advisor names ("/close legal-aid"): the
// advisor knows best what would have answered her.
func (a *advisorTurn) teach(tk Ticket, entry string) {
	switch {
	case entry == "":
		return
	case a.e.content == nil || a.e.Catalog().Entry(entry) == nil:
		a.post(tk, a.e.forAdvisors("StaffNoEntry", "ID", entry))
		return
	case tk.Asked == "":
		a.post(tk, a.e.forAdvisors("TeachNothing"))
		return
	}
	summary := fmt.Sprintf("+1 example of %s (%s) from ticket #%d", entry, tk.Lang, tk.Number)
	if msg, ok := a.e.stageExamples(a.ctx, a.ev.From, a.ev.At, a.e.esc.Lang, tk.Lang, entry, []string{tk.Asked}, summary); !ok {
		a.post(tk, msg)
		return
	}
	a.change.Count = append(a.change.Count, "taught")
	a.post(tk, a.e.forAdvisors("TeachStaged", "Entry", entry))
}

func (a *advisorTurn) languages(args string) {
	var langs []string
	for _, l := range strings.Fields(strings.ToLower(args)) {
		if content.KnownLanguage(l) && !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	a.change.Advisor = &Advisor{User: a.ev.From, Name: a.ev.FromName, Langs: langs}
	a.change.Actions = append(a.change.Actions, Action{Chat: a.ev.Chat, Thread: a.ev.Thread, Lang: a.e.esc.Lang,
		Text: a.e.forAdvisors("LanguagesSaved", "Name", orDash(a.ev.FromName), "Langs", orDash(strings.Join(langs, " ")))})
}

func (a *advisorTurn) post(tk Ticket, text string) {
	a.change.Actions = append(a.change.Actions, Action{Chat: a.e.esc.Chat, Ticket: tk.Number, Thread: tk.Thread, Lang: a.e.esc.Lang, Text: text})
}

// Tick brings waiting tickets up again: a reminder in the topic while the
// centre is open, and, once a ticket has waited RaiseAfter, a mention of
// every registered advisor. The service calls it every minute.
func (e *Engine) Tick(ctx context.Context) error {
	if e.esc.Chat == 0 {
		return nil
	}
	now := e.now()
	cat := e.Catalog()
	if !cat.Centre.OpenAt(now) {
		return nil
	}
	waiting, err := e.store.Tickets(ctx, TicketWaiting)
	if err != nil {
		return fmt.Errorf("tick: %w", err)
	}
	advisors, err := e.store.Advisors(ctx)
	if err != nil {
		return fmt.Errorf("tick: %w", err)
	}
	var c Change
	for _, tk := range waiting {
		wait := now.Sub(tk.Created)
		last := tk.Created
		if tk.Reminded.After(last) {
			last = tk.Reminded
		}
		post := Action{Chat: e.esc.Chat, Ticket: tk.Number, Thread: tk.Thread, Lang: e.esc.Lang}
		data := []any{"Number", tk.Number, "Wait", wait.Round(time.Minute).String()}
		switch {
		case !tk.Raised && wait >= e.esc.RaiseAfter:
			c.TicketOps = append(c.TicketOps, TicketOp{Number: tk.Number, Apply: func(t *Ticket) bool {
				t.Raised, t.Reminded = true, now
				return t.State == TicketWaiting
			}})
			post.Text = e.forAdvisors("TicketRaised", data...)
			for _, adv := range advisors {
				post.Mentions = append(post.Mentions, Mention{User: adv.User, Name: adv.Name})
			}
		case now.Sub(last) >= e.esc.RemindEach:
			c.TicketOps = append(c.TicketOps, TicketOp{Number: tk.Number, Apply: func(t *Ticket) bool {
				t.Reminded = now
				return t.State == TicketWaiting
			}})
			post.Text = e.forAdvisors("TicketReminder", data...)
		default:
			continue
		}
		c.Actions = append(c.Actions, post)
	}
	if len(c.Actions) == 0 {
		return nil
	}
	return e.commit(ctx, c)
}

// staffStats shows staff the figures.
func (t *turn) staffStats() {
	text, err := t.e.Stats(t.ctx, t.s.Lang)
	if err != nil {
		t.fail("stats", err)
		return
	}
	t.send(text, nil)
}

// Stats is the figures for staff, in lang: users, questions and the
// unanswered rate per language, escalations, time to first reply, ratings
// and the most shown answers, for today, the last 7 days and all time.
// `veiviser stats` prints the same.
func (e *Engine) Stats(ctx context.Context, lang string) (string, error) {
	now := e.now()
	periods := []time.Time{now, now.AddDate(0, 0, -6), {}}
	var sums [3]map[string]uint64
	for i, since := range periods {
		var err error
		if sums[i], err = e.store.Counters(ctx, "", since); err != nil {
			return "", fmt.Errorf("stats: %w", err)
		}
	}
	tr := func(id string) string { return e.translate(lang, id) }
	row := func(label, counter string) string {
		return fmt.Sprintf("%-28s %6d %6d %7d\n", label, sums[0][counter], sums[1][counter], sums[2][counter])
	}
	var b strings.Builder
	b.WriteString(tr("StatsHeading") + "\n")
	fmt.Fprintf(&b, "%-28s %6s %6s %7s\n", "", tr("StatsToday"), tr("StatsWeek"), tr("StatsAll"))
	b.WriteString(row(tr("StatsUsers"), "users:new"))
	b.WriteString(row(tr("StatsTickets"), "ticket:new"))
	for _, l := range content.Languages() {
		all := sums[2]
		q, un := all["question:"+l], all["question:unanswered:"+l]
		if q+all["ticket:lang:"+l] == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-4s %s %d, %s %d%%, %s %d (7d: %d / %d)\n", l, tr("StatsQuestions"), q, tr("StatsUnanswered"), 100*un/max(1, q),
			tr("StatsTickets"), all["ticket:lang:"+l], sums[1]["question:"+l], sums[1]["question:unanswered:"+l])
	}
	all := sums[2]
	if n := all["ticket:first_reply"]; n > 0 {
		fmt.Fprintf(&b, "%s: %s\n", tr("StatsFirstReply"), (time.Duration(all["ticket:first_reply_seconds"]/n) * time.Second).String())
	}
	var ratings []string
	for score := 1; score <= 5; score++ {
		ratings = append(ratings, fmt.Sprintf("%d×%d", score, all["ticket:rating:"+strconv.Itoa(score)]))
	}
	fmt.Fprintf(&b, "%s: %s\n", tr("StatsRatings"), strings.Join(ratings, " "))
	fmt.Fprintf(&b, "%s: %d/%d\n", tr("StatsAnswered"), all["ticket:answered:y"], all["ticket:answered:y"]+all["ticket:answered:n"])
	type kv struct {
		id string
		n  uint64
	}
	var answers []kv
	for k, v := range all {
		if id, ok := strings.CutPrefix(k, "answer:"); ok {
			answers = append(answers, kv{id, v})
		}
	}
	slices.SortFunc(answers, func(x, y kv) int {
		if x.n != y.n {
			return int(y.n) - int(x.n)
		}
		return strings.Compare(x.id, y.id)
	})
	if due := e.Catalog().Due(now); len(due) > 0 {
		fmt.Fprintf(&b, "%s: %d (%s)\n", tr("StatsDue"), len(due), strings.Join(due, ", "))
	}
	b.WriteString(tr("StatsTopAnswers") + "\n")
	for _, a := range answers[:min(10, len(answers))] {
		fmt.Fprintf(&b, "  %5d  %s\n", a.n, a.id)
	}
	return b.String(), nil
}
