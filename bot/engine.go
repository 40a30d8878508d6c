package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// Engine turns events into replies. It is safe for concurrent use by
// different chats; events of one chat must be handled one at a time (the
// channel adapters serialise them), because the session is read, changed
// and written back.
type Engine struct {
	catalog atomic.Pointer[content.Catalog]
	strings *locales.Strings
	store   Store
	now     func() time.Time
	log     *slog.Logger
	flood   *floodGuard
	esc     Escalation
	staff   map[int64]bool
	content ContentStore
	// reloadSource reads the content directory again; nil with the embedded catalog.
	reloadSource func() (*content.Catalog, content.Report, error)
	writeBack    func(files map[string][]byte) error
	// staging serialises edits of the staged content: two volunteers
	// reviewing at once must not each stage the staged content without
	// the other's review.
	staging sync.Mutex
}

// Escalation configures the hand-over to human advisors.
type Escalation struct {
	Chat       int64         // the advisors' group; 0 turns escalation off
	Lang       string        // language of the bot's posts in the group
	RemindEach time.Duration // how often a waiting ticket is brought up again
	RaiseAfter time.Duration // after this long untaken, every advisor is mentioned
	// Advisors may act on tickets; empty lets every member of the group.
	// Anyone can be added to a group, and her messages are theirs to read.
	Advisors []int64
}

// Config is what an Engine needs.
type Config struct {
	Catalog    *content.Catalog
	Strings    *locales.Strings
	Store      Store
	Now        func() time.Time // nil means time.Now
	Log        *slog.Logger     // nil discards logs
	Flood      Rate             // messages one chat may send; zero means no limit
	Escalation Escalation
	Staff      []int64 // Telegram user IDs allowed staff commands

	Content ContentStore                                     // versions, questions, subscribers; nil turns staff content tools off
	Reload  func() (*content.Catalog, content.Report, error) // reads the content directory; nil with the embedded catalog
	// WriteBack writes published content into the content directory, so
	// what staff and volunteers publish from Telegram is what a reload or
	// a restart reads; nil with the embedded catalog.
	WriteBack func(files map[string][]byte) error
}

