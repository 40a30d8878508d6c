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
	// EventDocument is a file; File holds its bytes when the channel fetched
	// them (only for staff, who upload content this way).
	EventDocument
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
	MessageID int    // her message, or the message a button was pressed on (to edit it in place)
	At        time.Time

	// Advisor events come from the advisors' group.
	Advisor  bool
	From     int64  // advisor's user ID (never set for the women)
	FromName string // advisor's first name, to mention her in the group
	Thread   int    // forum topic of the message, or the group message it replies to

	FileName string // EventDocument
	File     []byte

	Edited bool // a correction of an earlier message
	// Voice is set for a voice note. Fetch, when the channel can, gets its
	// bytes: only a volunteer's recording is fetched, never a user's.
	Voice bool
	Fetch func(ctx context.Context) ([]byte, error) `json:"-"`
	// Revealing is set for what tells more than she may know: a file (its
	// name, a photo's location inside it), a contact, a location.
	Revealing bool
}

// Button is an option under a message. Data is at most 64 bytes.
type Button struct {
	Label string
	Data  string
}

// Action is a message the engine wants shown to a user or posted in the
// advisors' group.
type Action struct {
	Chat    int64
	Text    string
	Buttons [][]Button
	Edit    int      // message to replace; 0 sends a new message
	Lang    string   // language of Text, for the channel's own formatting
	Phones  []string // numbers in Text the channel should make tappable

	// For the advisors' group: the ticket whose topic the message goes to
	// (resolved when it is sent, since the topic is created by an earlier
	// action), a topic to create first, and advisors to mention.
	Ticket   int64
	Thread   int // the topic or message to post under, when already known
	NewTopic string
	Mentions []Mention

	// Copy a message instead of sending Text: the channel copies it without
	// its sender's name, username or phone number.
	CopyFrom    int64
	CopyMessage int

	// Join lets the channel send this text together with the texts of
	// the same ticket queued right behind it that are marked Join too, as
	// one message: what she writes faster than the group may receive.
	Join bool

	// Delete these messages of the chat instead of sending anything.
	Delete []int
	// Clear deletes, besides Delete, every message the channel recorded
	// as delivered to the chat, and then forgets them. The channel reads
	// its record when it delivers this action, after everything queued
	// before it: an answer still on its way when she wrote /clear is
	// deleted too, where a list taken by the engine would have missed it.
	Clear bool
	// Hide the text after its first line until tapped (a spoiler), so a
	// glance at the screen or a notification reveals nothing.
	Discreet bool
	// Silent sends without a sound or vibration: in discreet mode nothing
	// the bot sends should draw the eye of someone else in the room.
	Silent bool
	// AfterPrevious holds this action until the action queued just before
	// it in the same change has been delivered, across chats: her "you are
	// connected" must not arrive before the advisors have her summary.
	AfterPrevious bool
	// Voice sends a recording of the content instead of Text.
	Voice *Voice `json:",omitempty"`
	// Ephemeral deletes the message this long after it was sent, and it is
	// not remembered for /clear: the confirmations of /clear and /forget
	// must not stay behind as a sign she used them.
	Ephemeral time.Duration
}

// ActionKind is what an action does; its fields follow from it.
type ActionKind string

// Kinds of action.
const (
	KindSend   ActionKind = "send"   // Text (with Buttons) as a new message
	KindEdit   ActionKind = "edit"   // Text replaces message Edit; sent anew if that cannot be edited
	KindCopy   ActionKind = "copy"   // message CopyMessage of chat CopyFrom, without its sender
	KindDelete ActionKind = "delete" // messages Delete of the chat
	KindVoice  ActionKind = "voice"  // the recording Voice, uploaded once and then sent by the channel's file ID
)

// Voice is a recording of the content, named by its checksum so the
// channel can upload it once and reuse what the platform calls it.
type Voice struct {
	File   string // path in the content, for the upload's file name and the shell
	SHA256 string
}

// Kind is what the action does: a deletion if it names messages to
// delete, else a copy if it names one to copy, else an edit if it names
// one to edit, else a new message. In a group, a send or a copy may first
// open the ticket's topic (NewTopic).
func (a Action) Kind() ActionKind {
	switch {
	case len(a.Delete) > 0 || a.Clear:
		return KindDelete
	case a.Voice != nil:
		return KindVoice
	case a.CopyMessage != 0:
		return KindCopy
	case a.Edit != 0:
		return KindEdit
	}
	return KindSend
}

// Mention is an advisor named in a group message so she is notified.
type Mention struct {
	User int64
	Name string
}

// Session is what the engine remembers about one chat between events.
type Session struct {
	Chat          int64
	Lang          string
	LangChosen    bool        // she picked it herself; free text in another language does not change it
	Screen        string      // where she is: "menu", "topic:<id>", "entry:<id>", "lang"
	Misses        int         // free-text questions in a row the bot could not answer
	Created       time.Time   // first contact
	Seen          time.Time   // last event
	Ticket        int64       // her waiting or open ticket, 0 if none
	Discreet      bool        // sensitive answers start with a neutral line and hide the rest; sends are silent
	DiscreetAsked bool        // she was asked whether she shares the phone
	Asked         string      // her last unanswered question, shown to the advisor if she asks for one; cleared after
	Opened        []time.Time // when she opened her tickets of the last hour, to cap them
}

