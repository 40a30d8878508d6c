package main

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// updateQueue hands out updates as Telegram's getUpdates does: in order,
// at most 100 at a time, each until a later offset confirms it, holding
// a long poll open until one arrives.
type updateQueue struct {
	mu      sync.Mutex
	ids     *atomic.Int64 // the last update ID handed out, shared by the taps of a run
	pending []pendingUpdate
	arrived chan struct{} // closed when an update is added
}

type pendingUpdate struct {
	id   int64
	body json.RawMessage
}

// newUpdateQueue numbers updates from ids: like Telegram's, they keep
// growing when a bot restarts, which its duplicate check relies on.
func newUpdateQueue(ids *atomic.Int64) *updateQueue {
	return &updateQueue{ids: ids, arrived: make(chan struct{})}
}

// add queues an update (as built by telegramtest.Message or Callback).
func (q *updateQueue) add(u map[string]any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	id := q.ids.Add(1)
	u["update_id"] = id
	body, _ := json.Marshal(u)
	q.pending = append(q.pending, pendingUpdate{id, body})
	close(q.arrived)
	q.arrived = make(chan struct{})
}

// take drops the updates confirmed by offset and returns up to limit of the rest.
func (q *updateQueue) take(offset int64, limit int) ([]json.RawMessage, chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := 0
	for i < len(q.pending) && q.pending[i].id < offset {
		i++
	}
	q.pending = q.pending[i:]
	var out []json.RawMessage
	for _, p := range q.pending[:min(limit, len(q.pending))] {
		out = append(out, p.body)
	}
	return out, q.arrived
}

// serve answers getUpdates, with parameters as JSON (Veiviser) or as a
// multipart form (go-telegram/bot).
func (q *updateQueue) serve(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Offset  int64 `json:"offset"`
		Limit   int   `json:"limit"`
		Timeout int   `json:"timeout"`
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		_ = json.NewDecoder(r.Body).Decode(&p)
	} else if r.ParseMultipartForm(1<<20) == nil {
		p.Offset, _ = strconv.ParseInt(r.FormValue("offset"), 10, 64)
		p.Limit, _ = strconv.Atoi(r.FormValue("limit"))
		p.Timeout, _ = strconv.Atoi(r.FormValue("timeout"))
	}
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 100
	}
	deadline := time.NewTimer(time.Duration(p.Timeout) * time.Second)
	defer deadline.Stop()
	for {
		out, arrived := q.take(p.Offset, p.Limit)
		if len(out) > 0 || p.Timeout == 0 {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"result":[`))
			for i, u := range out {
				if i > 0 {
					w.Write([]byte(","))
				}
				w.Write(u)
			}
			w.Write([]byte(`]}`))
			return
		}
		select {
		case <-arrived:
		case <-deadline.C:
			p.Timeout = 0
		case <-r.Context().Done():
			return
		}
	}
}
