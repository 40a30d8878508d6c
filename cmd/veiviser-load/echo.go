package main

import (
	"context"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/veiviser/veiviser/bot/telegram"
)

// startEcho runs the baseline: a bare go-telegram/bot bot with its default
// options, long polling, that sends every message's text back. A button
// press is answered (answerCallbackQuery, as any bot must) and its data
// sent back, so every step of a conversation gets one reply. Tuned, it
// talks through Veiviser's own HTTP client instead of the default one.
func startEcho(ctx context.Context, apiURL string, tuned bool) (stop func() error, err error) {
	echo := func(ctx context.Context, b *tg.Bot, u *models.Update) {
		switch {
		case u.Message != nil:
			_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
		case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
			_, _ = b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: u.CallbackQuery.ID})
			_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.CallbackQuery.Message.Message.Chat.ID, Text: u.CallbackQuery.Data})
		}
	}
	opts := []tg.Option{tg.WithServerURL(apiURL), tg.WithDefaultHandler(echo)}
	if tuned {
		// Veiviser's own HTTP client: requests whole, connections kept.
		const pollTimeout = time.Minute // the library's default
		opts = append(opts, tg.WithHTTPClient(pollTimeout, telegram.HTTPClient(pollTimeout, 8)))
	}
	b, err := tg.New("123456:ECHO-test-token", opts...)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	return func() error { cancel(); <-done; return nil }, nil
}
