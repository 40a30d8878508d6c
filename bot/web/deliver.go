package web

import (
	"context"
	"encoding/json"
	"time"

	"github.com/veiviser/veiviser/bot"
)

// event is what the page receives for one action.
type event struct {
	Type     string     `json:"type"` // message, edit, delete
	ID       int        `json:"id,omitempty"`
	IDs      []int      `json:"ids,omitempty"`
	Text     string     `json:"text,omitempty"`
	Buttons  [][]button `json:"buttons,omitempty"`
	Phones   []string   `json:"phones,omitempty"`
	Lang     string     `json:"lang,omitempty"`
	Discreet bool       `json:"discreet,omitempty"`
	Audio    string     `json:"audio,omitempty"` // a recording to play: its URL on this server
}

// button is a button as the page reads it.
type button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

func buttons(rows [][]bot.Button) [][]button {
	out := make([][]button, len(rows))
	for i, row := range rows {
		for _, b := range row {
			out[i] = append(out[i], button{Label: b.Label, Data: b.Data})
		}
	}
	return out
}

// Wake tells delivery there is something new in the outbox.
func (s *Server) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers the outbox of the web chats whose page is open, until ctx
// is done. A message leaves the outbox once it is in her page's queue;
// one for a page that is closed waits for it to open again.
func (s *Server) Run(ctx context.Context) {
	t := time.NewTicker(deliverEvery)
	defer t.Stop()
	for {
		s.deliver(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// open reports a web chat with its page open now.
func (s *Server) open(chat int64) bool {
	if !bot.IsWebChat(chat) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.byChat[chat]
	return sess != nil && sess.connected > 0
}

func (s *Server) deliver(ctx context.Context) {
	items, err := s.outbox.PendingFor(ctx, 512, s.open)
	if err != nil {
		s.log.Error("web: read outbox", "err", err)
	}
	for _, q := range items {
		s.mu.Lock()
		sess := s.byChat[q.Action.Chat]
		var events chan []byte
		if sess != nil {
			events = sess.events
		}
		s.mu.Unlock()
		if events == nil {
			continue
		}
		a := q.Action
		if a.Clear {
			// Read now, after everything queued before it reached her page
			// and was recorded (see bot.Action.Clear).
			recorded, err := s.outbox.RecentMessages(ctx, a.Chat, time.Time{})
			if err != nil {
				s.log.Error("web: read messages", "err", err)
				continue
			}
			a.Delete = append(recorded, a.Delete...)
		}
		ev, id := s.render(sess, a)
		data, err := json.Marshal(ev)
		if err != nil {
			s.log.Error("web: encode", "err", err)
			continue
		}
		select {
		case events <- data:
		default:
			continue // her page is not reading: it stays queued
		}
		s.metrics.delivered.Inc()
		if a.Clear {
			if err := s.outbox.ForgetMessages(ctx, a.Chat); err != nil {
				s.log.Error("web: forget messages", "err", err)
			}
		}
		if err := s.outbox.Done(ctx, q.ID); err != nil {
			s.log.Error("web: outbox done", "err", err)
		}
		switch {
		case id == 0:
		case q.Action.Ephemeral > 0:
			s.removeLater(sess, id, q.Action.Ephemeral)
		default:
			// Remembered like a Telegram message, so /clear removes it.
			if err := s.outbox.RecordMessage(ctx, sess.chat, id, time.Now()); err != nil {
				s.log.Error("web: record message", "err", err)
			}
		}
	}
}

// render turns an action into the page's event, and returns the ID of
// the message it shows (0 for a deletion).
func (s *Server) render(sess *session, a bot.Action) (event, int) {
	switch a.Kind() {
	case bot.KindDelete:
		return event{Type: "delete", IDs: a.Delete}, 0
	case bot.KindEdit:
		return event{Type: "edit", ID: a.Edit, Text: a.Text, Buttons: buttons(a.Buttons), Phones: a.Phones, Lang: a.Lang, Discreet: a.Discreet}, a.Edit
	}
	s.mu.Lock()
	sess.nextID++
	id := sess.nextID
	s.mu.Unlock()
	if a.Kind() == bot.KindVoice {
		return event{Type: "message", ID: id, Lang: a.Lang, Audio: audioPath + a.Voice.SHA256}, id
	}
	return event{Type: "message", ID: id, Text: a.Text, Buttons: buttons(a.Buttons), Phones: a.Phones, Lang: a.Lang, Discreet: a.Discreet}, id
}

// removeLater deletes a message from her page after d (the confirmations
// of /clear and /forget), if the page is still there to hear it.
func (s *Server) removeLater(sess *session, id int, d time.Duration) {
	s.mu.Lock()
	events := sess.events
	s.mu.Unlock()
	time.AfterFunc(d, func() {
		data, _ := json.Marshal(event{Type: "delete", IDs: []int{id}})
		select {
		case events <- data:
		default:
		}
	})
}
