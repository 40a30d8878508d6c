package telegram

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/veiviser/veiviser/bot"
)

// API is the part of the Bot API the sender needs; *tg.Bot implements it.
type API interface {
	SendMessage(ctx context.Context, p *tg.SendMessageParams) (*models.Message, error)
	EditMessageText(ctx context.Context, p *tg.EditMessageTextParams) (*models.Message, error)
	CopyMessage(ctx context.Context, p *tg.CopyMessageParams) (*models.MessageID, error)
	CreateForumTopic(ctx context.Context, p *tg.CreateForumTopicParams) (*models.ForumTopic, error)
	DeleteMessages(ctx context.Context, p *tg.DeleteMessagesParams) (bool, error)
	SendVoice(ctx context.Context, p *tg.SendVoiceParams) (*models.Message, error)
}

// Records is what the sender reads and writes besides the outbox: where a
// ticket's messages go in the advisors' group, and which messages it sent
// to a private chat (so /clear can delete them).
type Records interface {
	Ticket(ctx context.Context, n int64) (bot.Ticket, bool, error)
	LinkThread(ctx context.Context, ticket int64, thread int, anchor bool) error
	RecordMessage(ctx context.Context, chat int64, id int, at time.Time) error
	RecentMessages(ctx context.Context, chat int64, since time.Time) ([]int, error)
	ForgetMessages(ctx context.Context, chat int64) error
	FileID(ctx context.Context, sum string) (string, bool, error)
	SetFileID(ctx context.Context, sum, id string) error
}

// Outbox is the durable queue the engine writes to.
type Outbox interface {
	PendingFor(ctx context.Context, limit int, want func(chat int64) bool) ([]bot.Queued, error)
	Done(ctx context.Context, id uint64) error
}

// telegramChat reports the chats this channel delivers: all but the web's.
func telegramChat(chat int64) bool { return !bot.IsWebChat(chat) }

// Sender delivers the outbox: oldest first, one chat's messages in order,
// within Telegram's limits. A message leaves the outbox only after Telegram
// accepted it or refused it for good, so a crash or an outage delays
// messages but never loses one.
type Sender struct {
	api     API
	outbox  Outbox
	records Records
	forum   bool // the advisors' group has forum topics
	limits  Limits
	log     *slog.Logger
	metrics *Metrics

	global      *pace
	chats       map[int64]*pace
	pausedUntil map[int64]time.Time // per chat: after 429 or errors
	attempts    map[int64]int       // failed attempts in a row, per chat
	globalPause time.Time
	lastSuccess time.Time
	mu          sync.Mutex // guards the pacing state above while lanes send
	wake        chan struct{}
	// waitUntil holds a lane until a message's booked moment; tests move
	// their fake clock instead.
	waitUntil func(ctx context.Context, t time.Time)
	// audio gives a recording's bytes for its first upload; uploading
	// holds lanes sending the same recording, so it is uploaded once.
	audio     func(ctx context.Context, sum string) ([]byte, error)
	uploading sync.Mutex
}

// NewSender returns a sender; call Run to start it.
func NewSender(api API, outbox Outbox, records Records, limits Limits, log *slog.Logger, m *Metrics) *Sender {
	return &Sender{api: api, outbox: outbox, records: records, limits: limits, log: log, metrics: m,
		global: newPace(limits.Global), chats: map[int64]*pace{}, pausedUntil: map[int64]time.Time{}, attempts: map[int64]int{},
		wake: make(chan struct{}, 1), waitUntil: sleepUntil}
}

// Wake tells the sender there is something new in the outbox.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// idle is how long the sender sleeps with nothing to do; the engine wakes
// it sooner after every commit.
const idle = time.Second

