package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
)

const group = -100777

// escalationEngine is an engine with escalation on, a movable clock and a
// bbolt file that can be reopened.
func escalationEngine(t *testing.T, path string, clock *time.Time) (*bot.Engine, *store.Store) {
	t.Helper()
	e, st := bottest.Engine(t, path, bot.Config{Now: func() time.Time { return *clock },
		Escalation: bot.Escalation{Chat: group, Lang: "en", RemindEach: 30 * time.Minute, RaiseAfter: time.Hour}})
	return e, st
}

// openTicket has chat start in English and ask for a person, links her
// ticket to thread in the group as the sender would, and drains the
// outbox; it returns the ticket number.
func openTicket(t *testing.T, e *bot.Engine, st *store.Store, chat int64, thread int) int64 {
	t.Helper()
	do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "pc"})
	sess, _, err := st.Session(context.Background(), chat)
	if err != nil || sess.Ticket == 0 {
		t.Fatalf("no ticket for chat %d: %+v, %v", chat, sess, err)
	}
	if err := st.LinkThread(context.Background(), sess.Ticket, thread, true); err != nil {
		t.Fatal(err)
	}
	drain(t, st)
	return sess.Ticket
}

func do(t *testing.T, e *bot.Engine, ev bot.Event) {
	t.Helper()
	if err := e.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

func texts(as []bot.Action) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.Text + "\n")
	}
	return b.String()
}

func TestTicketQueueHoursRemindersAndRestart(t *testing.T) {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	clock := time.Date(2026, 11, 25, 20, 0, 0, 0, oslo) // Wednesday evening: closed
	path := filepath.Join(t.TempDir(), "esc.db")
	e, st := escalationEngine(t, path, &clock)

	for _, chat := range []int64{1, 2} {
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "l:en"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "advisor"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "pc"})
	}
	out := texts(drain(t, st))
	for _, want := range []string{"not available right now", "Thu 10:00", "Your place in the queue: 1", "Your place in the queue: 2", "116 006"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// Closed: no reminders at night.
	if err := e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := drain(t, st); len(got) != 0 {
		t.Errorf("reminders while the centre is closed: %s", texts(got))
	}

	// Restart: tickets survive and the next morning they are raised to everyone.
	st.Close()
	clock = time.Date(2026, 11, 26, 10, 5, 0, 0, oslo)
	e, st = escalationEngine(t, path, &clock)
	do(t, e, bot.Event{Chat: group, Advisor: true, From: 301, FromName: "Amina", Kind: bot.EventCommand, Command: "languages", Text: "ar en"})
	drain(t, st)
	if err := e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	raised := drain(t, st)
	if len(raised) != 2 || !strings.Contains(raised[0].Text, "Can someone take it") || len(raised[0].Mentions) != 1 {
		t.Fatalf("after 14 hours both tickets should be raised to every advisor: %+v", raised)
	}
	clock = clock.Add(10 * time.Minute)
	_ = e.Tick(context.Background())
	if got := drain(t, st); len(got) != 0 {
		t.Errorf("reminded again after 10 minutes: %s", texts(got))
	}
	clock = clock.Add(25 * time.Minute)
	_ = e.Tick(context.Background())
	if got := drain(t, st); len(got) != 2 || !strings.Contains(got[0].Text, "has waited") {
		t.Errorf("no reminder after 35 minutes: %s", texts(got))
	}

	// She ends it herself; the advisors are told and she is asked to rate.
	do(t, e, bot.Event{Chat: 1, Kind: bot.EventCommand, Command: "end"})
	got := drain(t, st)
	if !strings.Contains(texts(got), "She ended the conversation") && !strings.Contains(texts(got), "Hun har avsluttet") {
		t.Errorf("advisors not told she ended: %s", texts(got))
	}
	// /forget erases the other ticket and tells the advisors.
	do(t, e, bot.Event{Chat: 2, Kind: bot.EventCommand, Command: "forget"})
	do(t, e, bot.Event{Chat: 2, Kind: bot.EventButton, Data: "forget"})
	got = drain(t, st)
	if !strings.Contains(texts(got), "/forget") {
		t.Errorf("advisors not told the conversation was erased: %s", texts(got))
	}
	left, _ := st.Tickets(context.Background(), "")
	for _, tk := range left {
		if tk.Chat == 2 {
			t.Errorf("ticket of a forgotten user is still stored: %+v", tk)
		}
	}
}

