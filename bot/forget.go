package bot

// askForget asks before erasing: a mistyped command must not wipe an open
// conversation.
func (t *turn) askForget() {
	t.send(t.tr("ForgetConfirm"), [][]Button{
		{{Label: t.tr("ButtonForget"), Data: btnForget}},
		{{Label: t.tr("ButtonMenu"), Data: btnMenu}},
	})
}

// forget erases everything stored about the chat, then says so. The
// goodbye is the only thing left queued for her.
func (t *turn) forget() {
	t.count("forget")
	t.change.Forget = t.ev.Chat
	t.send(t.tr("Forgotten"), nil)
}
