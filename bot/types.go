package bot

import (
	"context"
	"time"
)

// EventKind says what the user did.
type EventKind int

const (
	// EventText is a free-text message.
	EventText EventKind = iota
	// EventButton is a press on a button; Event.Data holds its data.
	EventButton
	// EventCommand is a /command; Event.Command is its name, Event.Text its arguments.
	EventCommand
	// EventMedia is something the bot cannot read: photo, voice, sticker, file.
	EventMedia
	// EventBlocked means she blocked the bot: nothing queued can reach her.
	EventBlocked
)

// Event is one thing a user did, in the engine's terms.
type Event struct {
	ID        string // channel's update ID: a redelivered event with a seen ID is ignored
	Chat      int64  // where replies go; the only identity the engine keeps
	Kind      EventKind
	Text      string // message text, or command arguments
	Command   string // lower case, without the slash
	Data      string // button data
	LangHint  string // the language the user's app is set to, e.g. "fa-IR"
	MessageID int    // the message a button was pressed on, to edit it in place
	At        time.Time
}

// Button is an option under a message. Data is at most 64 bytes.
type Button struct {
	Label string
	Data  string
}

// Action is a message the engine wants shown to a user.
type Action struct {
	Chat    int64
	Text    string
	Buttons [][]Button
	Edit    int      // message to replace; 0 sends a new message
	Lang    string   // language of Text, for the channel's own formatting
	Phones  []string // numbers in Text the channel should make tappable
}

// Session is what the engine remembers about one chat between events.
type Session struct {
	Chat       int64
	Lang       string
	LangChosen bool      // she picked it herself; free text in another language does not change it
	Screen     string    // where she is: "menu", "topic:<id>", "entry:<id>", "lang"
	Misses     int       // free-text questions in a row the bot could not answer
	Created    time.Time // first contact
	Seen       time.Time // last event
}

// Question is a free-text question the bot could not answer, kept for staff
// without anything that tells who asked.
type Question struct {
	Lang string
	Text string
	At   time.Time
}

// Change is everything one event changes, committed atomically.
type Change struct {
	EventID  string   // remembered so the event is handled at most once
	Session  *Session // new state; nil when the event changed nothing
	Forget   int64    // erase every trace of this chat first (0: none)
	Unqueue  int64    // drop the messages queued for this chat (0: none)
	Actions  []Action // queued for delivery
	Question *Question
	Count    []string // statistics counters to add one to, e.g. "answer:permit-renewal"
}

// Store keeps sessions and queues outgoing actions. bot/store implements it
// on bbolt.
type Store interface {
	Session(ctx context.Context, chat int64) (Session, bool, error)
	Seen(ctx context.Context, eventID string) (bool, error)
	Commit(ctx context.Context, c Change) error
}

// Queued is an action waiting in the outbox; ID orders it among the others.
type Queued struct {
	ID     uint64
	Action Action
}
