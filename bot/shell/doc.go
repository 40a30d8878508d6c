// Package shell is a terminal channel for the engine: the same
// conversations as on Telegram, with buttons shown as numbered options. It
// needs no token and is how staff and developers try the bot, and how the
// engine's golden transcripts are written.
package shell
