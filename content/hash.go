package content

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// TextHash is a short, stable hash of a title and body. Whitespace at the
// ends is ignored so reformatting a YAML block does not mark translations stale.
func TextHash(title, body string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(title) + "\n" + strings.TrimSpace(body)))
	return hex.EncodeToString(sum[:6])
}
