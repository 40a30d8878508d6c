package telegram

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServerDropsIdleConnections: a client that connects and sends nothing
// is disconnected once the header timeout passes, instead of holding a
// connection for as long as it likes.
func TestServerDropsIdleConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(http.NotFoundHandler())
	srv.ReadHeaderTimeout = 200 * time.Millisecond // the real one is 5 s; the behaviour is the same
	go srv.Serve(limitListener(ln))
	t.Cleanup(func() { srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1)
	if _, err := conn.Read(buf); err == nil {
		// The server may answer 408 before closing; then the next read ends.
		_, err = conn.Read(make([]byte, 4096))
		if err == nil {
			t.Fatal("idle connection still open")
		}
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("idle connection held for 10 s: no header timeout")
	}
}

func TestNewServerHasTimeouts(t *testing.T) {
	s := newServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout == 0 || s.ReadTimeout == 0 || s.WriteTimeout == 0 || s.IdleTimeout == 0 {
		t.Errorf("server without timeouts: %+v", s)
	}
}
