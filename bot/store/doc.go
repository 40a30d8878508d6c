// Package store keeps Veiviser's state in one bbolt file. Every change of
// one event is one bbolt transaction, so a crash leaves either all of it
// or none of it. Next to the file, a journal (journal.go) records
// deliveries the instant Telegram accepts them, without a disk sync, and
// is folded into bbolt in batches.
//
// The buckets, what they hold, and for how long (docs/privacy.md says why):
//
//	sessions     her language, screen, discreet mode, ticket, recent ticket
//	             times, last unanswered question; keyed by a keyed hash of
//	             the chat ID; until the retention period without use, or /forget
//	outbox       actions to deliver, in order (a versioned record, outbox.go);
//	             until Telegram accepts or refuses one for good, or /forget
//	messages     message IDs in her chat for /clear; 48 hours
//	tickets      conversations with advisors, with her chat ID; closed ones for
//	             the retention period, open ones with her session
//	threads      advisors' topic or message → ticket; with the ticket
//	advisors     advisors' user IDs, names, languages
//	subscribers  chat IDs that asked for announcements; until /unsubscribe,
//	             /forget, blocking the bot, or her session's retention ends
//	questions    unanswered questions, without who asked; the retention period
//	events       handled update IDs, so a redelivery is ignored; 48 hours
//	stats        daily counters, without identity; kept
//	versions     published content versions (staff data); a version names
//	             its recordings in blobs instead of copying them
//	blobs        the content's recordings by SHA-256; kept with the versions
//	fileids      recording SHA-256 → Telegram's file ID, so each is uploaded once
//	volunteers   volunteers' user IDs, names, languages; until /volunteer remove
//	meta         the staged version, the current version's number, the
//	             languages whose answers start with their recording
package store
