package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/serve"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/bot/telegram"
)

// engineLimits lets the sender go as fast as the bot can, so a load run
// measures Veiviser rather than Telegram's pacing.
const engineLimits = "global=100000/s,chat=100000/s,group=100000/s"

// startVeiviser runs `veiviser serve` as the command does (serve.New and
// Run: the embedded catalog or what staff published, store, engine, flood
// limit, reminders, purge, reload on SIGHUP, Telegram by long polling)
// against apiURL, until stop is called. The sender's reads of the outbox
// are counted in reads. A burst above 0 overrides the bursts the send
// limits allow, which VEIVISER_SEND_LIMITS cannot say (an experiment, not
// serve's behaviour).
func startVeiviser(ctx context.Context, apiURL, db, limits string, burst int, log *slog.Logger, reads *atomic.Int64) (stop func() error, err error) {
	cfg, err := serve.Parse(nil, []string{"TELEGRAM_TOKEN=123456:LOAD-test-token", "TELEGRAM_API_URL=" + apiURL,
		"VEIVISER_DB=" + db, "VEIVISER_SEND_LIMITS=" + limits, "VEIVISER_HTTP=127.0.0.1:0"})
	if err != nil {
		return nil, err
	}
	if burst > 0 {
		lim := &cfg.Telegram.Limits
		lim.Global.Burst, lim.Chat.Burst, lim.Group.Burst = burst, burst, burst
	}
	srv, err := serve.New(ctx, cfg, log, serve.Options{
		Outbox: func(st *store.Store) telegram.Store { return countReads{st, reads} },
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	return func() error {
		cancel()
		err := <-done
		if cerr := srv.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// countReads is the store with its outbox reads counted.
type countReads struct {
	*store.Store
	reads *atomic.Int64
}

// PendingFor reads the outbox.
func (c countReads) PendingFor(ctx context.Context, limit int, want func(int64) bool) ([]bot.Queued, error) {
	c.reads.Add(1)
	return c.Store.PendingFor(ctx, limit, want)
}

// startServeProcess runs `bin serve` against apiURL as a process of its
// own, configured the way an operator would, until stop is called.
func startServeProcess(bin, apiURL, db, limits string, logs io.Writer) (stop func() error, pid int, err error) {
	return startProcess(bin, []string{"serve"}, logs, "TELEGRAM_TOKEN=123456:LOAD-test-token", "TELEGRAM_API_URL="+apiURL,
		"VEIVISER_DB="+db, "VEIVISER_HTTP=127.0.0.1:0", "VEIVISER_SEND_LIMITS="+limits, "LOG_LEVEL=warn")
}

// startProcess runs bin with args and env (besides this process's) as a
// process of its own, until stop is called (SIGTERM).
func startProcess(bin string, args []string, logs io.Writer, env ...string) (stop func() error, pid int, err error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", bin, err)
	}
	return func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		return cmd.Wait()
	}, cmd.Process.Pid, nil
}