// Run delivers until ctx is done. What is still queued stays in the outbox
// for the next start.
func (s *Sender) Run(ctx context.Context) {
	for {
		start := time.Now()
		wait := s.Step(ctx, start) - time.Since(start) // the lanes may have waited for their moments
		t := time.NewTimer(max(0, wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// batch is how many queued messages one step looks at.
const batch = 512

// planned is a message the limits allow, split into Telegram-sized parts,
// and when it may go.
type planned struct {
	q      bot.Queued
	parts  []string
	at     time.Time
	joined []uint64 // queued items sent as part of q, settled with it
}

// horizon is how far ahead a step books the global rate. Booking ahead
// lets the lanes' calls overlap: with Telegram 50 ms away, booking only
// what is allowed at one instant (one message at an even 30/s) left the
// sender at 20 messages a second, a round trip each.
const horizon = time.Second

// Step sends everything the limits allow from time now to now+horizon,
// each message at its booked moment, and returns how long after now to
// wait before the next step could send more. Tests drive it with a fake clock.
func (s *Sender) Step(ctx context.Context, now time.Time) time.Duration {
	items, err := s.outbox.PendingFor(ctx, batch, telegramChat)
	if err != nil {
		s.log.Error("read outbox", "err", err)
		if len(items) == 0 {
			return idle
		}
	}
	s.metrics.setDepth(len(items))
	s.prune(items)
	next := idle
	if len(items) == 0 {
		return next
	}
	// Plan what may go now, then send it: each chat on one lane, so its
	// messages keep their order, and lanes side by side, so one slow call
	// to Telegram does not hold up every other chat.
	lanes := make([][]planned, max(1, s.limits.Parallel))
	blocked := map[int64]bool{}
	joined := map[uint64]bool{}
	full := len(items) == batch
	for i, q := range items {
		chat := q.Action.Chat
		if blocked[chat] || joined[q.ID] {
			continue
		}
		if now.Before(s.globalPause) {
			next, full = s.globalPause.Sub(now), false
			break
		}
		if until := s.pausedUntil[chat]; now.Before(until) {
			blocked[chat] = true
			next = min(next, until.Sub(now))
			continue
		}
		var also []uint64
		if q.Action.Join {
			q, also = join(q, items[i+1:])
			for _, id := range also {
				joined[id] = true
			}
		}
		parts := splitText(q.Action.Text)
		rate := s.limits.Chat
		if chat < 0 {
			rate = s.limits.Group
		}
		b := s.chats[chat]
		if b == nil {
			b = newPace(rate)
			s.chats[chat] = b
		}
		// A long answer's parts go one after the other once the bucket is
		// full; it never holds room for more than its burst at once.
		if w := b.wait(now, min(len(parts), b.lim.Burst())); w > 0 {
			blocked[chat] = true
			next = min(next, w)
			continue
		}
		w := s.global.wait(now, len(parts))
		if w > horizon {
			next, full = min(next, w-horizon), false
			break
		}
		// A ticket's first post makes its thread, which what is queued
		// after it relies on (her "you are connected", an advisor's reply
		// to the post): it is sent on its own, and the rest in the next
		// step. A post that cannot go now (paused) holds nothing up.
		opens := s.opensThread(ctx, q.Action)
		if opens && anyPlanned(lanes) {
			full = true
			break
		}
		at := now.Add(w)
		b.book(at, len(parts))
		s.global.book(now, len(parts)) // into debt: the next booking comes later
		lane := uint64(chat) % uint64(len(lanes))
		lanes[lane] = append(lanes[lane], planned{q, parts, at, also})
		if opens {
			full = true // look again at once, with the thread made
			break
		}
	}
	var wg sync.WaitGroup
	for _, lane := range lanes {
		if len(lane) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.deliverLane(ctx, lane)
		}()
	}
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, lane := range lanes {
		for _, p := range lane {
			for _, until := range []time.Time{s.pausedUntil[p.q.Action.Chat], s.globalPause} {
				if now.Before(until) {
					next = min(next, until.Sub(now))
				}
			}
		}
	}
	// Anything not blocked was sent; look again at once for what came
	// behind it. A step that could send nothing waits: looking again at
	// once would find the same blocked chats and spin.
	if full && anyPlanned(lanes) && ctx.Err() == nil {
		return 0
	}
	return next
}

// join appends to q's text the texts queued right behind it for the same
// ticket that may be joined, up to one Telegram message, and returns their IDs. It
// stops at the first other message to that chat, which must not be
// overtaken.
func join(q bot.Queued, rest []bot.Queued) (bot.Queued, []uint64) {
	var ids []uint64
	text := q.Action.Text
	for _, r := range rest {
		if r.Action.Chat != q.Action.Chat {
			continue
		}
		if !r.Action.Join || r.Action.Ticket != q.Action.Ticket || utf16Len(text)+1+utf16Len(r.Action.Text) > maxText {
			break
		}
		text += "\n" + r.Action.Text
		ids = append(ids, r.ID)
	}
	q.Action.Text = text
	return q, ids
}

// opensThread reports a message to the advisors' group that will make its
// ticket's thread (a forum topic, or the post replies hang under).
func (s *Sender) opensThread(ctx context.Context, a bot.Action) bool {
	if a.Chat >= 0 || a.Ticket == 0 || a.Thread != 0 {
		return false
	}
	tk, _, err := s.records.Ticket(ctx, a.Ticket)
	return err == nil && tk.Thread == 0
}

// anyPlanned reports whether any lane has a message planned.
func anyPlanned(lanes [][]planned) bool {
	for _, l := range lanes {
		if len(l) > 0 {
			return true
		}
	}
	return false
}

// deliverLane sends one lane's messages in order. After a failure the rest
// of that chat's messages wait for the next step, so none overtakes it.
func (s *Sender) deliverLane(ctx context.Context, lane []planned) {
	failed := map[int64]bool{}
	for _, p := range lane {
		chat := p.q.Action.Chat
		if failed[chat] || ctx.Err() != nil || s.throttled(p.at) {
			continue
		}
		s.waitUntil(ctx, p.at)
		if ctx.Err() != nil || s.throttled(p.at) {
			continue
		}
		if !s.deliver(ctx, p.q, p.parts, p.at) {
			failed[chat] = true
			continue
		}
		for _, id := range p.joined {
			s.settle(ctx, id)
		}
	}
}

// sleepUntil is the real waitUntil.
func sleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// throttled reports whether Telegram asked the whole bot to wait.
func (s *Sender) throttled(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return now.Before(s.globalPause)
}

// prune forgets the pacing state of chats with nothing queued once there
// are many: after a second or two their buckets are full again anyway, and
// a long-running bot should not keep a record of every chat it served.
func (s *Sender) prune(items []bot.Queued) {
	if len(s.chats) < 10000 {
		return
	}
	queued := map[int64]bool{}
	for _, q := range items {
		queued[q.Action.Chat] = true
	}
	for chat := range s.chats {
		if !queued[chat] && s.attempts[chat] == 0 {
			delete(s.chats, chat)
			delete(s.attempts, chat)
			delete(s.pausedUntil, chat)
		}
	}
}

// deliver sends one action and settles it; false means it stays queued.
func (s *Sender) deliver(ctx context.Context, q bot.Queued, parts []string, now time.Time) bool {
	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if s.limits.Timeout > 0 {
		callCtx, cancel = context.WithTimeout(ctx, s.limits.Timeout)
	}
	err := s.send(callCtx, q.Action, parts, now)
	cancel()
	if err != nil && ctx.Err() != nil {
		return false // shutting down: it stays queued for the next start
	}
	if s.account(err, q.Action.Chat, now) {
		s.settle(ctx, q.ID)
		return true
	}
	return false
}

// account updates the pacing state after a send and reports whether the
// message is settled: sent, or refused for good.
func (s *Sender) account(err error, chat int64, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err == nil:
		delete(s.attempts, chat)
		s.lastSuccess = now
		s.metrics.sent.Inc()
		return true
	case tg.IsTooManyRequestsError(err):
		var tmr *tg.TooManyRequestsError
		errors.As(err, &tmr)
		wait := time.Duration(max(1, tmr.RetryAfter)) * time.Second
		s.pausedUntil[chat] = now.Add(wait)
		s.globalPause = now.Add(wait)
		s.metrics.throttled.Inc()
		s.log.Warn("telegram asks to slow down", "retry_after_s", tmr.RetryAfter)
		return false
	case permanent(err):
		s.metrics.errors.WithLabelValues(errorCode(err)).Inc()
		s.metrics.dropped.Inc()
		s.log.Warn("message dropped", "code", errorCode(err))
		return true
	default:
		s.attempts[chat]++
		backoff := min(30*time.Second, 500*time.Millisecond<<min(s.attempts[chat]-1, 6))
		s.pausedUntil[chat] = now.Add(backoff)
		s.metrics.errors.WithLabelValues(errorCode(err)).Inc()
		s.log.Warn("send failed, will retry", "code", errorCode(err), "backoff", backoff)
		return false
	}
}

func (s *Sender) settle(ctx context.Context, id uint64) {
	if err := s.outbox.Done(ctx, id); err != nil {
		s.log.Error("outbox done", "err", err)
	}
	// The depth follows the batch down as it leaves: read at the start of
	// a step only, it said a delivered batch was still waiting until the
	// idle sender looked again, a second later.
	s.metrics.depth.Dec()
}

// send makes the Bot API calls for one action.
func (s *Sender) send(ctx context.Context, a bot.Action, parts []string, now time.Time) error {
	kind := a.Kind()
	switch kind {
	case bot.KindDelete:
		return s.delete(ctx, a, now)
	case bot.KindVoice:
		return s.sendVoice(ctx, a, now)
	}
	thread, err := s.thread(ctx, a)
	if err != nil {
		return err
	}
	if kind == bot.KindCopy {
		p := &tg.CopyMessageParams{ChatID: a.Chat, FromChatID: a.CopyFrom, MessageID: a.CopyMessage, DisableNotification: a.Silent,
			ProtectContent: protect(a)}
		p.MessageThreadID, p.ReplyParameters = s.place(thread)
		res, err := s.api.CopyMessage(ctx, p)
		if err != nil {
			return err
		}
		s.sent(ctx, a, res.ID, thread, now)
		return nil
	}
	if kind == bot.KindEdit && len(parts) == 1 {
		_, err := s.api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: a.Chat, MessageID: a.Edit, Text: parts[0],
			Entities: entities(parts[0], a), ReplyMarkup: keyboard(a.Buttons), LinkPreviewOptions: noPreview()})
		switch {
		case err == nil || isBadRequest(err, "message is not modified"):
			return nil
		case !isBadRequest(err, ""):
			return err
		}
	}
	if len(a.Mentions) > 0 {
		parts[len(parts)-1] += mentionLine(a.Mentions)
	}
	for i, p := range parts {
		params := &tg.SendMessageParams{ChatID: a.Chat, Text: p, Entities: entities(p, a), LinkPreviewOptions: noPreview(), DisableNotification: a.Silent,
			ProtectContent: protect(a)}
		params.MessageThreadID, params.ReplyParameters = s.place(thread)
		if i == len(parts)-1 {
			params.ReplyMarkup = keyboard(a.Buttons)
		}
		msg, err := s.api.SendMessage(ctx, params)
		if err != nil {
			return err
		}
		s.sent(ctx, a, msg.ID, thread, now)
		if thread == 0 && a.Ticket != 0 && !s.forum {
			thread = msg.ID // the first post anchors the ticket's thread
		}
	}
	return nil
}

