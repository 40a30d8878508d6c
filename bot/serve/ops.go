package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/net/netutil"
)

// opsConns bounds the connections the ops endpoints hold at once: a
// scraper or two, and a health check.
const opsConns = 100

// serveOps starts /healthz and /metrics on cfg.HTTP, in either mode: a
// centre that runs only the web chat watches it the same way. The figures
// are the store's and each running channel's; stop ends the server once
// its handlers are done.
func (s *Server) serveOps() (stop func(), err error) {
	if s.cfg.HTTP == "" {
		return func() {}, nil
	}
	gatherers := prometheus.Gatherers{s.storeMetrics()}
	if s.svc != nil {
		gatherers = append(gatherers, s.svc.Metrics())
	}
	if s.web != nil {
		gatherers = append(gatherers, s.web.Metrics())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := s.store.Ping(); err != nil {
			http.Error(w, "database not reachable", http.StatusServiceUnavailable)
			return
		}
		if s.svc != nil {
			if err := s.svc.Health(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", s.cfg.HTTP)
	if err != nil {
		return nil, fmt.Errorf("ops: listen %s: %w", s.cfg.HTTP, err)
	}
	// Without these limits an idle or slow client holds its connection
	// until the process ends.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := srv.Serve(netutil.LimitListener(ln, opsConns)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("ops server", "err", err)
		}
	}()
	return func() {
		// Shutdown waits for the handlers, which read the store.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	}, nil
}

// storeMetrics are the figures both channels share, read from the
// store's statistics when scraped: questions the bot could not answer,
// and messages over one chat's rate (a web chat's is one session's).
func (s *Server) storeMetrics() prometheus.Gatherer {
	reg := prometheus.NewRegistry()
	counter := func(name string) float64 {
		c, _ := s.store.Counters(context.Background(), name, time.Time{})
		return float64(c[name])
	}
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "veiviser_unanswered_questions_total",
		Help: "Free-text questions the bot could not answer."}, func() float64 { return counter("question:unanswered") }))
	for _, verdict := range []string{"warned", "dropped"} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "veiviser_flood_limited_total",
			Help:        "Messages over one chat's rate limit (in the web chat, one session's), both channels: the first is answered with \"slow down\", the rest dropped.",
			ConstLabels: prometheus.Labels{"verdict": verdict}}, func() float64 { return counter("flood:" + verdict) }))
	}
	return reg
}
