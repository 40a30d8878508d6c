package main

import (
	"context"
	"io"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/veiviser/veiviser/bot/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) error {
	cfg, err := serve.Parse(args, env)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})).With("version", version)
	// The bot goes at Telegram's pace, not its CPU's, and often shares a
	// small server: collect garbage when the heap has grown by a quarter
	// rather than doubled. Most of the heap is the trained matcher, which
	// never changes and holds no pointers, so collecting more often costs
	// little; the headroom it saves is 7–12 MB at 100,000 users against
	// GOGC 50 (docs/performance.md). GOGC still decides when it is set.
	if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "GOGC=") }) {
		debug.SetGCPercent(25)
	}
	srv, err := serve.New(ctx, cfg, log, serve.Options{})
	if err != nil {
		return err
	}
	err = srv.Run(ctx)
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	return err
}