// errNoRecording means a recording to send is no longer in the content.
var errNoRecording = errors.New("recording no longer in the content")

// sendVoice sends a recording by the file ID Telegram gave it when it was
// first uploaded; the first time, or when Telegram no longer knows that
// ID, it uploads the bytes and keeps the new ID. Voice notes go to
// private chats only: users, staff, volunteers.
func (s *Sender) sendVoice(ctx context.Context, a bot.Action, now time.Time) error {
	sum := a.Voice.SHA256
	s.uploading.Lock()
	defer s.uploading.Unlock()
	id, known, err := s.records.FileID(ctx, sum)
	if err != nil {
		return err
	}
	p := &tg.SendVoiceParams{ChatID: a.Chat, DisableNotification: a.Silent, ProtectContent: protect(a)}
	if known {
		p.Voice = &models.InputFileString{Data: id}
		msg, err := s.api.SendVoice(ctx, p)
		switch {
		case err == nil:
			s.sent(ctx, a, msg.ID, 0, now)
			return nil
		case !isBadRequest(err, ""):
			return err
		}
		s.log.Warn("recording's file ID refused, uploading it again", "code", errorCode(err))
	}
	if s.audio == nil {
		return errNoRecording
	}
	data, err := s.audio(ctx, sum)
	if err != nil {
		s.log.Warn("recording to send", "err", err)
		return errNoRecording
	}
	p.Voice = &models.InputFileUpload{Filename: path.Base(a.Voice.File), Data: bytes.NewReader(data)}
	msg, err := s.api.SendVoice(ctx, p)
	if err != nil {
		return err
	}
	if msg.Voice != nil {
		if err := s.records.SetFileID(ctx, sum, msg.Voice.FileID); err != nil {
			s.log.Error("keep recording's file ID", "err", err)
		}
	}
	s.sent(ctx, a, msg.ID, 0, now)
	return nil
}