// New returns an engine ready to handle events.
func New(cfg Config) *Engine {
	e := &Engine{strings: cfg.Strings, store: cfg.Store, now: cfg.Now, log: cfg.Log, flood: newFloodGuard(cfg.Flood),
		esc: cfg.Escalation, staff: map[int64]bool{}, content: cfg.Content, reloadSource: cfg.Reload, writeBack: cfg.WriteBack}
	for _, id := range cfg.Staff {
		e.staff[id] = true
	}
	if e.esc.Lang == "" {
		e.esc.Lang = "nb"
	}
	if e.esc.RemindEach == 0 {
		e.esc.RemindEach = 30 * time.Minute
	}
	if e.esc.RaiseAfter == 0 {
		e.esc.RaiseAfter = time.Hour
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.catalog.Store(cfg.Catalog)
	return e
}

// Catalog returns the content in use.
func (e *Engine) Catalog() *content.Catalog { return e.catalog.Load() }

// SetCatalog makes new content live for every following event; a
// conversation in progress simply continues on it. Its matcher trains
// when the first free text needs it: menus and answers do not, and a
// publish followed at once by a rollback would otherwise train twice for
// nothing.
func (e *Engine) SetCatalog(c *content.Catalog) { e.catalog.Store(c) }

// turn is the work of handling one event: what it read and what it will commit.
type turn struct {
	ctx    context.Context
	e      *Engine
	cat    *content.Catalog
	ev     Event
	s      Session
	isNew  bool
	change Change
	// flooding: she writes faster than the flood guard allows, and this
	// message is let through only because it sounds like danger.
	flooding bool
	err      error // the first thing that failed; see fail
}

// fail records the first error of a turn. The turn's change is then not
// committed, she is told something went wrong, and Handle returns the
// error, so the channel delivers the event again and it is handled anew.
func (t *turn) fail(what string, err error) {
	if t.err == nil {
		t.err = fmt.Errorf("%s: %w", what, err)
	}
}

// failed tells the chat of ev that something went wrong, once per event
// however often it is delivered again, and returns err for the channel.
func (e *Engine) failed(ctx context.Context, ev Event, lang string, thread int, err error) error {
	notice := Change{Actions: []Action{{Chat: ev.Chat, Thread: thread, Lang: lang, Text: e.translate(lang, "Error")}}}
	if ev.ID != "" {
		notice.EventID = ev.ID + "#failed"
	}
	if cerr := e.store.Commit(ctx, notice); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return fmt.Errorf("handle: %w", err)
}

// Handle processes one event and commits its consequences. An event whose
// ID was already handled is ignored, so a redelivered update is not answered twice.
func (e *Engine) Handle(ctx context.Context, ev Event) error {
	if ev.ID != "" {
		seen, err := e.store.Seen(ctx, ev.ID)
		if err != nil {
			return fmt.Errorf("handle: %w", err)
		}
		if seen {
			return nil
		}
	}
	if ev.At.IsZero() {
		ev.At = e.now()
	}
	if ev.Advisor {
		return e.handleAdvisor(ctx, ev)
	}
	if ev.Kind == EventBlocked {
		return e.blocked(ctx, ev)
	}
	flood := e.flood.check(ev.Chat, ev.At)
	flooding := flood != floodOK && ev.Kind == EventText && e.Catalog().Search(ev.Text, "").Emergency
	if flooding {
		flood = floodOK // danger is answered however fast she writes
	}
	if flood == floodDrop {
		return e.commit(ctx, Change{EventID: ev.ID, Count: []string{"flood:dropped"}})
	}
	s, found, err := e.store.Session(ctx, ev.Chat)
	if err != nil {
		return fmt.Errorf("handle: %w", err)
	}
	t := &turn{ctx: ctx, e: e, cat: e.Catalog(), ev: ev, s: s, isNew: !found, change: Change{EventID: ev.ID}, flooding: flooding}
	if !found {
		t.s = Session{Chat: ev.Chat, Created: ev.At, Screen: "lang"}
		t.s.Lang, _ = e.strings.Match(ev.LangHint)
	}
	t.s.Seen = ev.At
	if ev.MessageID != 0 && ev.Kind != EventButton {
		// Remember her message so /clear can delete it within Telegram's 48 hours.
		t.change.Chat.MessagesOf, t.change.Chat.Messages = ev.Chat, []int{ev.MessageID}
	}
	switch {
	case flood == floodWarn:
		t.count("flood:warned")
		t.send(t.tr("SlowDown"), nil)
	case t.s.Ticket != 0 && (ev.Kind == EventText || ev.Kind == EventMedia || ev.Kind == EventDocument && !t.e.staff[ev.Chat]):
		t.relay()
	default:
		t.dispatch()
	}
	if t.err != nil {
		return e.failed(ctx, ev, t.s.Lang, 0, t.err)
	}
	if t.change.Chat.Forget == 0 {
		t.change.Session = &t.s
	}
	return e.commit(ctx, t.change)
}

// blocked handles her blocking the bot: nothing can reach her any more,
// announcements neither, and the advisors of her open conversation are
// told their replies will not arrive.
func (e *Engine) blocked(ctx context.Context, ev Event) error {
	c := Change{EventID: ev.ID, Chat: ChatOps{Unqueue: ev.Chat}, Subscription: &Subscription{Chat: ev.Chat}}
	s, _, err := e.store.Session(ctx, ev.Chat)
	if err != nil {
		return fmt.Errorf("handle: %w", err)
	}
	if s.Ticket != 0 && e.esc.Chat != 0 {
		tk, found, err := e.store.Ticket(ctx, s.Ticket)
		if err != nil {
			return fmt.Errorf("handle: %w", err)
		}
		if found && tk.State != TicketClosed {
			c.Actions = append(c.Actions, Action{Chat: e.esc.Chat, Ticket: tk.Number, Thread: tk.Thread, Lang: e.esc.Lang,
				Text: e.forAdvisors("TicketBlocked")})
		}
	}
	return e.commit(ctx, c)
}

func (e *Engine) commit(ctx context.Context, c Change) error {
	if err := e.store.Commit(ctx, c); err != nil {
		return fmt.Errorf("handle: %w", err)
	}
	return nil
}

func (t *turn) dispatch() {
	switch t.ev.Kind {
	case EventCommand:
		t.command(t.ev.Command, strings.TrimSpace(t.ev.Text))
	case EventButton:
		t.button(t.ev.Data)
	case EventText:
		if t.reviewInput() {
			return
		}
		if qid, ok := strings.CutPrefix(t.s.Screen, screenTeach); ok && t.e.staff[t.ev.Chat] {
			t.teachSearch(qid, t.ev.Text)
			return
		}
		// A first message is answered too, after the greeting; if it
		// sounds like danger, the emergency numbers come before anything.
		// Only a first message needs danger known before it is answered.
		danger := t.isNew && t.cat.Search(t.ev.Text, "").Emergency
		if t.isNew && !danger {
			t.welcome()
		}
		t.question(t.ev.Text)
		if _, sure := t.e.strings.Match(t.ev.LangHint); t.isNew && danger && !sure {
			// The numbers came first, in a language guessed from a phone
			// set to one the bot does not speak (ru): now let her choose.
			t.send(t.tr("ChooseLanguage"), t.languageButtons())
		}
	case EventDocument:
		if t.e.staff[t.ev.Chat] && t.e.content != nil {
			t.upload()
			return
		}
		t.send(t.tr("Unsupported"), t.menuButtons())
	case EventMedia:
		switch {
		case t.reviewInput():
		case t.ev.Voice:
			t.voiceNote()
		default:
			t.send(t.tr("Unsupported"), t.menuButtons())
		}
	}
}

func (t *turn) command(name, args string) {
	if t.staffCommand(name, args) {
		return
	}
	switch name {
	case "subscribe":
		t.subscribe(true)
	case "unsubscribe":
		t.subscribe(false)
	case "start":
		t.start(args)
	case "menu":
		t.mainMenu(false)
	case "language":
		t.languageMenu(false)
	case "help":
		t.send(t.tr("Help"), t.menuButtons())
	case "privacy":
		t.entry("privacy", false)
	case "forget":
		t.askForget()
	case "advisor", "person":
		t.person()
	case "clear":
		t.clear()
	case "discreet":
		t.setDiscreet(!t.s.Discreet, false)
	case "end":
		t.end()
	case "review":
		t.review(args)
	default:
		t.unknownCommand()
	}
}

func (t *turn) unknownCommand() {
	t.count("command:unknown")
	t.send(t.tr("UnknownCommand"), nil)
	t.mainMenu(false)
}

// start handles /start, with an optional deep-link payload naming an entry
// ("permit-renewal") or a topic ("topic_residence").
func (t *turn) start(payload string) {
	if t.isNew {
		t.welcome()
	} else if payload == "" {
		t.mainMenu(false)
	}
	switch {
	case payload == "":
	case strings.HasPrefix(payload, "topic_") && t.cat.Topic(strings.TrimPrefix(payload, "topic_")) != nil:
		t.topic(strings.TrimPrefix(payload, "topic_"), false)
	case t.cat.Entry(payload) != nil:
		t.entry(payload, false)
	default:
		if !t.isNew {
			return
		}
		t.mainMenu(false)
	}
}

// setLanguage makes lang hers, says so in it and shows the menu.
func (t *turn) setLanguage(lang string) {
	t.s.Lang, t.s.LangChosen = lang, true
	t.count("lang:" + lang)
	text := t.tr("LanguageSet", "Language", locales.Name(lang))
	var buttons [][]Button
	if !t.s.DiscreetAsked {
		// Asked once, at first contact: the one who reads over her
		// shoulder may be the one she fears.
		t.s.DiscreetAsked = true
		text += "\n\n" + t.tr("DiscreetAsk")
		buttons = [][]Button{{{Label: t.tr("ButtonDiscreetYes"), Data: btnDiscreet + ":on"}, {Label: t.tr("ButtonDiscreetNo"), Data: btnDiscreet + ":off"}}}
	}
	t.send(text, buttons)
	t.mainMenu(false)
}

// setDiscreet turns discreet mode on or off and says so.
func (t *turn) setDiscreet(on bool, edit bool) {
	t.s.Discreet, t.s.DiscreetAsked = on, true
	msg := map[bool]string{true: "DiscreetOn", false: "DiscreetOff"}[on]
	t.reply(t.tr(msg), t.menuButtons(), edit)
}

// welcome greets a new user in the language her app suggests and asks her
// to choose: the app's language is not always the one she reads best.
func (t *turn) welcome() {
	t.count("users:new")
	t.send(t.tr("Welcome")+"\n"+t.tr("EmergencyFirst")+"\n\n"+t.tr("ChooseLanguage"), t.languageButtons())
	t.s.Screen = "lang"
}

func (t *turn) button(data string) {
	kind, arg, _ := strings.Cut(data, ":")
	// Whatever she taps under the emergency card is answered below it,
	// so the numbers stay on her screen.
	edit := t.s.Screen != "entry:"+content.EmergencyID
	switch kind {
	case btnLanguage:
		if !content.KnownLanguage(arg) {
			t.languageMenu(edit)
			return
		}
		t.setLanguage(arg)
	case btnLanguageMenu:
		t.languageMenu(edit)
	case btnMenu:
		t.mainMenu(edit)
	case btnTopic:
		t.topic(arg, edit)
	case btnEntry:
		t.entry(arg, edit)
	case btnPerson:
		t.person()
	case btnConnect:
		t.connect()
	case btnRate:
		t.rate(arg)
	case btnForget:
		t.forget()
	case btnClear:
		t.clear()
	case btnDiscreet:
		t.setDiscreet(arg == "on", edit)
	case btnShare:
		t.share(arg)
	case btnReview:
		t.reviewButton(arg)
	case btnListen:
		t.listen(arg)
	case btnTeach, btnTeachFind:
		if !t.e.staff[t.ev.Chat] {
			t.mainMenu(false)
			return
		}
		t.teachButton(kind, arg)
	default:
		// Buttons of an older version of the bot, or forged data: show the menu.
		t.mainMenu(false)
	}
}

// send queues a new message, or an edit of the message the button was on.
func (t *turn) send(text string, buttons [][]Button) { t.reply(text, buttons, false) }

func (t *turn) reply(text string, buttons [][]Button, edit bool) {
	t.queue(t.message(text, buttons, edit))
}

// message is a message to her in her language, as discreet mode wants it
// sent; edit replaces the message a button was pressed on.
func (t *turn) message(text string, buttons [][]Button, edit bool) Action {
	a := Action{Chat: t.ev.Chat, Text: locales.Isolate(t.s.Lang, text), Buttons: buttons, Lang: t.s.Lang, Silent: t.s.Discreet}
	if edit && t.ev.Kind == EventButton {
		a.Edit = t.ev.MessageID
	}
	for _, row := range a.Buttons {
		for i := range row {
			row[i].Label = locales.Isolate(t.s.Lang, row[i].Label)
		}
	}
	return a
}

func (t *turn) queue(a Action) { t.change.Actions = append(t.change.Actions, a) }

func (t *turn) count(name string) { t.change.Count = append(t.change.Count, name) }

// tr translates an interface message; args are name, value pairs.
func (t *turn) tr(id string, args ...any) string { return t.e.translate(t.s.Lang, id, args...) }

// translate is the one way to an interface message: id in lang, with
// name, value pairs for its placeholders.
func (e *Engine) translate(lang, id string, args ...any) string {
	return e.strings.T(lang, id, pairs(args))
}

// forAdvisors translates a message for the advisors' group.
func (e *Engine) forAdvisors(id string, args ...any) string {
	return e.translate(e.esc.Lang, id, args...)
}