// Ticket states.
const (
	TicketWaiting = "waiting" // no advisor has answered yet
	TicketOpen    = "open"    // an advisor answered
	TicketClosed  = "closed"
)

// Ticket is one conversation between a woman and the advisors. It holds
// her chat ID because replies must reach her, and nothing else about her.
type Ticket struct {
	Number     int64
	Chat       int64
	Lang       string
	Topic      string // where in the menu she came from
	State      string
	Created    time.Time
	FirstReply time.Time
	Closed     time.Time
	TakenBy    int64 // advisor who took it
	Raised     bool  // raised to every advisor after waiting too long
	Reminded   time.Time
	Thread     int    // forum topic, or the summary message in a group without topics
	Asked      string // the question the bot could not answer before she asked for a person
}

// Advisor is a member of the advisors' group who registered her languages.
type Advisor struct {
	User  int64
	Name  string
	Langs []string
}

// Question is a free-text question the bot could not answer, kept for staff
// without anything that tells who asked.
type Question struct {
	ID   uint64 `json:"-"` // given by the store, to refer to it when staff teach the bot with it
	Lang string
	Text string
	At   time.Time
}

// Change is everything one event changes, committed atomically.
type Change struct {
	EventID  string   // remembered so the event is handled at most once
	Session  *Session // new state; nil when the event changed nothing
	Chat     ChatOps  // what happens to a chat's other traces: erasing, unqueueing, message IDs
	Actions  []Action // queued for delivery
	Question *Question
	Taught   []uint64          // unanswered questions staff have made examples of: no longer unanswered
	Count    []string          // statistics counters to add one to, e.g. "answer:permit-renewal"
	Add      map[string]uint64 // statistics counters to add to, e.g. seconds to first reply
	Tickets  []Ticket          // created tickets
	// Changes to stored tickets, applied to the ticket as it is inside the
	// commit: an advisor's "take" and her /end at the same moment must not
	// undo each other, as whole copies read before the commit would.
	TicketOps []TicketOp
	Advisor   *Advisor // registered or changed advisor

	Subscription *Subscription // opt in or out of announcements

	Volunteer     *Volunteer  // added or changed volunteer
	DropVolunteer int64       // remove this volunteer (0: none)
	VoiceFirst    *LangSwitch // send recordings before the text in a language, or stop
}

// Volunteer is a trained guide from the users' communities who reviews
// and records the content in her languages from her phone. She sees her
// review commands only: no tickets, questions or statistics.
type Volunteer struct {
	User  int64    // her Telegram user ID, which is her private chat's
	Name  string   // as staff wrote it: what the content records as reviewer
	Langs []string // the languages she reviews
	Added time.Time
	By    int64 // the staff member who added her
}

// LangSwitch turns a setting on or off for one language.
type LangSwitch struct {
	Lang string
	On   bool
}

// ChatOps are what one event does to the traces of a chat kept beside its
// session: what is queued for it and the IDs of her messages (/clear
// deletes those), or everything (/forget). A zero chat means none.
type ChatOps struct {
	Forget     int64 // erase every trace of this chat first
	Unqueue    int64 // drop the messages queued for this chat
	Messages   []int // her message IDs in chat MessagesOf, kept 48 hours so /clear can delete them
	MessagesOf int64
}

// TicketOp changes ticket Number. Apply gets the stored ticket and
// returns false to leave it as it is (its state moved on meanwhile); it may
// run more than once and must only change t.
type TicketOp struct {
	Number int64
	Apply  func(t *Ticket) bool
}

// Subscription is a chat's opt-in to announcements in its language.
type Subscription struct {
	Chat int64
	Lang string
	On   bool
}

// Version is a published state of the content.
type Version struct {
	Number  int
	By      int64 // staff member's user ID; 0 for the content directory or a signal
	At      time.Time
	Summary string
}

// Store keeps sessions and tickets and queues outgoing actions. bot/store
// implements it on bbolt.
type Store interface {
	Session(ctx context.Context, chat int64) (Session, bool, error)
	Seen(ctx context.Context, eventID string) (bool, error)
	Commit(ctx context.Context, c Change) error

	Ticket(ctx context.Context, number int64) (Ticket, bool, error)
	TicketByThread(ctx context.Context, thread int) (Ticket, bool, error)
	Tickets(ctx context.Context, state string) ([]Ticket, error)
	NextTicketNumber(ctx context.Context) (int64, error)
	Advisors(ctx context.Context) ([]Advisor, error)
	Counters(ctx context.Context, prefix string, since time.Time) (map[string]uint64, error)
}

// WebChats is where the chat IDs of web chat sessions start: above any
// Telegram ID (those have at most 52 bits), so one engine, one store and
// one outbox serve both channels, each delivering its own chats.
const WebChats int64 = 1 << 60

// IsWebChat reports a chat of the web channel.
func IsWebChat(chat int64) bool { return chat >= WebChats }

// PendingPerChat is the most queued actions of one chat that an outbox's
// Pending returns: a chat that cannot send now (the advisors' group at
// 20 messages a minute, with a backlog) must not hide the chats behind it.
const PendingPerChat = 32

// Queued is an action waiting in the outbox; ID orders it among the others.
type Queued struct {
	ID     uint64
	Action Action
}