// thread finds where in the advisors' group a ticket's message goes,
// creating the ticket's forum topic the first time. A topic already
// created (the action is being retried) is not created again.
func (s *Sender) thread(ctx context.Context, a bot.Action) (int, error) {
	if a.Thread != 0 || a.Ticket == 0 {
		return a.Thread, nil
	}
	tk, _, err := s.records.Ticket(ctx, a.Ticket)
	if err != nil || tk.Thread != 0 || a.NewTopic == "" || !s.forum {
		return tk.Thread, err
	}
	topic, err := s.api.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: a.Chat, Name: a.NewTopic})
	if err != nil {
		return 0, err
	}
	if err := s.records.LinkThread(ctx, a.Ticket, topic.MessageThreadID, true); err != nil {
		return 0, err
	}
	return topic.MessageThreadID, nil
}

// place puts a message in a forum topic, or, in a group without topics,
// as a reply to the ticket's first message.
func (s *Sender) place(thread int) (int, *models.ReplyParameters) {
	switch {
	case thread == 0:
		return 0, nil
	case s.forum:
		return thread, nil
	}
	return 0, &models.ReplyParameters{MessageID: thread, AllowSendingWithoutReply: true}
}

// sent records a delivered message: in a private chat for /clear, in the
// advisors' group so a reply to it finds the ticket. An ephemeral message
// is not recorded but deleted after its time.
func (s *Sender) sent(ctx context.Context, a bot.Action, id, thread int, now time.Time) {
	var err error
	switch {
	case a.Ephemeral > 0:
		s.deleteLater(a.Chat, id, a.Ephemeral)
	case a.Chat > 0:
		err = s.records.RecordMessage(ctx, a.Chat, id, now)
	case a.Ticket != 0 && !s.forum:
		err = s.records.LinkThread(ctx, a.Ticket, id, thread == 0)
	}
	if err != nil {
		s.log.Error("record sent message", "err", err)
	}
}

