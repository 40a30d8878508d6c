package repocheck

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Tools, taken from the Go module proxy at these versions.
const (
	staticcheck = "honnef.co/go/tools/cmd/staticcheck@v0.8.2"
	govulncheck = "golang.org/x/vuln/cmd/govulncheck@v1.9.0"
)

func enabled(t *testing.T) {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("VEIVISER_REPOCHECK") != "1" {
		t.Skip("runs in CI (CI=true) or with VEIVISER_REPOCHECK=1")
	}
}

// run runs a go command at the module root with a deadline.
func run(t *testing.T, env []string, args ...string) (out string, late bool, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.CombinedOutput()
	return string(b), ctx.Err() != nil, err
}

// TestStaticcheck: the module is clean under staticcheck's default checks
// (staticcheck.conf says which one is off, and why).
func TestStaticcheck(t *testing.T) {
	enabled(t)
	out, late, err := run(t, nil, "run", staticcheck, "./...")
	switch {
	case late:
		t.Skip("staticcheck did not finish in time")
	case err != nil:
		t.Errorf("staticcheck:\n%s", out)
	}
}

// TestGovulncheck: no known vulnerability in code Veiviser calls. Where
// the vulnerability database cannot be reached it skips, saying so, rather
// than fail a build for the network.
func TestGovulncheck(t *testing.T) {
	enabled(t)
	out, late, err := run(t, nil, "run", govulncheck, "./...")
	switch {
	case err == nil:
		t.Logf("govulncheck: %s", summary(out))
	case strings.Contains(out, "fetching vulnerabilities"):
		t.Skipf("govulncheck skipped: its vulnerability database cannot be reached from this machine (%s)", summary(out))
	case late:
		t.Skip("govulncheck did not finish in time")
	default:
		t.Errorf("govulncheck failed or found vulnerabilities in code Veiviser calls:\n%s", out)
	}
}

// TestOtherPlatforms: the code vets on macOS and the commands build for
// Windows; Linux-only tests carry a build tag.
func TestOtherPlatforms(t *testing.T) {
	enabled(t)
	if out, _, err := run(t, []string{"GOOS=darwin"}, "vet", "./..."); err != nil {
		t.Errorf("GOOS=darwin go vet ./...:\n%s", out)
	}
	if out, _, err := run(t, []string{"GOOS=windows"}, "build", "-o", os.DevNull, "./cmd/veiviser"); err != nil {
		t.Errorf("GOOS=windows go build ./cmd/veiviser:\n%s", out)
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