func TestDangerDuringTicketGetsEmergencyAtOnce(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "d.db"), &clock)
	openTicket(t, e, st, 5, 60)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventText, Text: "he is coming, he will kill me", MessageID: 50})
	got := drain(t, st)
	if len(got) != 2 || got[0].CopyMessage != 50 || got[0].Chat != group || !strings.Contains(got[1].Text, "112") {
		t.Errorf("want the message copied to the advisors and the emergency numbers to her: %+v", got)
	}
}

// TestDangerFloodDuringTicketJoinsTheCopies sends 300 danger messages in
// one second during a ticket: each gets her the emergency numbers, but
// the copies for the advisors are texts to be joined, not 300 posts.
func TestDangerFloodDuringTicketJoinsTheCopies(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := bottest.Engine(t, filepath.Join(t.TempDir(), "f.db"), bot.Config{Now: func() time.Time { return clock },
		Flood: bot.DefaultFlood(), Escalation: bot.Escalation{Chat: group, Lang: "en"}})
	openTicket(t, e, st, 5, 60)
	for i := range 300 {
		do(t, e, bot.Event{Chat: 5, Kind: bot.EventText, Text: fmt.Sprintf("he will kill me %d", i), MessageID: 100 + i, At: clock})
	}
	var copies, joined, numbers int
	for _, a := range drain(t, st) {
		switch {
		case a.Chat == group && a.Join:
			joined++
		case a.Chat == group:
			copies++
		case strings.Contains(a.Text, "112"):
			numbers++
		}
	}
	if numbers != 300 {
		t.Errorf("%d of 300 danger messages got the emergency numbers", numbers)
	}
	if copies > 10 || joined+copies != 300 {
		t.Errorf("%d copies and %d joinable texts for the advisors; want every message passed on, at most the first 10 as separate posts", copies, joined)
	}
}

// TestTicketsPerHourCapped alternates /end and connect: the fourth ticket
// within an hour is refused (with the emergency button), and an hour
// later she can connect again.
func TestTicketsPerHourCapped(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "c.db"), &clock)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	tickets := func() int {
		all, err := st.Tickets(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	for i := range 4 {
		clock = clock.Add(time.Minute)
		do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "pc"})
		do(t, e, bot.Event{Chat: 5, Kind: bot.EventCommand, Command: "end"})
		if want := min(i+1, 3); tickets() != want {
			t.Fatalf("after %d connects: %d tickets, want %d", i+1, tickets(), want)
		}
	}
	got := drain(t, st)
	i := slices.IndexFunc(got, func(a bot.Action) bool { return strings.Contains(a.Text, "several conversations") })
	if i < 0 || !strings.Contains(fmt.Sprint(got[i].Buttons), "emergency-numbers") {
		t.Errorf("fourth connect not refused with the emergency button: %s", texts(got[len(got)-2:]))
	}
	clock = clock.Add(time.Hour)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "pc"})
	if tickets() != 4 {
		t.Errorf("an hour later: %d tickets, want 4", tickets())
	}
}

// TestTakeAndEndAtOnce: an advisor takes her ticket while she ends it.
// Whatever the interleaving, the ticket ends closed; before ticket changes
// were applied inside the commit, the take put back a copy read while it
// was waiting, and reminders went on for a conversation she had ended.
func TestTakeAndEndAtOnce(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "r.db"), &clock)
	ctx := context.Background()
	for i := range 30 {
		chat := int64(100 + i)
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
		do(t, e, bot.Event{Chat: chat, Kind: bot.EventButton, Data: "pc"})
		sess, _, _ := st.Session(ctx, chat)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			_ = e.Handle(ctx, bot.Event{Chat: group, Advisor: true, From: 9, Kind: bot.EventButton, Data: fmt.Sprintf("tk:%d", sess.Ticket)})
		}()
		go func() {
			defer wg.Done()
			_ = e.Handle(ctx, bot.Event{Chat: chat, Kind: bot.EventCommand, Command: "end"})
		}()
		wg.Wait()
		if tk, _, _ := st.Ticket(ctx, sess.Ticket); tk.State != bot.TicketClosed {
			t.Fatalf("round %d: ticket %+v after take and /end at once, want closed", i, tk)
		}
	}
}

