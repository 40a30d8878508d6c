package telegram

import (
	"bytes"
	"cmp"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
)

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// runPolling asks Telegram for updates in a loop. It does not use the
// library's poller, which confirms updates to Telegram as soon as they are
// received: a crash before they were handled would lose them. Here an
// update is confirmed (by the next offset) only after the engine committed
// it, and the engine ignores one it has already handled.
func (s *Service) runPolling(ctx context.Context) error {
	if _, err := s.api.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); err != nil {
		s.log.Warn("delete webhook", "code", errorCode(err))
	}
	s.log.Info("receiving updates by long polling")
	var offset int64
	backoff, retry := time.Duration(0), time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
		}
		raws, err := s.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
			s.log.Warn("get updates", "err_kind", fmt.Sprintf("%T", errors.Unwrap(err)), "backoff", backoff)
			continue
		}
		backoff = 0
		next, err := s.processBatch(ctx, raws)
		if next > offset {
			offset = next
		}
		s.failing.Store(err != nil)
		if err != nil {
			// Unconfirmed updates stay with Telegram: try them again, less
			// often while the trouble (a full disk, say) lasts.
			retry = min(max(2*retry, time.Second), 15*time.Second)
			backoff = retry
			s.log.Error("updates not handled; Telegram keeps them and they are tried again", "err", err, "retry_in", backoff.String())
		} else {
			retry = 0
		}
	}
	return nil
}

// processBatch handles a batch of updates, different chats in parallel and
// each chat in order, and returns the offset that confirms the updates up
// to the first one that failed.
func (s *Service) processBatch(ctx context.Context, raws []json.RawMessage) (int64, error) {
	type item struct {
		id int64
		d  Decoded
	}
	byChat := map[int64][]item{}
	var order []int64
	var maxID int64
	for _, raw := range raws {
		d, err := s.decoder.DecodeUpdate(raw)
		if err != nil {
			var head struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &head)
			maxID = max(maxID, head.ID)
			s.log.Warn("undecodable update skipped")
			continue
		}
		maxID = max(maxID, d.UpdateID)
		chat := d.Event.Chat
		if _, seen := byChat[chat]; !seen {
			order = append(order, chat)
		}
		byChat[chat] = append(byChat[chat], item{d.UpdateID, d})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed, failures := int64(-1), 0
	var firstErr error
	for _, chat := range order {
		wg.Add(1)
		go func(items []item) {
			defer wg.Done()
			for _, it := range items {
				if err := s.process(ctx, it.d); err != nil {
					mu.Lock()
					if failed < 0 || it.id < failed {
						failed = it.id
					}
					failures++
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
			}
		}(byChat[chat])
	}
	wg.Wait()
	if failed >= 0 {
		return failed, fmt.Errorf("%d chats' updates failed, the first: %w", failures, firstErr)
	}
	return maxID + 1, nil
}

// getUpdates calls the Bot API's getUpdates with a long-poll timeout.
func (s *Service) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"offset": offset, "timeout": int(s.cfg.PollTimeout.Seconds()),
		"allowed_updates": allowedUpdates})
	base := s.cfg.APIURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/bot"+s.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("get updates: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get updates: %w", redactToken(err, s.cfg.Token))
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		Description string            `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("get updates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("get updates: status %d: %s", resp.StatusCode, r.Description)
	}
	return r.Result, nil
}

// redactToken keeps the token out of error messages, which quote the URL,
// the token as written or escaped for a URL.
func redactToken(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	msg := err.Error()
	for _, t := range []string{token, url.PathEscape(token), url.QueryEscape(token)} {
		msg = strings.ReplaceAll(msg, t, "***")
	}
	return errors.New(msg)
}

// secretHeader is where Telegram puts the webhook's secret token.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateSize bounds a webhook body; real updates are a few kilobytes.
const maxUpdateSize = 1 << 20

// WebhookHandler answers Telegram's webhook calls. A request without the
// right secret is refused with 401 and nothing in it is processed (the
// library's own handler only logs it and answers 200). An update that
// could not be committed gets a 500, so Telegram delivers it again.
func (s *Service) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(secretHeader)
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateSize+1))
		if err != nil || len(body) > maxUpdateSize {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		d, err := s.decoder.DecodeUpdate(body)
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		err = s.process(r.Context(), d)
		s.failing.Store(err != nil)
		if err != nil {
			s.log.Error("update not handled; Telegram keeps it and delivers it again", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func (s *Service) runWebhook(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("telegram: webhook listen %s: %w", s.cfg.Listen, err)
	}
	ln = limitListener(ln)
	srv := newServer(s.WebhookHandler())
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	_, err = s.api.SetWebhook(ctx, &tg.SetWebhookParams{URL: s.cfg.WebhookURL, SecretToken: s.cfg.WebhookSecret,
		AllowedUpdates: allowedUpdates})
	if err != nil {
		ln.Close()
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	s.log.Info("receiving updates by webhook", "listen", s.cfg.Listen)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	return nil
}
