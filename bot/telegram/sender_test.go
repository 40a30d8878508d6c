package telegram

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/veiviser/veiviser/bot"
)

// memOutbox is an in-memory outbox with the same contract as the store's.
type memOutbox struct {
	mu    sync.Mutex // the sender's lanes settle at the same time
	items []bot.Queued
	next  uint64
}

func (o *memOutbox) add(a bot.Action) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	o.items = append(o.items, bot.Queued{ID: o.next, Action: a})
}

func (o *memOutbox) PendingFor(_ context.Context, limit int, want func(int64) bool) ([]bot.Queued, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []bot.Queued
	perChat := map[int64]int{}
	for _, q := range o.items {
		if want != nil && !want(q.Action.Chat) {
			continue
		}
		if perChat[q.Action.Chat]++; perChat[q.Action.Chat] <= bot.PendingPerChat && len(out) < limit {
			out = append(out, q)
		}
	}
	return out, nil
}

func (o *memOutbox) Done(_ context.Context, id uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.items = slices.DeleteFunc(o.items, func(q bot.Queued) bool { return q.ID == id })
	return nil
}

// memRecords keeps no records: these tests send to private chats only.
type memRecords struct{}

func (memRecords) Ticket(context.Context, int64) (bot.Ticket, bool, error) {
	return bot.Ticket{}, false, nil
}
func (memRecords) LinkThread(context.Context, int64, int, bool) error         { return nil }
func (memRecords) RecordMessage(context.Context, int64, int, time.Time) error { return nil }
func (memRecords) RecentMessages(context.Context, int64, time.Time) ([]int, error) {
	return nil, nil
}
func (memRecords) ForgetMessages(context.Context, int64) error          { return nil }
func (memRecords) FileID(context.Context, string) (string, bool, error) { return "", false, nil }
func (memRecords) SetFileID(context.Context, string, string) error      { return nil }

// fakeAPI records sends at the fake clock's time and fails as told.
type fakeAPI struct {
	mu         sync.Mutex // calls come from the sender's lanes at once
	clock      *time.Time
	sent       []sent
	silent     []bool
	protect    []bool
	deleted    int
	deletedIDs []int
	fail       func(chat int64, text string) error
}

func (f *fakeAPI) deletedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.deleted
}

type sent struct {
	chat int64
	text string
	at   time.Time
	edit bool
}

var _ API = (*fakeAPI)(nil)

func (f *fakeAPI) SendMessage(_ context.Context, p *tg.SendMessageParams) (*models.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	chat := p.ChatID.(int64)
	if f.fail != nil {
		if err := f.fail(chat, p.Text); err != nil {
			return nil, err
		}
	}
	f.sent = append(f.sent, sent{chat, p.Text, *f.clock, false})
	f.silent = append(f.silent, p.DisableNotification)
	f.protect = append(f.protect, p.ProtectContent)
	return &models.Message{ID: len(f.sent)}, nil
}

func (f *fakeAPI) CopyMessage(context.Context, *tg.CopyMessageParams) (*models.MessageID, error) {
	return &models.MessageID{ID: 1}, nil
}

func (f *fakeAPI) CreateForumTopic(context.Context, *tg.CreateForumTopicParams) (*models.ForumTopic, error) {
	return &models.ForumTopic{MessageThreadID: 1}, nil
}

func (f *fakeAPI) DeleteMessages(_ context.Context, p *tg.DeleteMessagesParams) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted++
	f.deletedIDs = append(f.deletedIDs, p.MessageIDs...)
	return true, nil
}

func (f *fakeAPI) SendVoice(_ context.Context, p *tg.SendVoiceParams) (*models.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, sent{p.ChatID.(int64), "voice", *f.clock, false})
	return &models.Message{ID: len(f.sent), Voice: &models.Voice{FileID: "v"}}, nil
}

func (f *fakeAPI) EditMessageText(_ context.Context, p *tg.EditMessageTextParams) (*models.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	chat := p.ChatID.(int64)
	if f.fail != nil {
		if err := f.fail(chat, "edit:"+p.Text); err != nil {
			return nil, err
		}
	}
	f.sent = append(f.sent, sent{chat, p.Text, *f.clock, true})
	return &models.Message{ID: p.MessageID}, nil
}

