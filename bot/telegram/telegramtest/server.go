// Package telegramtest is a fake Telegram Bot API server for tests and load
// runs: it speaks the real HTTP protocol (multipart forms as the client
// library sends them, JSON as well), hands out queued updates through
// getUpdates, records every call, and can fail calls or enforce Telegram's
// rate limits with 429 answers.
package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Call is one Bot API request the server received.
type Call struct {
	Method string
	Params map[string]string
	At     time.Time
}

// Int returns a numeric parameter.
func (c Call) Int(name string) int64 {
	n, _ := strconv.ParseInt(c.Params[name], 10, 64)
	return n
}

// Failure is what a Fail hook wants answered instead of success.
type Failure struct {
	Status     int // HTTP status and Bot API error_code
	RetryAfter int // seconds, for 429
	Delay      time.Duration
	Body       string // raw body instead of the JSON error (e.g. a proxy's HTML page)
}

// Server is the fake Bot API.
type Server struct {
	*httptest.Server
	// Fail, if set, is asked about every call; a non-nil answer fails it.
	Fail func(c Call) *Failure
	// Limits, if set, makes sendMessage/editMessageText/copyMessage answer
	// 429 when Telegram would.
	Limits *Limits
	// Forum is what getChat says of a group: whether it has topics.
	Forum bool

	mu        sync.Mutex
	calls     []Call
	updates   []json.RawMessage
	nextUpd   int64
	nextMsg   map[int64]int
	confirmed int64
	arrived   chan struct{}
	sendLog   map[int64][]time.Time
	global    []time.Time
	topics    int
	files     map[string][]byte
	Throttled int
}

// Limits are the rates the fake enforces, like Telegram does.
type Limits struct {
	Global, Chat int // per second
}

// NewServer starts a fake Bot API server; Close it when done.
func NewServer() *Server {
	s := &Server{nextMsg: map[int64]int{}, files: map[string][]byte{}, arrived: make(chan struct{}, 1), sendLog: map[int64][]time.Time{}, nextUpd: 1}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// APIURL is what the bot's TELEGRAM_API_URL should be.
func (s *Server) APIURL() string { return s.URL }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/") {
		s.mu.Lock()
		data, ok := s.files[r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "bot") {
		http.NotFound(w, r)
		return
	}
	params, err := readParams(r)
	if err != nil {
		reply(w, http.StatusBadRequest, nil, "Bad Request: "+err.Error(), 0)
		return
	}
	c := Call{Method: parts[1], Params: params, At: time.Now()}
	if s.Fail != nil {
		if f := s.Fail(c); f != nil {
			s.record(c, false)
			time.Sleep(f.Delay)
			if f.Body != "" {
				w.WriteHeader(f.Status)
				io.WriteString(w, f.Body)
				return
			}
			reply(w, f.Status, nil, http.StatusText(f.Status), f.RetryAfter)
			return
		}
	}
	if c.Method == "getUpdates" {
		s.getUpdates(w, r, c)
		return
	}
	if retry := s.throttle(c); retry > 0 {
		s.record(c, false)
		reply(w, http.StatusTooManyRequests, nil, "Too Many Requests: retry after "+strconv.Itoa(retry), retry)
		return
	}
	s.record(c, true)
	switch c.Method {
	case "getMe":
		reply(w, 200, map[string]any{"id": 1000, "is_bot": true, "first_name": "Veiviser", "username": "veiviser_test_bot"}, "", 0)
	case "sendMessage", "copyMessage", "editMessageText":
		chat := c.Int("chat_id")
		s.mu.Lock()
		id := int(c.Int("message_id"))
		if c.Method != "editMessageText" {
			s.nextMsg[chat]++
			id = s.nextMsg[chat] + 10000
		}
		s.mu.Unlock()
		msg := map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"}, "text": c.Params["text"]}
		if c.Method == "copyMessage" {
			reply(w, 200, map[string]any{"message_id": id}, "", 0)
			return
		}
		reply(w, 200, msg, "", 0)
	case "sendVoice":
		chat := c.Int("chat_id")
		s.mu.Lock()
		s.nextMsg[chat]++
		id := s.nextMsg[chat] + 10000
		s.mu.Unlock()
		// An upload gets a new file ID; a file ID sent back is reused as is.
		fileID := c.Params["voice"]
		if strings.HasPrefix(fileID, "upload:") {
			fileID = "voice-" + strconv.Itoa(id) + "-" + strconv.FormatInt(chat, 10)
		}
		reply(w, 200, map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"},
			"voice": map[string]any{"file_id": fileID, "file_unique_id": fileID, "duration": 3}}, "", 0)
	case "createForumTopic":
		s.mu.Lock()
		s.topics++
		id := 76 + s.topics
		s.mu.Unlock()
		reply(w, 200, map[string]any{"message_thread_id": id, "name": c.Params["name"], "icon_color": 0}, "", 0)
	case "getFile":
		id := c.Params["file_id"]
		s.mu.Lock()
		size := len(s.files[id])
		s.mu.Unlock()
		reply(w, 200, map[string]any{"file_id": id, "file_unique_id": id, "file_size": size, "file_path": "documents/" + id}, "", 0)
	case "getChat":
		reply(w, 200, map[string]any{"id": c.Int("chat_id"), "type": "supergroup", "title": "Advisors", "is_forum": s.Forum,
			"accent_color_id": 0, "max_reaction_count": 0}, "", 0)
	default:
		reply(w, 200, true, "", 0)
	}
}