// deleteLater deletes a message after d. It is held in memory only: a
// restart within d leaves that one message on her screen, where writing
// her chat down to remember it would leave her in the file after /forget.
func (s *Sender) deleteLater(chat int64, id int, d time.Duration) {
	time.AfterFunc(d, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := s.api.DeleteMessages(ctx, &tg.DeleteMessagesParams{ChatID: chat, MessageIDs: []int{id}}); err != nil {
			s.log.Warn("delete confirmation", "code", errorCode(err))
		}
	})
}

// deletable is how long Telegram lets a bot delete messages in a chat.
const deletable = 48 * time.Hour

// delete removes messages, in batches of 100 as the API allows, and for
// a clear every message recorded for the chat: read now, when everything
// queued before the clear has been delivered and recorded. Messages too
// old to delete are not an error: there is nothing more to do.
func (s *Sender) delete(ctx context.Context, a bot.Action, now time.Time) error {
	ids := a.Delete
	if a.Clear {
		recorded, err := s.records.RecentMessages(ctx, a.Chat, now.Add(-deletable))
		if err != nil {
			return err
		}
		ids = append(recorded, ids...)
	}
	for len(ids) > 0 {
		n := min(100, len(ids))
		if _, err := s.api.DeleteMessages(ctx, &tg.DeleteMessagesParams{ChatID: a.Chat, MessageIDs: ids[:n]}); err != nil && !isBadRequest(err, "") {
			return err
		}
		ids = ids[n:]
	}
	if a.Clear {
		return s.records.ForgetMessages(ctx, a.Chat)
	}
	return nil
}

// protect keeps what reaches the advisors' group from being forwarded or
// saved out of it: her messages, and the summaries with her question.
func protect(a bot.Action) bool { return a.Chat < 0 }

// noPreview keeps link previews out: a preview card of a violence helpline
// is the kind of thing that catches the eye on a shared phone.
func noPreview() *models.LinkPreviewOptions {
	disabled := true
	return &models.LinkPreviewOptions{IsDisabled: &disabled}
}

// permanent reports errors that retrying cannot fix: she blocked the bot,
// the chat is gone, or Telegram refuses the message itself.
func permanent(err error) bool {
	return errors.Is(err, tg.ErrorForbidden) || errors.Is(err, tg.ErrorBadRequest) || errors.Is(err, tg.ErrorNotFound) ||
		errors.Is(err, errNoRecording)
}

func isBadRequest(err error, text string) bool {
	return errors.Is(err, tg.ErrorBadRequest) && strings.Contains(err.Error(), text)
}

// errorCode is a short, low-cardinality label for metrics and logs: never
// the error text, which can carry chat IDs.
func errorCode(err error) string {
	switch {
	case tg.IsTooManyRequestsError(err):
		return "429"
	case errors.Is(err, tg.ErrorForbidden):
		return "403"
	case errors.Is(err, tg.ErrorBadRequest):
		return "400"
	case errors.Is(err, tg.ErrorNotFound):
		return "404"
	case errors.Is(err, tg.ErrorUnauthorized):
		return "401"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Timeout"):
		return "timeout"
	case strings.Contains(err.Error(), "error response from telegram"):
		return "5xx"
	}
	return "network"
}

// Healthy reports whether the sender is not stuck: it sent something
// recently, or has nothing to send.
func (s *Sender) Healthy(now time.Time, depth int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return depth == 0 || now.Sub(s.lastSuccess) < 5*time.Minute
}
