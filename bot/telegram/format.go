package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/veiviser/veiviser/bot"
)

// maxText is Telegram's limit on a message's text, in UTF-16 code units.
const maxText = 4096

// inlineKeyboard is sent instead of models.InlineKeyboardMarkup: the
// library's button type always serialises "copy_text":{"text":""}, which
// the real Bot API rejects (BUTTON_COPY_TEXT_INVALID).
type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

func keyboard(rows [][]bot.Button) any {
	if len(rows) == 0 {
		return nil
	}
	kb := inlineKeyboard{}
	for _, row := range rows {
		var r []inlineButton
		for _, b := range row {
			if b.Data == "" || len(b.Data) > 64 {
				continue // Telegram would refuse the whole message
			}
			r = append(r, inlineButton{Text: b.Label, CallbackData: b.Data})
		}
		if len(r) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
	}
	return kb
}

// splitText cuts text into messages Telegram accepts, at paragraph breaks
// where possible, then at line breaks, then anywhere.
func splitText(text string) []string {
	var out []string
	for utf16Len(text) > maxText {
		cut := lastFit(text, "\n\n")
		if cut <= 0 {
			cut = lastFit(text, "\n")
		}
		if cut <= 0 {
			cut = runeFit(text)
		}
		out = append(out, strings.TrimRight(text[:cut], "\n"))
		text = strings.TrimLeft(text[cut:], "\n")
	}
	return append(out, text)
}

// lastFit is the byte offset of the last sep that keeps the part before it
// within the limit, or -1.
func lastFit(text, sep string) int {
	best := -1
	for i := 0; ; {
		j := strings.Index(text[i:], sep)
		if j < 0 || utf16Len(text[:i+j]) > maxText {
			return best
		}
		best = i + j
		i += j + len(sep)
	}
}

func runeFit(text string) int {
	n, i := 0, 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		n += len(utf16.Encode([]rune{r}))
		if n > maxText {
			break
		}
		i += size
	}
	return i
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// phoneEntities marks every whole occurrence of the numbers in text so the
// app shows them as tappable. Offsets are in UTF-16 code units, as the Bot
// API counts them.
func phoneEntities(text string, phones []string) []models.MessageEntity {
	var out []models.MessageEntity
	for _, p := range phones {
		for i := 0; ; {
			j := strings.Index(text[i:], p)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(p)
			i = end
			if digitAt(text, start-1) || digitAt(text, end) {
				continue // part of a longer number
			}
			out = append(out, models.MessageEntity{Type: models.MessageEntityTypePhoneNumber,
				Offset: utf16Len(text[:start]), Length: utf16Len(p)})
		}
	}
	return out
}

func digitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

// entities are the formatting of a message: tappable phone numbers, and in
// discreet mode a spoiler over everything after the first line.
func entities(text string, a bot.Action) []models.MessageEntity {
	out := phoneEntities(text, a.Phones)
	if a.Discreet {
		if i := strings.Index(text, "\n"); i >= 0 && i+1 < len(text) {
			out = append(out, models.MessageEntity{Type: models.MessageEntityTypeSpoiler,
				Offset: utf16Len(text[:i+1]), Length: utf16Len(text[i+1:])})
		}
	}
	if n := strings.LastIndex(text, mentionPrefix); n >= 0 && len(a.Mentions) > 0 {
		// Link each name to its advisor so Telegram notifies her.
		at := n + len(mentionPrefix)
		for _, m := range a.Mentions {
			name := mentionName(m)
			out = append(out, models.MessageEntity{Type: models.MessageEntityTypeTextMention,
				Offset: utf16Len(text[:at]), Length: utf16Len(name), User: &models.User{ID: m.User, FirstName: name}})
			at += len(name) + len(", ")
		}
	}
	return out
}

// mentionPrefix starts the line of advisors mentioned under a group post.
const mentionPrefix = "\n👤 "

// mentionLine lists the mentioned advisors by first name.
func mentionLine(ms []bot.Mention) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = mentionName(m)
	}
	return mentionPrefix + strings.Join(names, ", ")
}

func mentionName(m bot.Mention) string {
	if m.Name == "" {
		return "advisor"
	}
	return m.Name
}