func (s *Server) record(c Call, ok bool) {
	if !ok {
		c.Params["_failed"] = "true"
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

// throttle answers how long to wait if the call breaks the limits.
func (s *Server) throttle(c Call) int {
	if s.Limits == nil || (c.Method != "sendMessage" && c.Method != "copyMessage" && c.Method != "editMessageText") {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := c.At
	chat := c.Int("chat_id")
	recent := func(ts []time.Time) []time.Time {
		i := 0
		for i < len(ts) && now.Sub(ts[i]) >= time.Second {
			i++
		}
		return ts[i:]
	}
	s.global = recent(s.global)
	s.sendLog[chat] = recent(s.sendLog[chat])
	if len(s.global) >= s.Limits.Global || len(s.sendLog[chat]) >= s.Limits.Chat {
		s.Throttled++
		return 1
	}
	s.global = append(s.global, now)
	s.sendLog[chat] = append(s.sendLog[chat], now)
	return 0
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, c Call) {
	offset := c.Int("offset")
	timeout := time.Duration(c.Int("timeout")) * time.Second
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		if offset > 0 {
			s.confirmed = max(s.confirmed, offset-1)
		}
		var out []json.RawMessage
		for _, u := range s.updates {
			var head struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(u, &head)
			if head.ID >= offset && head.ID > s.confirmed && len(out) < 100 {
				out = append(out, u)
			}
		}
		s.mu.Unlock()
		if len(out) > 0 || time.Now().After(deadline) {
			s.record(c, true)
			reply(w, 200, out, "", 0)
			return
		}
		select {
		case <-s.arrived:
		case <-r.Context().Done():
			return
		case <-time.After(time.Until(deadline)):
		}
	}
}

// Confirmed is the highest update ID the bot has confirmed by its offset.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// AddUpdate queues an update; update_id is filled in and returned.
func (s *Server) AddUpdate(u map[string]any) int64 {
	s.mu.Lock()
	id := s.nextUpd
	s.nextUpd++
	u["update_id"] = id
	data, _ := json.Marshal(u)
	s.updates = append(s.updates, data)
	s.mu.Unlock()
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	return id
}

// Update builds an update JSON body without queueing it (for webhook tests).
func (s *Server) Update(u map[string]any) []byte {
	s.mu.Lock()
	u["update_id"] = s.nextUpd
	s.nextUpd++
	s.mu.Unlock()
	data, _ := json.Marshal(u)
	return data
}

// Message is a private text message from user chat with app language lang.
func Message(chat int64, lang, text string) map[string]any {
	return map[string]any{"message": map[string]any{
		"message_id": 1, "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": chat, "type": "private", "first_name": "Secret"},
		"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Secret", "username": "secret_name", "language_code": lang},
	}}
}

