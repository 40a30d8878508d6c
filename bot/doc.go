// Package bot is the conversation engine of Veiviser, independent of any
// chat channel. An Event (text, button press, command, media) goes in; the
// engine decides the reply from the content catalog and the user's session,
// and commits the new session state together with the outgoing Actions in
// one Store transaction, so that nothing it decided to send can be lost.
// Channel adapters (bot/telegram, bot/shell) turn their own updates into
// Events and deliver the queued Actions.
package bot