// TestAdvisorToldWhatDidNotReachHer: a file without a caption is passed
// on; a reply in the topic of a closed conversation, and her blocking the
// bot, are said in the topic instead of vanishing.
func TestAdvisorToldWhatDidNotReachHer(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "n.db"), &clock)
	openTicket(t, e, st, 5, 40)
	do(t, e, bot.Event{Chat: group, Advisor: true, From: 9, Thread: 40, Kind: bot.EventDocument, MessageID: 400, FileName: "skjema.pdf"})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != 5 || got[0].CopyMessage != 400 {
		t.Errorf("an advisor's file without a caption: %+v, want it copied to her", got)
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventCommand, Command: "end"})
	drain(t, st)
	do(t, e, bot.Event{Chat: group, Advisor: true, From: 9, Thread: 40, Kind: bot.EventText, MessageID: 401, Text: "Are you still there?"})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != group || got[0].Thread != 40 || !strings.Contains(got[0].Text, "not passed on") {
		t.Errorf("a reply after the conversation closed: %+v, want a notice in the topic", got)
	}
	openTicket(t, e, st, 6, 41)
	do(t, e, bot.Event{Chat: 6, Kind: bot.EventBlocked})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != group || got[0].Thread != 41 || !strings.Contains(got[0].Text, "blocked") {
		t.Errorf("she blocked the bot during a conversation: %+v, want a notice in the topic", got)
	}
}

// TestDiscreetModeCoversEverything: asked at first contact; once on, every
// send is silent, advisor replies too, and the danger answer during a
// conversation hides behind a neutral line; the confirmation of /forget
// deletes itself and takes the question with it.
func TestDiscreetModeCoversEverything(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "s.db"), &clock)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventCommand, Command: "start", LangHint: "en"})
	drain(t, st)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "l:en", MessageID: 1})
	got := drain(t, st)
	if !strings.Contains(fmt.Sprint(got[0].Buttons), " d:on}") {
		t.Fatalf("choosing a language does not ask about a shared phone: %+v", got[0])
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "d:on", MessageID: 2})
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "pc"})
	sess, _, _ := st.Session(context.Background(), 5)
	if err := st.LinkThread(context.Background(), sess.Ticket, 50, true); err != nil {
		t.Fatal(err)
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventText, Text: "he is here, he will kill me", MessageID: 3})
	do(t, e, bot.Event{Chat: group, Advisor: true, From: 9, Thread: 50, Kind: bot.EventText, MessageID: 60, Text: "Call 112 now"})
	for _, a := range drain(t, st) {
		if a.Chat == 5 && !a.Silent {
			t.Errorf("a message to her in discreet mode is not silent: %q", a.Text)
		}
		if a.Chat == 5 && strings.Contains(a.Text, "116 006") && !a.Discreet {
			t.Errorf("the danger answer during a conversation is not hidden: %q", a.Text[:40])
		}
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "forget", MessageID: 70})
	got = drain(t, st)
	var deleted, ephemeral bool
	for _, a := range got {
		deleted = deleted || slices.Contains(a.Delete, 70)
		ephemeral = ephemeral || a.Ephemeral > 0 && strings.Contains(a.Text, "deleted")
	}
	if !deleted || !ephemeral {
		t.Errorf("after /forget: question deleted %v, goodbye deletes itself %v: %+v", deleted, ephemeral, got)
	}
}