func newTestSender(t *testing.T, limits string) (*Sender, *memOutbox, *fakeAPI, *time.Time) {
	t.Helper()
	l, err := ParseLimits(limits)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1_000_000, 0)
	api := &fakeAPI{clock: &clock}
	out := &memOutbox{}
	s := NewSender(api, out, memRecords{}, l, slog.New(slog.NewTextHandler(io.Discard, nil)), NewMetrics())
	// A lane waiting for its message's moment moves the fake clock there.
	s.waitUntil = func(_ context.Context, at time.Time) {
		api.mu.Lock()
		defer api.mu.Unlock()
		if at.After(clock) {
			clock = at
		}
	}
	return s, out, api, &clock
}

// drain runs the sender on the fake clock until the outbox is empty,
// moving the clock by what each step asks to wait.
func drain(t *testing.T, s *Sender, out *memOutbox, clock *time.Time) time.Duration {
	t.Helper()
	start := *clock
	for steps := 0; len(out.items) > 0; steps++ {
		if steps > 100000 {
			t.Fatal("sender makes no progress")
		}
		now := *clock
		wait := s.Step(context.Background(), now)
		if next := now.Add(max(wait, time.Millisecond)); len(out.items) > 0 && next.After(*clock) {
			*clock = next
		}
	}
	return clock.Sub(start)
}

// TestSenderPacing queues a burst for many chats and one chatty user and
// measures, on the fake clock, that Telegram's limits hold everywhere.
func TestSenderPacing(t *testing.T) {
	// One lane, so the fake clock reads exactly each message's moment.
	s, out, api, clock := newTestSender(t, DefaultLimits+",parallel=1")
	for i := range 200 {
		out.add(bot.Action{Chat: int64(100 + i%50), Text: "m" + strconv.Itoa(i)})
	}
	for i := range 10 {
		out.add(bot.Action{Chat: 7, Text: "talkative " + strconv.Itoa(i)})
	}
	for i := range 25 {
		out.add(bot.Action{Chat: -1001, Text: "group " + strconv.Itoa(i)})
	}
	took := drain(t, s, out, clock)
	if len(api.sent) != 235 {
		t.Fatalf("sent %d, want 235", len(api.sent))
	}
	maxGlobal, maxChat, maxGroup := 0, 0, 0
	for i, a := range api.sent {
		var global, chat, group int
		for _, b := range api.sent[i:] {
			if d := b.at.Sub(a.at); d < time.Second {
				global++
				if b.chat == a.chat {
					chat++
				}
			}
			if b.chat == a.chat && a.chat < 0 && b.at.Sub(a.at) < time.Minute {
				group++
			}
		}
		maxGlobal, maxChat, maxGroup = max(maxGlobal, global), max(maxChat, chat), max(maxGroup, group)
	}
	t.Logf("235 messages in %v of fake time; max per second overall %d, per chat %d; max per minute in a group %d",
		took, maxGlobal, maxChat, maxGroup)
	if maxGlobal > 30 || maxChat > 1 || maxGroup > 20 {
		t.Errorf("limits broken: %d/s overall (30), %d/s in a chat (1), %d/min in a group (20)", maxGlobal, maxChat, maxGroup)
	}
	// Per-chat order is kept.
	var talk []string
	for _, m := range api.sent {
		if m.chat == 7 {
			talk = append(talk, m.text)
		}
	}
	for i, txt := range talk {
		if txt != fmt.Sprintf("talkative %d", i) {
			t.Fatalf("chat 7 received out of order: %v", talk)
		}
	}
}

func TestSenderHonoursRetryAfter(t *testing.T) {
	// One lane: with several, a call already under way when the 429
	// arrives still goes out; no new one starts.
	s, out, api, clock := newTestSender(t, "global=1000/s,chat=1000/s,parallel=1")
	refusedAt := time.Time{}
	api.fail = func(chat int64, text string) error {
		if refusedAt.IsZero() {
			refusedAt = *clock
			return &tg.TooManyRequestsError{Message: "too many requests", RetryAfter: 7}
		}
		return nil
	}
	out.add(bot.Action{Chat: 1, Text: "a"})
	out.add(bot.Action{Chat: 1, Text: "b"})
	out.add(bot.Action{Chat: 2, Text: "c"})
	drain(t, s, out, clock)
	if len(api.sent) != 3 {
		t.Fatalf("sent %v, want a, b, c once each", api.sent)
	}
	for _, m := range api.sent {
		if m.at.Sub(refusedAt) < 7*time.Second {
			t.Errorf("%q sent %v after a 429 with retry_after 7s", m.text, m.at.Sub(refusedAt))
		}
	}
	var order []string
	for _, m := range api.sent {
		if m.chat == 1 {
			order = append(order, m.text)
		}
	}
	if !slices.Equal(order, []string{"a", "b"}) {
		t.Errorf("chat 1 after a 429 got %v, want a then b", order)
	}
}

