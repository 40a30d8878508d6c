// Package web is the web chat channel: the same engine, content, danger
// detection and advisors as Telegram, for women who have no Telegram or
// cannot install an app, on a page the centre links to or embeds. A
// session is a random token the page holds in memory; nothing that
// identifies her (IP address, browser) is stored, and the IP address is
// used in memory only, to limit abuse.
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/net/netutil"
	"golang.org/x/time/rate"

	"github.com/veiviser/veiviser/bot"
)

//go:embed static
var static embed.FS

// Handler is the engine as the channel sees it: it handles events and
// gives the content's recordings, which the page plays.
type Handler interface {
	Handle(ctx context.Context, ev bot.Event) error
	Audio(ctx context.Context, sum string) ([]byte, error)
}

// Translator gives the page's own words in her language; locales.Strings
// implements it.
type Translator interface {
	T(lang, id string, data map[string]any) string
	Match(code string) (lang string, sure bool)
}

// labels are the page's own words (the interface strings named Web…),
// by the keys the page uses.
var labels = map[string]string{
	"quickExit": "WebQuickExit", "police": "WebPolice", "ambulance": "WebAmbulance", "emergency": "ButtonEmergency",
	"historyHint": "WebHistoryHint", "placeholder": "WebPlaceholder", "send": "WebSend", "remember": "WebRemember",
	"endOnExit": "WebEndOnExit", "tapToRead": "WebTapToRead", "newConversation": "WebNewConversation",
}

// Outbox is what the channel delivers from and records into.
type Outbox interface {
	PendingFor(ctx context.Context, limit int, want func(chat int64) bool) ([]bot.Queued, error)
	Done(ctx context.Context, id uint64) error
	RecordMessage(ctx context.Context, chat int64, id int, at time.Time) error
	RecentMessages(ctx context.Context, chat int64, since time.Time) ([]int, error)
	ForgetMessages(ctx context.Context, chat int64) error
}

// Config is the web chat's configuration.
type Config struct {
	// FrameAncestors are the origins that may embed the page in an
	// <iframe> (e.g. "https://www.centre.no"); none: it cannot be embedded.
	FrameAncestors []string
	MaxSessions    int           // open sessions at most (default 10,000)
	Idle           time.Duration // a session unused this long is let go (default 2 h)
	PerAddress     bot.Rate      // requests one address may make (default perIP)
}

// Limits on what one visitor may do.
const (
	maxText      = 1000    // characters in one message
	maxBody      = 8 << 10 // bytes in one request
	queueLen     = 64      // events waiting for one page
	deliverEvery = 200 * time.Millisecond
)

// perIP bounds requests from one address, kept in memory only: a burst of
// 30, then one every half second.
func perIP() bot.Rate { return bot.Rate{N: 2, Per: time.Second, Burst: 30} }

// Server is the web chat: the page, its API, and the delivery of the web
// chats' outbox.
type Server struct {
	cfg     Config
	engine  Handler
	outbox  Outbox
	strings Translator
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics

	mu       sync.Mutex
	sessions map[string]*session // by token
	byChat   map[int64]*session
	ips      map[string]*rate.Limiter
	wake     chan struct{}
}

// session is one page's conversation.
type session struct {
	token     string
	chat      int64
	events    chan []byte // to the page's event stream; made when it first opens
	connected int         // open event streams
	seen      time.Time
	nextID    int // the page's message IDs: the engine edits and deletes by them
}

// New returns the web chat; Run delivers its outbox, Handler serves it.
func New(cfg Config, engine Handler, outbox Outbox, strs Translator, log *slog.Logger) *Server {
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 10000
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 2 * time.Hour
	}
	if cfg.PerAddress.N == 0 {
		cfg.PerAddress = perIP()
	}
	s := &Server{cfg: cfg, engine: engine, outbox: outbox, strings: strs, log: log, now: time.Now,
		sessions: map[string]*session{}, byChat: map[int64]*session{}, ips: map[string]*rate.Limiter{},
		wake: make(chan struct{}, 1)}
	s.metrics = newMetrics(s.openSessions)
	return s
}

