// Package store keeps Veiviser's state in one bbolt file: sessions, the
// outbox of messages to deliver, the IDs of handled events, unanswered
// questions and statistics. Every change of one event is one bbolt
// transaction, so a crash leaves either all of it or none of it. Next to
// the file, a journal (journal.go) records deliveries the instant Telegram
// accepts them, without a disk sync, and is folded into bbolt in batches.
package store