func TestSenderRetriesServerErrorsAndDropsBlocked(t *testing.T) {
	s, out, api, clock := newTestSender(t, "global=1000/s,chat=1000/s")
	failures := 0
	api.fail = func(chat int64, text string) error {
		switch {
		case chat == 9:
			return fmt.Errorf("%w, Forbidden: bot was blocked by the user", tg.ErrorForbidden)
		case text == "flaky" && failures < 3:
			failures++
			return fmt.Errorf("error response from telegram for method sendMessage, 502 Bad Gateway")
		}
		return nil
	}
	out.add(bot.Action{Chat: 1, Text: "flaky"})
	out.add(bot.Action{Chat: 9, Text: "to someone who blocked the bot"})
	out.add(bot.Action{Chat: 1, Text: "after"})
	took := drain(t, s, out, clock)
	var texts []string
	for _, m := range api.sent {
		texts = append(texts, m.text)
	}
	if !slices.Equal(texts, []string{"flaky", "after"}) {
		t.Errorf("sent %v, want flaky (after 3 retries) then after; the blocked chat dropped", texts)
	}
	if took < 3*time.Second {
		t.Errorf("three retries took %v: no backoff", took)
	}
}

func TestSenderEditFallsBackToNewMessage(t *testing.T) {
	s, out, api, clock := newTestSender(t, "global=1000/s,chat=1000/s")
	api.fail = func(chat int64, text string) error {
		if text == "edit:menu" {
			return fmt.Errorf("%w, Bad Request: message to edit not found", tg.ErrorBadRequest)
		}
		return nil
	}
	out.add(bot.Action{Chat: 1, Text: "menu", Edit: 55})
	drain(t, s, out, clock)
	if len(api.sent) != 1 || api.sent[0].edit {
		t.Errorf("sent %+v, want the menu as a new message", api.sent)
	}
}

// TestSenderSendsALongAnswer: an answer longer than one Telegram message
// goes as its parts, and her next message waits until the chat's rate
// has paid for them. A chat's bucket holds one message, so waiting for
// room for all parts at once waited for ever and held up her chat.
func TestSenderSendsALongAnswer(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits+",parallel=1")
	para := string(slices.Repeat([]byte("a"), 3000))
	out.add(bot.Action{Chat: 5, Text: para + "\n\n" + para + "\n\n" + para})
	out.add(bot.Action{Chat: 5, Text: "next"})
	drain(t, s, out, clock)
	if len(api.sent) != 4 || api.sent[3].text != "next" {
		t.Fatalf("sent %d messages, want the answer's 3 parts and then the next", len(api.sent))
	}
	// Three parts from a bucket of one leave it two in debt: three
	// seconds at one a second until it holds one again.
	if gap := api.sent[3].at.Sub(api.sent[2].at); gap < 3*time.Second-time.Millisecond {
		t.Errorf("the next message came %v after the answer's parts, want 3s", gap)
	}
}

func TestSplitText(t *testing.T) {
	para := func(n int) string { return string(slices.Repeat([]byte("a"), n)) }
	long := para(3000) + "\n\n" + para(3000) + "\n\n" + para(100)
	parts := splitText(long)
	if len(parts) != 2 || len(parts[0]) != 3000 || len(parts[1]) != 3102 {
		t.Errorf("split into %d parts of %v", len(parts), lens(parts))
	}
	huge := para(9000)
	for _, p := range splitText(huge) {
		if utf16Len(p) > maxText {
			t.Errorf("part of %d units", utf16Len(p))
		}
	}
	if got := splitText("short"); len(got) != 1 || got[0] != "short" {
		t.Errorf("short text split: %v", got)
	}
}

func lens(ps []string) []int {
	var out []int
	for _, p := range ps {
		out = append(out, len(p))
	}
	return out
}

