package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/veiviser/veiviser/bot"
)

// Config is how the service reaches Telegram and offers its own endpoints.
type Config struct {
	Token         string
	APIURL        string // Bot API server; tests point it at a local fake
	WebhookURL    string // empty: long polling
	WebhookSecret string
	Listen        string  // address of the webhook endpoint
	AdvisorChat   int64   // the advisors' group; 0: no escalation
	Staff         []int64 // users whose documents are fetched (content uploads)
	Limits        Limits
	PollTimeout   time.Duration
}

// Handler is the engine as the adapter sees it: it handles events, and
// gives the content's recordings for the sender to upload.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) error
	Audio(ctx context.Context, sum string) ([]byte, error)
}

// Store is the state the adapter needs besides the engine: the outbox to
// drain and the records the sender keeps.
type Store interface {
	Outbox
	Records
}

// Translator gives interface strings in a language.
type Translator interface {
	T(lang, id string, data map[string]any) string
}

// Service is the running Telegram bot.
type Service struct {
	cfg     Config
	api     *tg.Bot
	engine  Handler
	store   Store
	strings Translator
	langs   []string
	sender  *Sender
	metrics *Metrics
	log     *slog.Logger
	client  *http.Client
	decoder Decoder
	locks   [64]sync.Mutex // events of one chat are handled in order
	failing atomic.Bool    // the last batch of updates could not be handled
	staging sync.Mutex     // one staff upload is checked at a time, off the update path
}

// HTTPClient is the client Veiviser talks to the Bot API with, for a long
// poll of pollTimeout and parallel calls at once. The load driver gives it
// to its echo bot too, for a like-for-like baseline.
func HTTPClient(pollTimeout time.Duration, parallel int) *http.Client {
	// Keep a connection for each lane of the sender, the long poll and the
	// button answers: with the default two, the rest are opened and closed
	// per call, each with its own TCP and TLS handshake to Telegram.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = parallel + 8
	return &http.Client{Timeout: pollTimeout + 15*time.Second, Transport: wholeBody{transport}}
}

// New connects to the Bot API (checking the token with getMe).
func New(ctx context.Context, cfg Config, engine Handler, store Store, strs Translator, langs []string, log *slog.Logger) (*Service, error) {
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	client := HTTPClient(cfg.PollTimeout, cfg.Limits.Parallel)
	opts := []tg.Option{
		tg.WithHTTPClient(cfg.PollTimeout, client),
		tg.WithErrorsHandler(func(err error) { log.Warn("telegram library", "code", errorCode(err)) }),
		tg.WithCheckInitTimeout(10 * time.Second),
	}
	if cfg.APIURL != "" {
		opts = append(opts, tg.WithServerURL(cfg.APIURL))
	}
	api, err := tg.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: connect: %w", redactToken(err, cfg.Token))
	}
	m := NewMetrics()
	s := &Service{cfg: cfg, api: api, engine: engine, store: store, strings: strs, langs: langs, metrics: m, log: log,
		client: client, decoder: Decoder{AdvisorChat: cfg.AdvisorChat}}
	s.sender = NewSender(api, store, store, cfg.Limits, log, m)
	s.sender.audio = engine.Audio
	return s, nil
}

// AdvisorForum asks Telegram whether the advisors' group has forum topics,
// and sets the sender up for it. Without topics, tickets are threaded by
// replies to their first message.
func (s *Service) AdvisorForum(ctx context.Context) (bool, error) {
	if s.cfg.AdvisorChat == 0 {
		return false, nil
	}
	chat, err := s.api.GetChat(ctx, &tg.GetChatParams{ChatID: s.cfg.AdvisorChat})
	if err != nil {
		return false, fmt.Errorf("telegram: advisors' group: %w", err)
	}
	s.sender.forum = chat.IsForum
	return chat.IsForum, nil
}

// Run serves until ctx is done, then stops taking updates, lets the
// update being handled finish and returns; queued messages stay in the
// outbox for the next start.
func (s *Service) Run(ctx context.Context) error {
	s.setProfile(ctx)

	senderCtx, stopSender := context.WithCancel(context.WithoutCancel(ctx))
	senderDone := make(chan struct{})
	go func() { s.sender.Run(senderCtx); close(senderDone) }()
	defer func() {
		// Give the sender a moment to deliver the last replies.
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			if items, err := s.store.PendingFor(context.Background(), 1, telegramChat); err != nil || len(items) == 0 {
				break
			}
			s.sender.Wake()
			time.Sleep(50 * time.Millisecond)
		}
		stopSender()
		<-senderDone
	}()

	if s.cfg.WebhookURL != "" {
		return s.runWebhook(ctx)
	}
	return s.runPolling(ctx)
}

