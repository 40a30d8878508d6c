// Package vulncheck runs govulncheck over the module as part of the test
// suite, so CI reports known vulnerabilities in what Veiviser calls.
package vulncheck

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// version is the govulncheck the check runs, taken from the module proxy.
const version = "golang.org/x/vuln/cmd/govulncheck@v1.9.0"

// TestGovulncheck runs in CI (CI=true) or when VEIVISER_VULNCHECK=1: it
// fetches govulncheck and its database, which takes half a minute. Where
// the vulnerability database cannot be reached it skips, saying so, rather
// than fail a build for the network.
func TestGovulncheck(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("VEIVISER_VULNCHECK") != "1" {
		t.Skip("govulncheck runs in CI (CI=true) or with VEIVISER_VULNCHECK=1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", version, "./...")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	text := string(out)
	switch {
	case err == nil:
		t.Logf("govulncheck: %s", summary(text))
	case strings.Contains(text, "fetching vulnerabilities"):
		t.Skipf("govulncheck skipped: its vulnerability database cannot be reached from this machine (%s)", summary(text))
	case ctx.Err() != nil:
		t.Skipf("govulncheck skipped: it did not finish in time")
	default:
		t.Errorf("govulncheck failed or found vulnerabilities in code Veiviser calls:\n%s", text)
	}
}

// summary is govulncheck's own line of the output, or its last.
func summary(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "govulncheck:") || strings.HasPrefix(l, "No vulnerabilities") {
			return l
		}
	}
	return lines[len(lines)-1]
}
