package telegram

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// wholeBody sends each request body in one piece. The client library
// streams its multipart form through a pipe, which goes out with chunked
// encoding, a chunk and a system call per form field; a message with its
// keyboard and entities has several. Read whole, the body goes out with a
// Content-Length in one write.
type wholeBody struct{ next http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t wholeBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength > 0 {
		return t.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	whole := r.Clone(r.Context())
	whole.Body = io.NopCloser(bytes.NewReader(body))
	whole.ContentLength = int64(len(body))
	whole.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return t.next.RoundTrip(whole)
}
