package web

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the web chat's Prometheus figures: how many sessions and
// messages, and what its abuse limits turned away. Labels are small fixed
// sets; nothing names a session, an address or a text.
type metrics struct {
	registry        *prometheus.Registry
	opened          prometheus.Counter
	resumed         prometheus.Counter
	ended           prometheus.Counter
	expired         prometheus.Counter
	sessionsRefused *prometheus.CounterVec // by reason
	refused         *prometheus.CounterVec // requests refused, by reason
	messages        *prometheus.CounterVec // by kind
	delivered       prometheus.Counter
	streams         prometheus.Gauge
}

// Why a request is refused: the values of the reason label.
const (
	refusedRateLimit      = "rate_limit"      // the address's requests over its rate
	refusedOrigin         = "origin"          // from a site that may not use the chat
	refusedTooLarge       = "too_large"       // a request body over maxBody
	refusedTooLong        = "too_long"        // a message over maxText characters
	refusedBadRequest     = "bad_request"     // not what the page sends
	refusedUnknownSession = "unknown_session" // a token that is not (or no longer) a session
	refusedInternal       = "internal"        // the engine or the stream failed
)

// Why a session is refused.
const (
	sessionsFull  = "full"  // the cap on open sessions
	sessionsError = "error" // no random token, or its chat ID taken
)

// newMetrics registers the figures on a registry of their own; open
// reports the sessions held now.
func newMetrics(open func() int) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		opened: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_web_sessions_opened_total",
			Help: "Web chat sessions started."}),
		resumed: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_web_sessions_resumed_total",
			Help: "Web chat sessions a page came back to."}),
		ended: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_web_sessions_ended_total",
			Help: "Web chat sessions ended by quick exit with \"end my conversation\"."}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_web_sessions_expired_total",
			Help: "Web chat sessions let go after being unused too long."}),
		sessionsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veiviser_web_sessions_refused_total",
			Help: "Web chat sessions not started, by reason (full: the cap on open sessions)."}, []string{"reason"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veiviser_web_requests_refused_total",
			Help: "Web chat requests answered with an error, by reason (rate_limit: the limit per address); a session refused is counted in veiviser_web_sessions_refused_total."}, []string{"reason"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veiviser_web_messages_total",
			Help: "Messages and button presses from web chat pages handed to the engine, by kind."}, []string{"kind"}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_web_events_delivered_total",
			Help: "Messages, edits and deletions delivered to open web chat pages."}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veiviser_web_streams_open",
			Help: "Web chat pages with their event stream open now."}),
	}
	sessions := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "veiviser_web_sessions_open",
		Help: "Web chat sessions held now (open pages and those that may come back)."}, func() float64 { return float64(open()) })
	// Every reason from the start, at 0: a dashboard or an alert on a
	// rate sees the series before the first refusal.
	for _, r := range []string{refusedRateLimit, refusedOrigin, refusedTooLarge, refusedTooLong, refusedBadRequest, refusedUnknownSession, refusedInternal} {
		m.refused.WithLabelValues(r)
	}
	for _, r := range []string{sessionsFull, sessionsError} {
		m.sessionsRefused.WithLabelValues(r)
	}
	for _, k := range []string{"text", "command", "button"} {
		m.messages.WithLabelValues(k)
	}
	m.registry.MustRegister(m.opened, m.resumed, m.ended, m.expired, m.sessionsRefused, m.refused, m.messages, m.delivered, m.streams, sessions)
	return m
}
