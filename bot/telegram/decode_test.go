package telegram

import (
	"testing"
	"unicode/utf8"

	"github.com/veiviser/veiviser/bot"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		json  string
		check func(t *testing.T, d Decoded)
	}{
		{"Command", `{"update_id":5,"message":{"message_id":1,"date":1,"text":"/start@veiviser_bot topic_residence","chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"language_code":"fa-IR"}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || d.Event.Kind != bot.EventCommand || d.Event.Command != "start" || d.Event.Text != "topic_residence" || d.Event.LangHint != "fa-IR" || d.Event.ID != "tg:5" {
					t.Errorf("%+v", d)
				}
			}},
		{"Voice", `{"update_id":6,"message":{"message_id":1,"date":1,"voice":{"file_id":"x","file_unique_id":"y","duration":3},"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.Event.Kind != bot.EventMedia {
					t.Errorf("voice → %+v", d.Event)
				}
			}},
		{"PhotoWithCaption", `{"update_id":7,"message":{"message_id":1,"date":1,"caption":"what does this letter mean","photo":[{"file_id":"x","file_unique_id":"y","width":1,"height":1}],"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.Event.Kind != bot.EventText || d.Event.Text != "what does this letter mean" {
					t.Errorf("captioned photo → %+v", d.Event)
				}
			}},
		{"Callback", `{"update_id":8,"callback_query":{"id":"q1","data":"e:privacy","chat_instance":"c","from":{"id":42,"is_bot":false},"message":{"message_id":77,"date":1,"chat":{"id":42,"type":"private"}}}}`,
			func(t *testing.T, d Decoded) {
				if d.CallbackID != "q1" || d.Event.Kind != bot.EventButton || d.Event.Data != "e:privacy" || d.Event.MessageID != 77 {
					t.Errorf("%+v", d)
				}
			}},
		{"CallbackOnOldMessageInAdvisorGroup", `{"update_id":20,"callback_query":{"id":"q2","data":"tc:3","chat_instance":"c","from":{"id":301,"is_bot":false,"first_name":"Amina"},"message":{"message_id":70,"date":0,"chat":{"id":-555,"type":"supergroup"}}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || !d.Event.Advisor || d.Event.From != 301 || d.Event.Chat != -555 {
					t.Errorf("a press under an old message in the advisors' group is not an advisor's: %+v", d.Event)
				}
			}},
		{"CallbackOnOldMessageInOtherGroup", `{"update_id":21,"callback_query":{"id":"q3","data":"m","chat_instance":"c","from":{"id":9,"is_bot":false},"message":{"message_id":70,"date":0,"chat":{"id":-777,"type":"group"}}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("a press in a stranger's group reached the engine: %+v", d.Event)
				}
			}},
		{"CallbackOnOldMessagePrivate", `{"update_id":22,"callback_query":{"id":"q4","data":"m","chat_instance":"c","from":{"id":42,"is_bot":false},"message":{"message_id":70,"date":0,"chat":{"id":42,"type":"private"}}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || d.Event.Advisor || d.Event.Chat != 42 {
					t.Errorf("a press under her old message: %+v", d.Event)
				}
			}},
		{"EditedCommand", `{"update_id":23,"edited_message":{"message_id":5,"date":1,"edit_date":2,"text":"/broadcast all hello again","chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("an edited command reached the engine: %+v", d.Event)
				}
			}},
		{"EditedQuestion", `{"update_id":24,"edited_message":{"message_id":5,"date":1,"edit_date":2,"text":"how do i renew my permit","chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || d.Event.Kind != bot.EventText {
					t.Errorf("an edited question is not answered again: %+v", d.Event)
				}
			}},
		{"TopicRenamedIsNoReply", `{"update_id":30,"message":{"message_id":90,"date":1,"message_thread_id":12,"is_topic_message":true,"forum_topic_edited":{"name":"#3 · so · done"},"chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":301,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("a renamed topic reached the engine as a reply: %+v", d.Event)
				}
			}},
		{"TopicClosedIsNoReply", `{"update_id":31,"message":{"message_id":91,"date":1,"message_thread_id":12,"is_topic_message":true,"forum_topic_closed":{},"chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":301,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("a closed topic reached the engine as a reply: %+v", d.Event)
				}
			}},
		{"PinIsNoReply", `{"update_id":32,"message":{"message_id":92,"date":1,"message_thread_id":12,"is_topic_message":true,"pinned_message":{"message_id":5,"date":1,"chat":{"id":-555,"type":"supergroup"}},"chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":301,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("a pin reached the engine as a reply: %+v", d.Event)
				}
			}},
		{"AdvisorFileWithoutCaption", `{"update_id":33,"message":{"message_id":93,"date":1,"message_thread_id":12,"is_topic_message":true,"document":{"file_id":"f","file_unique_id":"u","file_name":"skjema.pdf"},"chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":301,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || !d.Event.Advisor || d.Event.Kind != bot.EventDocument || d.Event.Thread != 12 {
					t.Errorf("an advisor's file is not passed to the engine: %+v", d.Event)
				}
			}},
		{"AnonymousAdmin", `{"update_id":34,"message":{"message_id":94,"date":1,"message_thread_id":12,"is_topic_message":true,"text":"We can help you","sender_chat":{"id":-555,"type":"supergroup"},"chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || !d.Event.Advisor || d.Event.Kind != bot.EventText || d.Event.Thread != 12 || d.Event.From != 0 {
					t.Errorf("an anonymous admin's reply is dropped: %+v", d.Event)
				}
			}},
		{"PrivatePinIgnored", `{"update_id":35,"message":{"message_id":95,"date":1,"pinned_message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"}},"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("a service message in her chat reached the engine: %+v", d.Event)
				}
			}},
		{"LocationIsRevealing", `{"update_id":36,"message":{"message_id":96,"date":1,"location":{"latitude":59.91,"longitude":10.75},"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if !d.ForEngine || !d.Event.Revealing {
					t.Errorf("a location is not marked for her confirmation: %+v", d.Event)
				}
			}},
		{"Blocked", `{"update_id":9,"my_chat_member":{"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true},"until_date":0}}}`,
			func(t *testing.T, d Decoded) {
				if d.BlockedChat != 42 || d.ForEngine {
					t.Errorf("%+v", d)
				}
			}},
		{"AddedToGroup", `{"update_id":10,"my_chat_member":{"chat":{"id":-100,"type":"supergroup"},"from":{"id":42,"is_bot":false},"date":1,"old_chat_member":{"status":"left","user":{"id":1,"is_bot":true}},"new_chat_member":{"status":"member","user":{"id":1,"is_bot":true}}}}`,
			func(t *testing.T, d Decoded) {
				if d.LeaveChat != -100 || d.ForEngine {
					t.Errorf("%+v", d)
				}
			}},
		{"GroupMessage", `{"update_id":11,"message":{"message_id":1,"date":1,"text":"hi","chat":{"id":-100,"type":"supergroup"},"from":{"id":42,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if d.ForEngine {
					t.Errorf("group message reached the engine: %+v", d)
				}
			}},
		{"AdvisorReplyInTopic", `{"update_id":12,"message":{"message_id":90,"message_thread_id":77,"is_topic_message":true,"date":1,"text":"Hei, jeg kan hjelpe","chat":{"id":-555,"type":"supergroup","is_forum":true},"from":{"id":301,"is_bot":false,"first_name":"Amina"}}}`,
			func(t *testing.T, d Decoded) {
				ev := d.Event
				if !d.ForEngine || !ev.Advisor || ev.Thread != 77 || ev.From != 301 || ev.FromName != "Amina" || ev.MessageID != 90 || d.LeaveChat != 0 {
					t.Errorf("%+v", d)
				}
			}},
		{"AdvisorCloseCommand", `{"update_id":13,"message":{"message_id":91,"date":1,"text":"/close@veiviser_bot","reply_to_message":{"message_id":60,"date":1,"chat":{"id":-555,"type":"group"}},"chat":{"id":-555,"type":"group"},"from":{"id":301,"is_bot":false}}}`,
			func(t *testing.T, d Decoded) {
				if !d.Event.Advisor || d.Event.Command != "close" || d.Event.Thread != 60 {
					t.Errorf("%+v", d.Event)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Decoder{AdvisorChat: -555}.DecodeUpdate([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d)
		})
	}
}

// FuzzDecodeUpdate feeds arbitrary bytes as an update: no panic, and an
// event for the engine always names a chat.
func FuzzDecodeUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":5,"message":{"message_id":1,"date":1,"text":"/start x","chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false}}}`))
	f.Add([]byte(`{"update_id":8,"callback_query":{"id":"q1","data":"e:x","from":{"id":42},"message":{"message_id":7,"date":0,"chat":{"id":42,"type":"private"}}}}`))
	f.Add([]byte(`{"update_id":9,"my_chat_member":{"chat":{"id":42,"type":"private"},"new_chat_member":{"status":"kicked"}}}`))
	f.Add([]byte(`{"update_id":10,"message":{"message_id":2,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false},"voice":{"file_id":"v1","file_unique_id":"u","duration":3,"file_size":900}}}`))
	f.Add([]byte(`{"update_id":11,"message":{"message_id":3,"date":1,"chat":{"id":-555,"type":"supergroup"},"from":{"id":7,"is_bot":false},"voice":{"file_id":"v2","file_unique_id":"u","duration":3}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decoder{AdvisorChat: -555}.DecodeUpdate(data)
		if err != nil {
			return
		}
		if d.VoiceID != "" && (!d.Event.Voice || d.Event.Chat <= 0) {
			t.Fatalf("a voice note to fetch outside a private chat: %+v", d)
		}
		if d.Event.Advisor && d.Event.Chat != -555 {
			t.Fatalf("advisor event from another chat: %+v", d)
		}
		if d.ForEngine && d.Event.Chat == 0 && d.Event.Kind != bot.EventButton {
			t.Fatalf("event without a chat: %+v", d)
		}
		if d.Event.Kind == bot.EventCommand && !utf8.ValidString(d.Event.Command) && utf8.ValidString(string(data)) {
			t.Fatalf("command name not text: %q", d.Event.Command)
		}
	})
}
