package telegram

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the service's Prometheus figures. Labels are small fixed
// sets (update kind, error code): never chat IDs or text.
type Metrics struct {
	Registry  *prometheus.Registry
	updates   *prometheus.CounterVec
	sent      prometheus.Counter
	dropped   prometheus.Counter
	throttled prometheus.Counter
	errors    *prometheus.CounterVec
	depth     prometheus.Gauge
	latency   prometheus.Histogram
}

// NewMetrics registers the metrics on a registry of their own.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veiviser_updates_total",
			Help: "Telegram updates received, by kind."}, []string{"kind"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_replies_sent_total",
			Help: "Messages delivered to Telegram."}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_replies_dropped_total",
			Help: "Messages Telegram refused for good (blocked bot, chat gone)."}),
		throttled: prometheus.NewCounter(prometheus.CounterOpts{Name: "veiviser_send_throttled_total",
			Help: "429 answers from Telegram."}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veiviser_send_errors_total",
			Help: "Failed Bot API calls, by error code."}, []string{"code"}),
		depth: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veiviser_outbox_depth",
			Help: "Messages waiting in the outbox (up to one batch): read at each step of the sender, less those delivered since."}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "veiviser_handler_seconds",
			Help: "Time to handle one update, from receipt to commit.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
	}
	m.Registry.MustRegister(m.updates, m.sent, m.dropped, m.throttled, m.errors, m.depth, m.latency)
	return m
}

func (m *Metrics) setDepth(n int) { m.depth.Set(float64(n)) }
