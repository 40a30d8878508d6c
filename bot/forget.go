package bot

import "time"

// askForget asks before erasing: a mistyped command must not wipe an open
// conversation.
func (t *turn) askForget() {
	t.send(t.tr("ForgetConfirm"), [][]Button{
		{{Label: t.tr("ButtonForget"), Data: btnForget}},
		{{Label: t.tr("ButtonMenu"), Data: btnMenu}},
		t.emergencyButton(),
	})
}

// forget erases everything stored about the chat, then says so. The
// goodbye is the only thing left queued for her.
func (t *turn) forget() {
	t.count("forget")
	if t.s.Ticket != 0 {
		// Her ticket goes with everything else; the advisors are told why
		// the conversation stopped.
		tk, _, err := t.e.store.Ticket(t.ctx, t.s.Ticket)
		if err != nil {
			t.fail("read ticket", err)
			return
		}
		t.change.Actions = append(t.change.Actions, Action{Chat: t.e.esc.Chat, Thread: tk.Thread, Lang: t.e.esc.Lang,
			Text: t.e.forAdvisors("TicketErased", "Number", t.s.Ticket)})
	}
	t.change.Chat.Forget = t.ev.Chat
	if t.ev.Kind == EventButton && t.ev.MessageID != 0 {
		// The question "delete everything?" would tell what she did.
		t.change.Actions = append(t.change.Actions, Action{Chat: t.ev.Chat, Delete: []int{t.ev.MessageID}})
	}
	t.send(t.tr(t.forChannel("Forgotten")), [][]Button{t.emergencyButton()})
	t.ephemeral()
}

// forChannel is the message id for her channel: the steps to remove
// traces differ between the Telegram app and a browser.
func (t *turn) forChannel(id string) string {
	if IsWebChat(t.ev.Chat) {
		return id + "Web"
	}
	return id
}

// confirmationLife is how long the confirmations of /clear and /forget
// stay on her screen: long enough to read, not long enough to be found.
const confirmationLife = 20 * time.Second

// ephemeral makes the last queued message delete itself.
func (t *turn) ephemeral() {
	t.change.Actions[len(t.change.Actions)-1].Ephemeral = confirmationLife
}

// clear deletes the bot's messages and hers in this chat, as far as
// Telegram allows, and tells her honestly what it could not do. Which
// messages is settled by the channel when it delivers the deletion (see
// Action.Clear).
func (t *turn) clear() {
	t.count("clear")
	var own []int
	if t.ev.MessageID != 0 && t.ev.Kind != EventButton {
		own = []int{t.ev.MessageID} // the /clear itself
	}
	t.change.Actions = append(t.change.Actions, Action{Chat: t.ev.Chat, Delete: own, Clear: true})
	t.change.Chat.Messages = nil
	t.s.Screen = "menu"
	t.send(t.tr(t.forChannel("ClearDone")), t.menuButtons())
	t.ephemeral()
}