// TestOnlyListedAdvisorsAct: with an advisors' list, a group member not on
// it can neither reply to her nor take or close her ticket, and is told.
func TestOnlyListedAdvisorsAct(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := bottest.Engine(t, filepath.Join(t.TempDir(), "a.db"), bot.Config{Now: func() time.Time { return clock },
		Escalation: bot.Escalation{Chat: group, Lang: "en", Advisors: []int64{9}}})
	ctx := context.Background()
	ticket := openTicket(t, e, st, 5, 80)
	for _, ev := range []bot.Event{
		{Kind: bot.EventText, Text: "give me your address", MessageID: 801, From: 666},
		{Kind: bot.EventText, Text: "anonymous", MessageID: 802}, // an anonymous admin has no user ID
		{Kind: bot.EventButton, Data: fmt.Sprintf("tc:%d", ticket), From: 666},
	} {
		ev.Chat, ev.Advisor, ev.Thread = group, true, 80
		do(t, e, ev)
		got := drain(t, st)
		if len(got) != 1 || got[0].Chat != group || !strings.Contains(got[0].Text, "Only the advisors") {
			t.Errorf("%+v from someone not on the list: %+v", ev, got)
		}
	}
	if tk, _, _ := st.Ticket(ctx, ticket); tk.State != bot.TicketWaiting {
		t.Errorf("ticket after unlisted presses: %+v", tk)
	}
	do(t, e, bot.Event{Chat: group, Advisor: true, Thread: 80, From: 9, Kind: bot.EventText, Text: "Hello", MessageID: 803})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != 5 {
		t.Errorf("a listed advisor's reply: %+v, want it copied to her", got)
	}
}

// TestAdvisorEditIsNotCopiedAgain: an advisor correcting a message she
// already sent is told the correction does not reach her, instead of a
// second copy arriving as if it were new.
func TestAdvisorEditIsNotCopiedAgain(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "e.db"), &clock)
	openTicket(t, e, st, 5, 90)
	do(t, e, bot.Event{ID: "u1", Chat: group, Advisor: true, From: 9, Thread: 90, Kind: bot.EventText, Text: "Cal 112", MessageID: 900})
	do(t, e, bot.Event{ID: "u2", Chat: group, Advisor: true, From: 9, Thread: 90, Kind: bot.EventText, Text: "Call 112", MessageID: 900, Edited: true})
	got := drain(t, st)
	if len(got) != 2 || got[0].Chat != 5 || got[1].Chat != group || !strings.Contains(got[1].Text, "edits do not reach her") {
		t.Errorf("an advisor's edit: %+v; want her one copy and a notice in the topic", got)
	}
}

// TestFileToAdvisorsNeedsHerYes: during a conversation a file, contact or
// location is passed on only after she confirms; a plain photo goes at
// once (Telegram strips what it carries).
func TestFileToAdvisorsNeedsHerYes(t *testing.T) {
	clock := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	e, st := escalationEngine(t, filepath.Join(t.TempDir(), "c.db"), &clock)
	openTicket(t, e, st, 5, 60)
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventDocument, FileName: "Amina Khan passport.pdf", MessageID: 31, Revealing: true})
	got := drain(t, st)
	if len(got) != 1 || got[0].Chat != 5 || !strings.Contains(fmt.Sprint(got[0].Buttons), "sh:31") {
		t.Fatalf("a file during a conversation: %+v; want only a question to her", got)
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "sh:-", MessageID: 32})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != 5 {
		t.Errorf("after her no: %+v; want nothing for the advisors", got)
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventButton, Data: "sh:31", MessageID: 32})
	got = drain(t, st)
	if len(got) != 2 || got[0].Chat != group || got[0].CopyFrom != 5 || got[0].CopyMessage != 31 {
		t.Errorf("after her yes: %+v; want the file copied from her chat", got)
	}
	do(t, e, bot.Event{Chat: 5, Kind: bot.EventMedia, MessageID: 33})
	if got := drain(t, st); len(got) != 1 || got[0].Chat != group || got[0].CopyMessage != 33 {
		t.Errorf("a plain photo: %+v; want it copied at once", got)
	}
}