func TestPhoneEntities(t *testing.T) {
	text := "🆘 Call 112 now.\n📞 116 006 – helpline\nNot 1120 or 2112."
	ents := phoneEntities(text, []string{"112", "116 006"})
	if len(ents) != 2 {
		t.Fatalf("entities %+v, want 112 and 116 006 once each", ents)
	}
	// "🆘 Call " is 2 UTF-16 units for the emoji plus 6.
	if ents[0].Offset != 8 || ents[0].Length != 3 {
		t.Errorf("112 entity at %d+%d, want 8+3 (UTF-16 units)", ents[0].Offset, ents[0].Length)
	}
}

// TestSenderBooksAhead: one step at Telegram's pace sends what the next
// second allows, each message at its own moment, instead of one message
// a step. With the API a round trip away, one a step was 20 a second.
func TestSenderBooksAhead(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits+",parallel=1")
	for chat := range 40 {
		out.add(bot.Action{Chat: int64(500 + chat), Text: "hello"})
	}
	start := *clock
	s.Step(context.Background(), start)
	if n := len(api.sent); n < 25 || n > 30 {
		t.Fatalf("one step sent %d messages, want a second's worth at 29/s", n)
	}
	for i := 1; i < len(api.sent); i++ {
		if gap := api.sent[i].at.Sub(api.sent[i-1].at); gap < time.Second/29-time.Millisecond {
			t.Errorf("messages %d and %d went %v apart, closer than 1/29 s", i-1, i, gap)
		}
	}
	if last := api.sent[len(api.sent)-1].at.Sub(start); last > time.Second {
		t.Errorf("the step booked %v ahead, more than a second", last)
	}
}

// TestBlockedGroupDoesNotHoldUpHerReply queues more messages for the
// advisors' group than one step reads, then one reply to a woman: the
// group's rate (20 a minute) must not keep her reply waiting, and a step
// that could send nothing must not ask to be run again at once.
func TestBlockedGroupDoesNotHoldUpHerReply(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits)
	for i := range 1000 {
		out.add(bot.Action{Chat: -1001, Text: "copy " + strconv.Itoa(i)})
	}
	out.add(bot.Action{Chat: 42, Text: "112"})
	start := *clock
	for steps := 0; ; steps++ {
		if steps > 50 {
			t.Fatalf("her reply still queued after %d steps and %v", steps, clock.Sub(start))
		}
		wait := s.Step(context.Background(), *clock)
		if slices.ContainsFunc(api.sent, func(m sent) bool { return m.chat == 42 }) {
			t.Logf("her reply left after %d step(s), %v of fake time", steps+1, clock.Sub(start))
			break
		}
		if wait <= 0 {
			t.Fatalf("step %d sent nothing to her and asks to run again at once", steps)
		}
		*clock = clock.Add(wait)
	}
	// With the group at its limit, further steps wait instead of spinning.
	for range 3 {
		before := len(api.sent)
		if wait := s.Step(context.Background(), *clock); wait <= 0 && len(api.sent) == before {
			t.Fatal("a step that sent nothing returned a wait of 0")
		}
	}
}

// TestSenderJoinsFloodedCopies queues 300 joinable texts of one ticket
// with a media copy among them: they go as a few messages, in order, and
// nothing is lost.
func TestSenderJoinsFloodedCopies(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits)
	for i := range 300 {
		if i == 150 {
			out.add(bot.Action{Chat: -1001, Ticket: 1, Thread: 9, Text: "not joinable"})
		}
		out.add(bot.Action{Chat: -1001, Ticket: 1, Thread: 9, Text: fmt.Sprintf("💬 he will kill me %d", i), Join: true})
	}
	drain(t, s, out, clock)
	var all []string
	for _, m := range api.sent {
		all = append(all, strings.Split(m.text, "\n")...)
	}
	// A step sees bot.PendingPerChat items of a chat, and joins those.
	if want := 301/bot.PendingPerChat + 2; len(api.sent) > want {
		t.Errorf("301 queued items went as %d messages; want them joined into %d at most", len(api.sent), want)
	}
	if len(all) != 301 || all[150] != "not joinable" || all[300] != "💬 he will kill me 299" {
		t.Errorf("joined messages lost or reordered lines: %d lines", len(all))
	}
}