// Metrics are the web chat's figures, for /metrics.
func (s *Server) Metrics() prometheus.Gatherer { return s.metrics.registry }

// openSessions is how many sessions are held now.
func (s *Server) openSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Handler serves the page and its API.
func (s *Server) Handler() http.Handler {
	files, _ := fs.Sub(static, "static")
	mux := http.NewServeMux()
	page := http.FileServerFS(files)
	mux.Handle("GET /", s.headers(page))
	mux.Handle("POST /api/session", s.api(s.openSession))
	mux.Handle("GET /api/events", s.headers(http.HandlerFunc(s.events)))
	mux.Handle("POST /api/send", s.api(s.send))
	mux.Handle("POST /api/press", s.api(s.press))
	mux.Handle("POST /api/end", s.api(s.end))
	mux.Handle("GET /api/labels", s.headers(http.HandlerFunc(s.labels)))
	mux.Handle("GET "+audioPath+"{sum}", s.headers(http.HandlerFunc(s.audio)))
	return mux
}

// audioPath is where the page fetches a recording, by its SHA-256.
const audioPath = "/api/audio/"

// audio serves a recording of the content. It is public content named by
// an unguessable checksum, and like every answer it is not cached: a
// recording about violence must not stay in a shared browser's cache.
func (s *Server) audio(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sum")
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		http.NotFound(w, r)
		return
	}
	data, err := s.engine.Audio(r.Context(), sum)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "audio/ogg")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// headers are what every answer carries: nothing cached, no referrer to
// the next site, nothing loaded from elsewhere, and embedding only where
// the centre allows it.
func (s *Server) headers(next http.Handler) http.Handler {
	ancestors := "'none'"
	if len(s.cfg.FrameAncestors) > 0 {
		ancestors = strings.Join(s.cfg.FrameAncestors, " ")
	}
	csp := "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors " + ancestors
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		if !s.allowed(r) {
			s.refuse(w, refusedRateLimit, http.StatusTooManyRequests, "Too many requests. Please wait a moment. In danger? Call 112.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// api is a JSON endpoint: same origin (or an embedding one) only, a body
// of bounded size.
func (s *Server) api(fn func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return s.headers(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.sameOrigin(r) {
			s.refuse(w, refusedOrigin, http.StatusForbidden, "This page may not be used from another site.")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			s.refuse(w, refusedTooLarge, http.StatusRequestEntityTooLarge, "That message is too long.")
			return
		}
		fn(w, r, body)
	}))
}

// sameOrigin accepts a request without an Origin (a same-origin GET, a
// test client) or from this host or an origin allowed to embed the page.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://") == r.Host {
		return true
	}
	for _, a := range s.cfg.FrameAncestors {
		if origin == a {
			return true
		}
	}
	return false
}

// allowed applies the per-address limit. The address is a key in memory
// for as long as its bucket is not full again, and is never logged.
func (s *Server) allowed(r *http.Request) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The time is read under the lock, so each bucket is asked at times in
	// order: rate.Limiter sets its clock back to an earlier time it allows
	// and would count the time between twice.
	now := s.now()
	b := s.ips[ip]
	if b == nil {
		if len(s.ips) > 100000 {
			clear(s.ips) // a flood of addresses: start afresh rather than grow
		}
		b = s.cfg.PerAddress.Limiter()
		s.ips[ip] = b
	}
	return b.AllowN(now, 1)
}

// refuse answers a request with an error she can read, and counts it by
// reason.
func (s *Server) refuse(w http.ResponseWriter, reason string, code int, msg string) {
	s.metrics.refused.WithLabelValues(reason).Inc()
	fail(w, code, msg)
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// labels answers the page's own words in a language: a code of ours
// ("ar"), or what her browser says ("fa-IR"); English when unknown.
func (s *Server) labels(w http.ResponseWriter, r *http.Request) {
	lang, _ := s.strings.Match(r.URL.Query().Get("lang"))
	out := map[string]string{"lang": lang}
	for key, id := range labels {
		out[key] = s.strings.T(lang, id, nil)
	}
	writeJSON(w, out)
}

// request is what the page posts.
type request struct {
	Token   string `json:"token"`
	Lang    string `json:"lang"`
	Text    string `json:"text"`
	Data    string `json:"data"`
	Message int    `json:"message"`
}

func (s *Server) decode(w http.ResponseWriter, body []byte) (request, bool) {
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		s.refuse(w, refusedBadRequest, http.StatusBadRequest, "The page sent something the server could not read. Please reload it.")
		return req, false
	}
	return req, true
}

