package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/locales"
)

// Handler is the engine as the shell sees it.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) error
}

// Outbox is where the engine leaves its replies.
type Outbox interface {
	Pending(ctx context.Context, limit int) ([]bot.Queued, error)
	Done(ctx context.Context, id uint64) error
}

// Shell runs one conversation between a terminal and the engine.
type Shell struct {
	Engine   Handler
	Outbox   Outbox
	Chat     int64
	LangHint string // as a Telegram app would report it
	Start    string // deep-link payload of the first /start
	Visual   bool   // reorder right-to-left lines for terminals without bidi support

	out      io.Writer
	nextID   int
	buttons  []bot.Button // the options of the newest message with buttons
	buttonOn int          // the message they belong to
}

// Run greets the user as /start would and then reads one input per line:
// a number presses that option, /quit ends, <photo> sends something the bot
// cannot read, anything else is a command or a question.
func (s *Shell) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	s.out = out
	if err := s.send(ctx, bot.Event{Kind: bot.EventCommand, Command: "start", Text: s.Start}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for {
		fmt.Fprint(out, "> ")
		if !sc.Scan() {
			fmt.Fprintln(out)
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if line == "/quit" || line == "/exit" {
			return nil
		}
		ev, ok := s.event(line)
		if !ok {
			continue
		}
		if err := s.send(ctx, ev); err != nil {
			return err
		}
	}
}

// event turns one line of input into an engine event.
func (s *Shell) event(line string) (bot.Event, bool) {
	switch {
	case line == "":
		return bot.Event{}, false
	case line == "<voice>":
		// A terminal has no microphone: the voice note is a short
		// stand-in, enough for a volunteer to try recording an answer.
		return bot.Event{Kind: bot.EventMedia, Voice: true, Fetch: func(context.Context) ([]byte, error) { return standInVoice, nil }}, true
	case line == "<photo>" || line == "<sticker>":
		return bot.Event{Kind: bot.EventMedia}, true
	case strings.HasPrefix(line, "/"):
		name, args, _ := strings.Cut(line[1:], " ")
		return bot.Event{Kind: bot.EventCommand, Command: strings.ToLower(name), Text: args}, true
	}
	if n, err := strconv.Atoi(line); err == nil {
		if n < 1 || n > len(s.buttons) {
			fmt.Fprintf(s.out, "(no option %d; choose 1–%d)\n", n, len(s.buttons))
			return bot.Event{}, false
		}
		return bot.Event{Kind: bot.EventButton, Data: s.buttons[n-1].Data, MessageID: s.buttonOn}, true
	}
	return bot.Event{Kind: bot.EventText, Text: line}, true
}

func (s *Shell) send(ctx context.Context, ev bot.Event) error {
	ev.Chat = s.Chat
	ev.LangHint = s.LangHint
	if err := s.Engine.Handle(ctx, ev); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	return s.deliver(ctx)
}

// deliver prints what the engine queued, the way the Telegram sender
// would send it: oldest first, each removed from the outbox once shown.
func (s *Shell) deliver(ctx context.Context) error {
	for {
		batch, err := s.Outbox.Pending(ctx, 16)
		if err != nil {
			return fmt.Errorf("shell: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, q := range batch {
			switch {
			case q.Action.Chat == s.Chat:
				s.print(q.Action)
			case q.Action.Chat < 0:
				s.printGroup(q.Action)
			}
			if err := s.Outbox.Done(ctx, q.ID); err != nil {
				return fmt.Errorf("shell: %w", err)
			}
		}
	}
}

// standInVoice is what <voice> sends: the start of an OGG stream, which
// is all the bot checks of a recording.
var standInVoice = []byte("OggS\x00\x02 veiviser shell recording")

func (s *Shell) print(a bot.Action) {
	if a.Voice != nil {
		s.nextID++
		fmt.Fprintf(s.out, "── Veiviser ──\n🔊 [voice message: %s]\n", a.Voice.File)
		return
	}
	id := a.Edit
	header := "── Veiviser ──"
	if id != 0 {
		header = fmt.Sprintf("── Veiviser (replaces message %d) ──", id)
	} else {
		s.nextID++
		id = s.nextID
	}
	fmt.Fprintln(s.out, header)
	fmt.Fprintln(s.out, s.display(a.Lang, a.Text))
	if len(a.Buttons) == 0 {
		return
	}
	s.buttons, s.buttonOn = nil, id
	for _, row := range a.Buttons {
		var cells []string
		for _, b := range row {
			s.buttons = append(s.buttons, b)
			cells = append(cells, fmt.Sprintf("[%d] %s", len(s.buttons), s.display(a.Lang, b.Label)))
		}
		fmt.Fprintln(s.out, "  "+strings.Join(cells, "   "))
	}
}

// printGroup shows what the advisors' group would get, so a conversation
// with escalation can be followed in the terminal.
func (s *Shell) printGroup(a bot.Action) {
	fmt.Fprintf(s.out, "── to the advisors (ticket #%d) ──\n", a.Ticket)
	if a.CopyMessage != 0 {
		fmt.Fprintln(s.out, "[a copy of her message]")
		return
	}
	fmt.Fprintln(s.out, a.Text)
}

func (s *Shell) display(lang, text string) string {
	if !locales.RTL(lang) {
		return text
	}
	if s.Visual {
		text = visual(text) // before stripping: the isolates keep "116 006" in order
	}
	return locales.StripIsolates(text)
}
