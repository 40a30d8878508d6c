// Package telegram connects the engine to Telegram through
// github.com/go-telegram/bot. It turns updates into engine events (decode.go),
// receives them by long polling or webhook (receive.go), and delivers the
// engine's outbox within Telegram's rate limits (sender.go), over an HTTP
// client that sends each request whole (transport.go). Telegram types do
// not leave this package.
package telegram
