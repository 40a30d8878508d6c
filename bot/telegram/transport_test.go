package telegram

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWholeBodyHasALength: a streamed body (as the client library sends
// its forms) arrives with a Content-Length, not chunked, and intact.
func TestWholeBodyHasALength(t *testing.T) {
	want := strings.Repeat("field=value&", 500)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		if len(r.TransferEncoding) != 0 || r.ContentLength != int64(len(want)) || string(got) != want {
			t.Errorf("body came %v, length %d, %d bytes; want %d bytes with a length", r.TransferEncoding, r.ContentLength, len(got), len(want))
		}
	}))
	defer srv.Close()
	client := &http.Client{Transport: wholeBody{http.DefaultTransport}}

	pr, pw := io.Pipe()
	go func() {
		for part := range strings.SplitAfterSeq(want, "&") {
			io.WriteString(pw, part)
		}
		pw.Close()
	}()
	resp, err := client.Post(srv.URL, "text/plain", pr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A body that fails to build is an error, not a request.
	pr, pw = io.Pipe()
	broken := errors.New("form broke")
	go pw.CloseWithError(broken)
	if _, err := client.Post(srv.URL, "text/plain", pr); !errors.Is(err, broken) {
		t.Errorf("broken body: err = %v, want %v", err, broken)
	}
}

func TestRedactToken(t *testing.T) {
	const token = "123456:AA-b_c/d+e"
	err := errors.New(`Post "http://x/bot123456:AA-b_c/d+e/getMe" or http://x/bot123456:AA-b_c%2Fd+e or q=123456%3AAA-b_c%2Fd%2Be`)
	got := redactToken(err, token).Error()
	if strings.Contains(got, "AA-b_c") {
		t.Errorf("token left in %q", got)
	}
}