// process handles one decoded update: the Telegram-side chores first, then
// the engine, one chat at a time. An error means the update must be
// delivered again (the engine remembers what it already handled).
func (s *Service) process(ctx context.Context, d Decoded) error {
	s.metrics.updates.WithLabelValues(d.Kind).Inc()
	if d.CallbackID != "" {
		// Stops the button's spinner; the reply itself goes through the
		// outbox, so this need not hold up handling the press.
		go func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if _, err := s.api.AnswerCallbackQuery(cctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: d.CallbackID}); err != nil {
				s.log.Debug("answer callback", "code", errorCode(err))
			}
		}()
	}
	if d.LeaveChat != 0 {
		if _, err := s.api.LeaveChat(ctx, &tg.LeaveChatParams{ChatID: d.LeaveChat}); err != nil {
			s.log.Warn("leave group", "code", errorCode(err))
		}
	}
	ev := d.Event
	if d.VoiceID != "" {
		// Fetched only when the engine wants it: a volunteer's recording.
		// A woman's voice note is never downloaded.
		ev.Fetch = func(ctx context.Context) ([]byte, error) { return s.fetch(ctx, d.VoiceID, d.VoiceSize) }
	}
	if d.FileID != "" && slices.Contains(s.cfg.Staff, ev.Chat) {
		// Downloading and checking a whole catalog takes a while: the
		// women's updates behind it must not wait for it. The staff member
		// gets the result when it is done; an upload lost to a restart is
		// sent again.
		go s.stage(context.WithoutCancel(ctx), d)
		return nil
	}
	return s.handle(ctx, d, ev)
}

// stage fetches a staff upload and hands it to the engine.
func (s *Service) stage(ctx context.Context, d Decoded) {
	s.staging.Lock()
	defer s.staging.Unlock()
	ev := d.Event
	data, err := s.fetch(ctx, d.FileID, d.FileSize)
	if err != nil {
		s.log.Warn("fetch staff upload", "err", err)
	}
	ev.File = data
	if err := s.handle(ctx, d, ev); err != nil {
		s.log.Error("staff upload", "err", err)
	}
}

// handle gives one event to the engine, in order with the chat's others.
func (s *Service) handle(ctx context.Context, d Decoded, ev bot.Event) error {
	switch {
	case d.BlockedChat != 0:
		ev.Chat, ev.Kind = d.BlockedChat, bot.EventBlocked
	case !d.ForEngine:
		return nil
	}
	lock := &s.locks[uint64(ev.Chat)%uint64(len(s.locks))]
	lock.Lock()
	start := time.Now()
	err := s.engine.Handle(ctx, ev)
	s.metrics.latency.Observe(time.Since(start).Seconds())
	lock.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", d.Kind, err)
	}
	s.sender.Wake()
	return nil
}

// commandMenu is the command list shown in the app, with the message ID of
// each description.
var commandMenu = []struct{ command, descID string }{
	{"menu", "CmdMenu"}, {"language", "CmdLanguage"}, {"advisor", "CmdAdvisor"}, {"end", "CmdEnd"},
	{"clear", "CmdClear"}, {"privacy", "CmdPrivacy"}, {"forget", "CmdForget"}, {"help", "CmdHelp"},
}

// maxDownload bounds a staff upload (a catalog with its recordings) and
// a volunteer's recording: it is the most the Bot API lets a bot download.
const maxDownload = 20 << 20

// fetch downloads a file a staff member sent.
func (s *Service) fetch(ctx context.Context, fileID string, size int64) ([]byte, error) {
	if size > maxDownload {
		return nil, fmt.Errorf("file of %d bytes is too large", size)
	}
	f, err := s.api.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("get file: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.api.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("download: %w", redactToken(err, s.cfg.Token))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download: %w", redactToken(err, s.cfg.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: status %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil || len(data) > maxDownload {
		return nil, fmt.Errorf("download: too large or cut off")
	}
	return data, nil
}

// setProfile publishes the command menu and descriptions per language, so
// the app shows them in her language. Failures are logged, not fatal: the
// bot works without them.
func (s *Service) setProfile(ctx context.Context) {
	for _, lang := range s.langs {
		var cmds []models.BotCommand
		for _, c := range commandMenu {
			cmds = append(cmds, models.BotCommand{Command: c.command, Description: s.strings.T(lang, c.descID, nil)})
		}
		code := lang
		if lang == "en" {
			code = "" // the default for every language without its own
		}
		if _, err := s.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, LanguageCode: code}); err != nil {
			s.log.Warn("set commands", "lang", lang, "code", errorCode(err))
		}
		desc := &tg.SetMyDescriptionParams{Description: s.strings.T(lang, "BotDescription", nil), LanguageCode: code}
		if _, err := s.api.SetMyDescription(ctx, desc); err != nil {
			s.log.Warn("set description", "lang", lang, "code", errorCode(err))
		}
		short := &tg.SetMyShortDescriptionParams{ShortDescription: s.strings.T(lang, "BotShortDescription", nil), LanguageCode: code}
		if _, err := s.api.SetMyShortDescription(ctx, short); err != nil {
			s.log.Warn("set short description", "lang", lang, "code", errorCode(err))
		}
	}
}

// Health reports why the Telegram channel is not well: the last batch of
// updates failed, or the sender has not delivered anything for a while
// with messages waiting. nil means it is.
func (s *Service) Health(ctx context.Context) error {
	if s.failing.Load() {
		return errors.New("updates are failing; see the log")
	}
	items, _ := s.store.PendingFor(ctx, 1, telegramChat)
	if !s.sender.Healthy(time.Now(), len(items)) {
		return errors.New("sender stuck")
	}
	return nil
}

// Metrics are the channel's figures, for /metrics.
func (s *Service) Metrics() prometheus.Gatherer { return s.metrics.Registry }
