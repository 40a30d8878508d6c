// Command veiviser-load measures Veiviser under load, against a baseline
// measured in the same run.
//
// It starts a fake Telegram Bot API (bot/telegram/telegramtest) in this
// process and runs Veiviser's real serve path against it: the embedded
// catalog, a bbolt file in a temporary directory, the engine and the
// Telegram service polling for updates. Simulated users then have
// conversations as people do — /start, the language button, a topic, an
// answer, free-text questions in the ten languages — each waiting for the
// reply before the next step. The same load is then put on a bare
// go-telegram/bot echo bot, and both are reported with the ratio of their
// throughputs.
//
//	go run ./cmd/veiviser-load -users 1000              # Veiviser vs echo
//	go run ./cmd/veiviser-load -sessions 100000         # growth: 1k, 10k, 100k sessions
//	go run ./cmd/veiviser-load -users 50 -telegram-limits
//	go run ./cmd/veiviser-load -users 200 -web             # Telegram vs the web chat
//
// Latency is from queueing an update to the first reply reaching the Bot
// API. Run it from the repository root (or pass -questions).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/bot/telegram"
	"github.com/veiviser/veiviser/bot/telegram/telegramtest"
	"github.com/veiviser/veiviser/content"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "veiviser-load:", err)
		os.Exit(1)
	}
}

// config is what a load run is asked to do.
type config struct {
	users, msgs, sessions int
	sendBurst, parallel   int
	duration, timeout     time.Duration
	rtt                   time.Duration
	telegramLimits, json  bool
	web                   bool
	echoTuned             bool
	questions, cpuProfile string
	exec                  string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fl := flag.NewFlagSet("veiviser-load", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.IntVar(&c.users, "users", 1000, "simulated users talking at once")
	fl.IntVar(&c.msgs, "msgs", 8, "updates per user (/start, language, topic, answer, then questions); past 10 the flood guard answers")
	fl.IntVar(&c.sessions, "sessions", 0, "instead: grow the database to this many sessions, measuring at 1k, 10k, 100k")
	fl.DurationVar(&c.duration, "duration", 0, "stop starting conversation steps after this long (0: no limit)")
	fl.DurationVar(&c.timeout, "reply-timeout", 30*time.Second, "give up waiting for a reply after this long")
	fl.DurationVar(&c.rtt, "rtt", 0, "delay added to every Bot API call, like the network to Telegram")
	fl.BoolVar(&c.telegramLimits, "telegram-limits", false, "send at Telegram's limits (30/s, 1/s per chat), enforced by the fake with 429; no echo baseline")
	fl.IntVar(&c.sendBurst, "send-burst", 0, "experiment: let Veiviser's send limits allow bursts of this many messages (0: as serve parses them)")
	fl.IntVar(&c.parallel, "parallel", 0, "Bot API calls Veiviser's sender makes at once (0: serve's default)")
	fl.BoolVar(&c.echoTuned, "echo-tuned", false, "give the echo bot Veiviser's HTTP client (requests sent whole, connections kept)")
	fl.BoolVar(&c.json, "json", false, "print the figures as JSON")
	fl.BoolVar(&c.web, "web", false, "also: the same conversations through the web chat, beside the Telegram figures, and the RSS with 10,000 open web sessions against just before (with -exec, of the web chat's own process)")
	fl.StringVar(&c.exec, "exec", "", "run Veiviser as its own process from this binary (`go build ./cmd/veiviser`), so RSS is its alone")
	fl.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run (driver, fake and bots) to this file")
	fl.StringVar(&c.questions, "questions", "content/testdata/questions", "directory of <lang>.tsv question files")
	if err := fl.Parse(args); err != nil {
		return c, err
	}
	if c.users < 1 || c.msgs < 1 || c.sessions < 0 {
		return c, errors.New("-users and -msgs must be at least 1")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cat, _, err := content.Load(content.Embedded())
	if err != nil {
		return err
	}
	qs, err := readQuestions(cfg.questions)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "veiviser-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	l := loader{cfg: cfg, script: script{cat: cat, questions: qs}, db: filepath.Join(dir, "veiviser.db"),
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), progress: stderr,
		reads: new(atomic.Int64), updateIDs: new(atomic.Int64)}
	if cfg.sessions > 0 {
		g, err := l.growth(ctx)
		if g == nil {
			return err
		}
		if cfg.json {
			return errors.Join(err, printJSON(stdout, g))
		}
		printGrowth(stdout, g.Sizes)
		printFileStats(stdout, g.Buckets, g.FreeMB)
		return err
	}
	v, e, err := l.compare(ctx)
	if err != nil {
		return err
	}
	if cfg.web {
		fmt.Fprintf(stderr, "web: %d users × %d updates\n", cfg.users, cfg.msgs)
		w, err := l.webRun(ctx)
		if err != nil {
			return err
		}
		if cfg.json {
			return printJSON(stdout, map[string]any{"telegram": v, "web": w, "web_telegram_ratio": w.UpdatesPerSec / v.UpdatesPerSec})
		}
		printWeb(stdout, v, w)
		return nil
	}
	if cfg.json {
		out := map[string]any{"veiviser": v, "msgs_per_user": cfg.msgs}
		if e != nil {
			out["echo"], out["throughput_ratio"] = e, v.UpdatesPerSec/e.UpdatesPerSec
		}
		return printJSON(stdout, out)
	}
	printComparison(stdout, v, e)
	return nil
}

// limits are the fake's enforced limits and Veiviser's send limits.
func (c config) limits() (*telegramtest.Limits, string) {
	fake, send := (*telegramtest.Limits)(nil), engineLimits
	if c.telegramLimits {
		fake, send = &telegramtest.Limits{Global: 30, Chat: 1}, telegram.DefaultLimits
	}
	if c.parallel > 0 {
		send += fmt.Sprintf(",parallel=%d", c.parallel)
	}
	return fake, send
}