// TestSenderSilentAndEphemeral: a silent action is sent without a
// notification; an ephemeral one is deleted after its time and not
// recorded for /clear.
func TestSenderSilentAndEphemeral(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits)
	rec := &countingRecords{}
	s.records = rec
	out.add(bot.Action{Chat: 42, Text: "quiet", Silent: true, Ephemeral: 10 * time.Millisecond})
	drain(t, s, out, clock)
	if len(api.silent) != 1 || !api.silent[0] {
		t.Errorf("silent sends = %v, want one without notification", api.silent)
	}
	deadline := time.Now().Add(5 * time.Second)
	for api.deletedCount() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if api.deletedCount() != 1 {
		t.Error("the ephemeral message was not deleted")
	}
	if rec.recorded.Load() != 0 {
		t.Error("the ephemeral message was recorded for /clear")
	}
}

// TestSenderClearReadsTheRecordWhenItDelivers: a clear deletes what was
// recorded for the chat when it is delivered, including the answer queued
// just before it, then forgets the record.
func TestSenderClearReadsTheRecordWhenItDelivers(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits)
	rec := &listRecords{ids: map[int64][]int{42: {7}}}
	s.records = rec
	out.add(bot.Action{Chat: 42, Text: "the answer"})
	out.add(bot.Action{Chat: 42, Delete: []int{3}, Clear: true})
	drain(t, s, out, clock)
	if want := []int{7, 1, 3}; !slices.Equal(api.deletedIDs, want) {
		t.Errorf("deleted %v, want %v (recorded before, the answer the fake numbered 1, the /clear)", api.deletedIDs, want)
	}
	if len(rec.ids[42]) != 0 {
		t.Errorf("after the clear chat 42 still has %v recorded", rec.ids[42])
	}
}

// listRecords keeps the message IDs recorded per chat.
type listRecords struct {
	memRecords
	mu  sync.Mutex
	ids map[int64][]int
}

func (l *listRecords) RecordMessage(_ context.Context, chat int64, id int, _ time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids[chat] = append(l.ids[chat], id)
	return nil
}

func (l *listRecords) RecentMessages(_ context.Context, chat int64, _ time.Time) ([]int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids[chat]), nil
}

func (l *listRecords) ForgetMessages(_ context.Context, chat int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.ids, chat)
	return nil
}

type countingRecords struct {
	memRecords
	recorded atomic.Int64
}

func (c *countingRecords) RecordMessage(context.Context, int64, int, time.Time) error {
	c.recorded.Add(1)
	return nil
}

// TestSenderProtectsTheGroup: what goes into the advisors' group cannot
// be forwarded or saved out of it; her own chat is left as it is.
func TestSenderProtectsTheGroup(t *testing.T) {
	s, out, api, clock := newTestSender(t, DefaultLimits)
	out.add(bot.Action{Chat: -1001, Ticket: 1, Thread: 9, Text: "summary: her question"})
	out.add(bot.Action{Chat: 42, Text: "you are connected"})
	drain(t, s, out, clock)
	for i, m := range api.sent {
		if want := m.chat < 0; api.protect[i] != want {
			t.Errorf("message to %d: protect_content %v, want %v", m.chat, api.protect[i], want)
		}
	}
}

// TestSenderDepthFollowsDeliveries: the outbox depth on /metrics drops as
// messages leave, so a step that delivered everything leaves it at 0 and
// what waits for the chat's rate is still counted.
func TestSenderDepthFollowsDeliveries(t *testing.T) {
	s, out, _, clock := newTestSender(t, DefaultLimits)
	out.add(bot.Action{Chat: 1, Text: "one"})
	out.add(bot.Action{Chat: 2, Text: "two"})
	out.add(bot.Action{Chat: 2, Text: "two, a second later"})
	s.Step(context.Background(), *clock)
	if got := outboxDepth(t, s.metrics); got != 1 {
		t.Errorf("after a step that sent 2 of 3, depth %v, want 1", got)
	}
	drain(t, s, out, clock)
	if got := outboxDepth(t, s.metrics); got != 0 {
		t.Errorf("after delivering everything, depth %v, want 0", got)
	}
}

func outboxDepth(t *testing.T, m *Metrics) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "veiviser_outbox_depth" {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no veiviser_outbox_depth")
	return 0
}
