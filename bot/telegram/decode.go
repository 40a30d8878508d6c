package telegram

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/veiviser/veiviser/bot"
)

// Decoded is an update in the engine's terms, with what the adapter must
// do itself on Telegram's side.
type Decoded struct {
	UpdateID    int64
	Event       bot.Event
	ForEngine   bool   // false: nothing for the engine (a group, a service update)
	CallbackID  string // answer this callback query so the button stops spinning
	LeaveChat   int64  // a group or channel the bot was added to: leave it
	BlockedChat int64  // she blocked the bot: stop sending to her
	Kind        string // update kind for metrics
	FileID      string // a document to fetch (for staff uploads)
	FileSize    int64
	VoiceID     string // a voice note, fetched only if the engine asks (a volunteer's recording)
	VoiceSize   int64

	advisorChat int64
}

// Decoder turns Telegram updates into engine events. Private chats are the
// women's; the advisors' group (AdvisorChat) is where advisors act; any
// other group the bot is added to is left.
type Decoder struct {
	AdvisorChat int64
}

// DecodeUpdate parses one update as Telegram sends it (JSON).
func (dec Decoder) DecodeUpdate(data []byte) (Decoded, error) {
	var u models.Update
	if err := json.Unmarshal(data, &u); err != nil {
		return Decoded{}, fmt.Errorf("decode update: %w", err)
	}
	return dec.Decode(&u), nil
}

// Decode turns an update into an engine event.
func (dec Decoder) Decode(u *models.Update) Decoded {
	d := Decoded{UpdateID: u.ID, Event: bot.Event{ID: "tg:" + strconv.FormatInt(u.ID, 10)}, Kind: "other", advisorChat: dec.AdvisorChat}
	switch {
	case u.Message != nil:
		d.Kind = "message"
		d.message(u.Message)
	case u.EditedMessage != nil:
		// A corrected question deserves a fresh answer; a corrected command
		// is not a new one (an edited /broadcast must not go out twice).
		d.Kind = "edited_message"
		d.message(u.EditedMessage)
		d.Event.Edited = true
		if d.Event.Kind == bot.EventCommand {
			d.ForEngine = false
		}
	case u.CallbackQuery != nil:
		d.Kind = "callback_query"
		d.callback(u.CallbackQuery)
	case u.MyChatMember != nil:
		d.Kind = "my_chat_member"
		m := u.MyChatMember
		switch {
		case m.Chat.Type == models.ChatTypePrivate && m.NewChatMember.Type == models.ChatMemberTypeBanned:
			d.BlockedChat = m.Chat.ID
		case m.Chat.Type != models.ChatTypePrivate && m.Chat.ID != dec.AdvisorChat &&
			(m.NewChatMember.Type == models.ChatMemberTypeMember || m.NewChatMember.Type == models.ChatMemberTypeAdministrator):
			d.LeaveChat = m.Chat.ID
		}
	}
	return d
}

func (d *Decoded) message(m *models.Message) {
	if m.Chat.ID == 0 {
		return // malformed: nowhere to answer
	}
	// An admin of the advisors' group writing anonymously comes as a bot
	// on behalf of the group itself; she is an advisor like the others.
	anonymous := m.SenderChat != nil && m.SenderChat.ID == m.Chat.ID && d.advisorChat != 0 && m.Chat.ID == d.advisorChat
	if m.From == nil || m.From.IsBot && !anonymous || !hasContent(m) {
		return
	}
	ev := &d.Event
	switch {
	case d.advisorChat != 0 && m.Chat.ID == d.advisorChat:
		// An advisor writing in the group: the thread tells which ticket.
		ev.Advisor = true
		if !anonymous {
			ev.From, ev.FromName = m.From.ID, m.From.FirstName
		}
		if m.IsTopicMessage {
			ev.Thread = m.MessageThreadID
		} else if m.ReplyToMessage != nil {
			ev.Thread = m.ReplyToMessage.ID
		}
	case m.Chat.Type != models.ChatTypePrivate:
		if m.Chat.Type == models.ChatTypeGroup || m.Chat.Type == models.ChatTypeSupergroup {
			d.LeaveChat = m.Chat.ID
		}
		return
	default:
		ev.LangHint = m.From.LanguageCode
	}
	d.ForEngine = true
	ev.Chat = m.Chat.ID
	ev.MessageID = m.ID
	ev.At = time.Unix(int64(m.Date), 0)
	switch {
	case m.Text != "" && strings.HasPrefix(m.Text, "/"):
		ev.Kind = bot.EventCommand
		ev.Command, ev.Text = parseCommand(m.Text)
	case m.Text != "":
		ev.Kind = bot.EventText
		ev.Text = m.Text
	case m.Document != nil && m.Caption == "":
		ev.Kind = bot.EventDocument
		ev.FileName = m.Document.FileName
		d.FileID, d.FileSize = m.Document.FileID, m.Document.FileSize
	case m.Caption != "" && (m.Photo != nil || m.Document != nil):
		// A photo of a letter with a typed question: answer the question.
		ev.Kind = bot.EventText
		ev.Text = m.Caption
	default:
		ev.Kind = bot.EventMedia
		if m.Voice != nil && m.Chat.Type == models.ChatTypePrivate {
			ev.Voice = true
			d.VoiceID, d.VoiceSize = m.Voice.FileID, m.Voice.FileSize
		}
	}
	ev.Revealing = m.Document != nil || m.Contact != nil || m.Location != nil || m.Venue != nil
}

// hasContent reports a message someone wrote or sent: text, a caption or
// media. Service messages (a topic renamed, closed or pinned, members
// joining) are none of these: they are not her question nor an advisor's
// reply.
func hasContent(m *models.Message) bool {
	return m.Text != "" || m.Caption != "" || m.Photo != nil || m.Document != nil || m.Video != nil || m.Voice != nil ||
		m.Audio != nil || m.VideoNote != nil || m.Sticker != nil || m.Animation != nil || m.Contact != nil ||
		m.Location != nil || m.Venue != nil || m.Poll != nil || m.Dice != nil
}

func (d *Decoded) callback(q *models.CallbackQuery) {
	d.CallbackID = q.ID
	msg := q.Message.Message
	var chat int64
	var msgID int
	// A button under a message too old for Telegram to show (date 0)
	// still tells its chat: it is checked like any other, so a press in
	// the advisors' group never reaches the women's engine.
	var chatType models.ChatType
	switch {
	case msg != nil:
		chat, msgID, chatType = msg.Chat.ID, msg.ID, msg.Chat.Type
		d.Event.Thread = msg.MessageThreadID
	case q.Message.InaccessibleMessage != nil:
		chat, chatType = q.Message.InaccessibleMessage.Chat.ID, q.Message.InaccessibleMessage.Chat.Type
	default:
		return
	}
	if chatType != models.ChatTypePrivate || chat < 0 {
		if d.advisorChat == 0 || chat != d.advisorChat {
			d.Event.Thread = 0
			return
		}
		d.Event.Advisor, d.Event.From, d.Event.FromName = true, q.From.ID, q.From.FirstName
	} else {
		d.Event.Thread = 0
	}
	if chat == 0 {
		return
	}
	d.ForEngine = true
	d.Event.Chat = chat
	d.Event.Kind = bot.EventButton
	d.Event.Data = q.Data
	d.Event.MessageID = msgID
	d.Event.LangHint = q.From.LanguageCode
}

// parseCommand splits "/start@VeiviserBot topic_residence" into "start" and
// "topic_residence".
func parseCommand(text string) (name, args string) {
	head, args, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(args)
}
