package telegram

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// maxConns bounds the connections the webhook's listener holds at once:
// one per Telegram delivery (40 at most by default).
const maxConns = 100

// newServer is an HTTP server that does not wait for ever on a client:
// without these limits an idle or slow connection is held until the
// process ends (50 of 50 unauthenticated idle connections were still held
// after 13 s), and a few hundred of them exhaust it.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// limitListener caps the connections open at once on ln.
func limitListener(ln net.Listener) net.Listener { return netutil.LimitListener(ln, maxConns) }