// openSession resumes the page's session, or starts one and the
// conversation with it.
func (s *Server) openSession(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := s.decode(w, body)
	if !ok {
		return
	}
	if sess := s.session(req.Token); sess != nil {
		s.metrics.resumed.Inc()
		writeJSON(w, map[string]any{"token": sess.token, "resumed": true})
		return
	}
	sess, err := s.newSession()
	if err != nil {
		reason := sessionsError
		if errors.Is(err, errFull) {
			reason = sessionsFull
		}
		s.metrics.sessionsRefused.WithLabelValues(reason).Inc()
		fail(w, http.StatusServiceUnavailable, "The chat is full right now. Please try again in a few minutes. In danger? Call 112.")
		return
	}
	lang, _, _ := strings.Cut(req.Lang, ",")
	if !s.handle(w, r, bot.Event{Chat: sess.chat, Kind: bot.EventCommand, Command: "start", LangHint: strings.TrimSpace(lang)}) {
		return
	}
	writeJSON(w, map[string]any{"token": sess.token, "resumed": false})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// errFull is the cap on open sessions reached.
var errFull = errors.New("web: too many sessions")

// newSession makes a session with a random token and chat ID.
func (s *Server) newSession() (*session, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire()
	if len(s.sessions) >= s.cfg.MaxSessions {
		return nil, errFull
	}
	chat := bot.WebChats + int64(binary.BigEndian.Uint64(b[16:])>>4)
	if s.byChat[chat] != nil {
		return nil, errors.New("web: chat ID taken")
	}
	sess := &session{token: hex.EncodeToString(b[:16]), chat: chat, seen: s.now()}
	s.sessions[sess.token], s.byChat[chat] = sess, sess
	s.metrics.opened.Inc()
	return sess, nil
}

// expire lets sessions go that nobody used for Idle; s.mu is held.
func (s *Server) expire() {
	for token, sess := range s.sessions {
		if sess.connected == 0 && s.now().Sub(sess.seen) > s.cfg.Idle {
			delete(s.sessions, token)
			delete(s.byChat, sess.chat)
			s.metrics.expired.Inc()
		}
	}
}

func (s *Server) session(token string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[token]
	if sess != nil {
		sess.seen = s.now()
	}
	return sess
}

// handle gives the engine one event of the page's, then wakes delivery.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, ev bot.Event) bool {
	ev.At = s.now()
	if err := s.engine.Handle(r.Context(), ev); err != nil {
		s.log.Error("web: handle", "err", err)
		s.refuse(w, refusedInternal, http.StatusInternalServerError, "Something went wrong. Please try again. In danger? Call 112.")
		return false
	}
	s.Wake()
	return true
}

// sessionRequest reads a request of an open session; an unknown token
// gets 401, and the page starts a new session.
func (s *Server) sessionRequest(w http.ResponseWriter, body []byte) (request, *session, bool) {
	req, ok := s.decode(w, body)
	if !ok {
		return req, nil, false
	}
	sess := s.session(req.Token)
	if sess == nil {
		s.refuse(w, refusedUnknownSession, http.StatusUnauthorized, "Your conversation has ended. The page starts a new one.")
		return req, nil, false
	}
	return req, sess, true
}