// Callback is a button press on message msgID in chat.
func Callback(chat int64, msgID int, data string) map[string]any {
	return map[string]any{"callback_query": map[string]any{
		"id": "cb" + strconv.FormatInt(chat, 10) + strconv.Itoa(msgID) + data, "data": data, "chat_instance": "x",
		"from":    map[string]any{"id": chat, "is_bot": false, "first_name": "Secret"},
		"message": map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "private"}, "text": "menu"},
	}}
}

// Calls returns the recorded calls of one method (all when method is "").
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Delivered returns the successful sendMessage calls.
func (s *Server) Delivered() []Call {
	var out []Call
	for _, c := range s.Calls("sendMessage") {
		if c.Params["_failed"] == "" {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor polls cond until it holds or timeout passes.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) bool { return Poll(timeout, cond) }

// Poll checks cond every 10 ms until it holds or timeout passes, and
// reports whether it held: tests wait for what they check, never a fixed
// time, so they are quick on a fast machine and patient on a busy one.
func Poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}

func readParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			// The client library sends methods without parameters as an
			// empty multipart body; Telegram accepts that, and so do we.
			if strings.Contains(err.Error(), "EOF") {
				return out, nil
			}
			return nil, err
		}
		for k, v := range r.MultipartForm.Value {
			out[k] = v[0]
		}
		// An uploaded file shows as "upload:<name>:<size>" under its field.
		for k, fs := range r.MultipartForm.File {
			out[k] = "upload:" + fs[0].Filename + ":" + strconv.FormatInt(fs[0].Size, 10)
		}
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil && err != io.EOF {
			return nil, err
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			} else {
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.Form {
			out[k] = v[0]
		}
	}
	return out, nil
}

func reply(w http.ResponseWriter, status int, result any, desc string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body := map[string]any{"ok": status == 200}
	if status == 200 {
		body["result"] = result
	} else {
		body["error_code"] = status
		body["description"] = desc
		if retryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": retryAfter}
		}
	}
	_ = json.NewEncoder(w).Encode(body)
}

// GroupMessage is a message from an advisor in a group; thread is the forum
// topic (forum true) or the message it replies to.
func GroupMessage(group, user int64, msgID, thread int, forum bool, text string) map[string]any {
	msg := map[string]any{
		"message_id": msgID, "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": group, "type": "supergroup", "title": "Advisors", "is_forum": forum},
		"from": map[string]any{"id": user, "is_bot": false, "first_name": "Amina"},
	}
	if forum {
		msg["message_thread_id"], msg["is_topic_message"] = thread, true
	} else if thread != 0 {
		msg["reply_to_message"] = map[string]any{"message_id": thread, "date": time.Now().Unix(), "chat": map[string]any{"id": group, "type": "supergroup"}}
	}
	return map[string]any{"message": msg}
}

// MessageWithID is Message with a chosen message_id.
func MessageWithID(chat int64, lang, text string, id int) map[string]any {
	u := Message(chat, lang, text)
	u["message"].(map[string]any)["message_id"] = id
	return u
}

// Document queues a private message from chat carrying a file, which the
// bot can then fetch with getFile.
func (s *Server) Document(chat int64, name string, data []byte) map[string]any {
	return s.withFile(chat, "document", fmt.Sprintf("file%d", len(data)), data, map[string]any{"file_name": name})
}

// Voice queues a private voice message from chat, which the bot can fetch
// with getFile like a document.
func (s *Server) Voice(chat int64, data []byte) map[string]any {
	return s.withFile(chat, "voice", fmt.Sprintf("voice%d", len(data)), data, map[string]any{"duration": 4, "mime_type": "audio/ogg"})
}

// withFile is a private message from chat whose field kind is a file the
// server keeps under id, described by fields.
func (s *Server) withFile(chat int64, kind, id string, data []byte, fields map[string]any) map[string]any {
	s.mu.Lock()
	s.files[id] = data
	s.mu.Unlock()
	u := Message(chat, "nb", "")
	msg := u["message"].(map[string]any)
	delete(msg, "text")
	fields["file_id"], fields["file_unique_id"], fields["file_size"] = id, id, len(data)
	msg[kind] = fields
	return u
}

// LogBuffer is a log sink that a server's goroutines and a test may use
// at once: write the service's logs to it, read them in the test.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Reset empties the buffer.
func (l *LogBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
