package shell

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/bottest"
	"github.com/veiviser/veiviser/bot/store"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// newShell wires a shell to the real engine, the embedded content and a
// bbolt file of its own.
func newShell(tb testing.TB, hint string, escalation, staff bool) (*Shell, *store.Store) {
	tb.Helper()
	clock := func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) } // a Wednesday, centre open
	cfg := bot.Config{Now: clock}
	if escalation {
		cfg.Escalation = bot.Escalation{Chat: -100, Lang: "en"}
	}
	if staff {
		cfg.Staff = []int64{42}
		engine, st := bottest.EngineWithContent(tb, cfg)
		return &Shell{Engine: engine, Outbox: st, Chat: 42, LangHint: hint}, st
	}
	engine, st := bottest.Engine(tb, "", cfg)
	return &Shell{Engine: engine, Outbox: st, Chat: 42, LangHint: hint}, st
}

// TestTranscripts replays each testdata/*.in conversation and compares what
// the user would see with testdata/*.golden. The first line of an .in file
// may set the app language ("#lang ar"), a deep link ("#start topic_residence")
// and "#advisors" turns escalation on (posts to the group are shown too);
// "#staff" makes her a staff member with the content tools.
func TestTranscripts(t *testing.T) {
	ins, err := filepath.Glob("testdata/*.in")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		t.Run(name, func(t *testing.T) {
			script, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var hint, start string
			var escalation, staff bool
			var lines []string
			for _, line := range strings.Split(string(script), "\n") {
				switch {
				case strings.HasPrefix(line, "#lang "):
					hint = strings.TrimPrefix(line, "#lang ")
				case strings.HasPrefix(line, "#start "):
					start = strings.TrimPrefix(line, "#start ")
				case line == "#advisors":
					escalation = true
				case line == "#staff":
					staff = true
				case strings.HasPrefix(line, "#"):
				default:
					lines = append(lines, line)
				}
			}
			sh, st := newShell(t, hint, escalation, staff)
			sh.Start = start
			var out bytes.Buffer
			if err := sh.Run(context.Background(), echo(strings.Join(lines, "\n"), &out), &out); err != nil {
				t.Fatalf("run: %v", err)
			}
			if n := st.OutboxDepth(); n != 0 {
				t.Errorf("%d messages left in the outbox", n)
			}
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./bot/shell -update)", err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("transcript differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(want), got))
			}
		})
	}
}

// echo makes the typed input appear in the transcript after each prompt,
// as it would on a terminal.
func echo(input string, out *bytes.Buffer) *echoReader {
	return &echoReader{lines: strings.Split(input, "\n"), out: out}
}

type echoReader struct {
	lines []string
	out   *bytes.Buffer
	buf   []byte
}

func (r *echoReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if len(r.lines) == 0 {
			return 0, io.EOF
		}
		line := r.lines[0]
		r.lines = r.lines[1:]
		r.out.WriteString(line + "\n")
		r.buf = []byte(line + "\n")
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return ""
}