// send is her message: free text, or a /command.
func (s *Server) send(w http.ResponseWriter, r *http.Request, body []byte) {
	req, sess, ok := s.sessionRequest(w, body)
	if !ok {
		return
	}
	text := strings.TrimSpace(req.Text)
	switch {
	case text == "":
		w.WriteHeader(http.StatusNoContent)
		return
	case utf8.RuneCountInString(text) > maxText:
		s.refuse(w, refusedTooLong, http.StatusRequestEntityTooLarge, fmt.Sprintf("Please write at most %d characters in one message.", maxText))
		return
	}
	ev, kind := bot.Event{Chat: sess.chat, Kind: bot.EventText, Text: text}, "text"
	if name, args, ok := command(text); ok {
		ev.Kind, ev.Command, ev.Text, kind = bot.EventCommand, name, args, "command"
	}
	if s.handle(w, r, ev) {
		s.metrics.messages.WithLabelValues(kind).Inc()
		w.WriteHeader(http.StatusNoContent)
	}
}

// command splits "/start topic" into "start" and "topic".
func command(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	return strings.ToLower(name), strings.TrimSpace(args), name != ""
}

// press is a button she pressed under message Message.
func (s *Server) press(w http.ResponseWriter, r *http.Request, body []byte) {
	req, sess, ok := s.sessionRequest(w, body)
	if !ok {
		return
	}
	if req.Data == "" || len(req.Data) > 64 {
		s.refuse(w, refusedBadRequest, http.StatusBadRequest, "That button is not known.")
		return
	}
	if s.handle(w, r, bot.Event{Chat: sess.chat, Kind: bot.EventButton, Data: req.Data, MessageID: req.Message}) {
		s.metrics.messages.WithLabelValues("button").Inc()
		w.WriteHeader(http.StatusNoContent)
	}
}

// end forgets her on the server, as /forget does, and ends the session:
// quick exit with "end my conversation" ticked.
func (s *Server) end(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := s.decode(w, body)
	if !ok {
		return
	}
	sess := s.session(req.Token)
	if sess == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !s.handle(w, r, bot.Event{Chat: sess.chat, Kind: bot.EventButton, Data: "forget"}) {
		return
	}
	s.mu.Lock()
	delete(s.sessions, sess.token)
	delete(s.byChat, sess.chat)
	s.mu.Unlock()
	s.metrics.ended.Inc()
	w.WriteHeader(http.StatusNoContent)
}

// events streams her messages to the page (server-sent events) while it
// is open; what comes while it is not waits in the outbox.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.refuse(w, refusedOrigin, http.StatusForbidden, "This page may not be used from another site.")
		return
	}
	sess := s.session(r.URL.Query().Get("token"))
	if sess == nil {
		s.refuse(w, refusedUnknownSession, http.StatusUnauthorized, "Your conversation has ended. The page starts a new one.")
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		s.refuse(w, refusedInternal, http.StatusInternalServerError, "Streaming is not supported here.")
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	s.mu.Lock()
	sess.connected++
	if sess.events == nil {
		sess.events = make(chan []byte, queueLen) // a session that never listens holds none
	}
	events := sess.events
	s.mu.Unlock()
	s.metrics.streams.Inc()
	defer func() {
		s.mu.Lock()
		sess.connected--
		sess.seen = s.now()
		s.mu.Unlock()
		s.metrics.streams.Dec()
	}()
	s.Wake()
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case data := <-events:
			if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
				return
			}
			flusher.Flush()
		case <-keepAlive.C:
			if _, err := io.WriteString(w, ": keep-alive\n\n"); err != nil {
				return
			}
			flusher.Flush()
		}
	}
}

// maxConns bounds the connections open at once: each open page holds one
// for its event stream.
const maxConns = 4096

// Serve serves the web chat on addr and delivers its outbox until ctx is
// done. ready, if not nil, gets the address it listens on.
func (s *Server) Serve(ctx context.Context, addr string, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	srv := &http.Server{
		Handler: s.Handler(),
		// No write timeout: an event stream stays open while the page is;
		// a slow or idle client is cut by these instead.
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	deliverCtx, stopDelivery := context.WithCancel(ctx)
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		s.Run(deliverCtx)
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		_ = srv.Close() // event streams do not end by themselves
	}()
	err = srv.Serve(netutil.LimitListener(ln, maxConns))
	stopDelivery()
	<-delivered // nothing reads the outbox once Serve returns: the store may close
	if !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}
