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
	// small server: collect garbage when the heap has grown by half rather
	// than doubled (about 8 MB less at 100,000 users). GOGC still decides
	// when it is set.
	if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "GOGC=") }) {
		debug.SetGCPercent(50)
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
