package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/bot/store"
)

// loader runs the measurements a config asks for.
type loader struct {
	cfg       config
	script    script
	db        string
	log       *slog.Logger
	progress  io.Writer
	reads     *atomic.Int64 // Veiviser's reads of its outbox
	updateIDs *atomic.Int64 // the last update ID any tap handed out
}

// stopFunc stops a bot under load.
type stopFunc func() error

// start runs a bot behind a fresh tap and waits until it polls.
func (l loader) start(ctx context.Context, echo bool) (*tap, stopFunc, error) {
	fakeLimits, sendLimits := l.cfg.limits()
	t := newTap(fakeLimits, l.cfg.rtt, l.updateIDs)
	var stop stopFunc
	var err error
	switch {
	case echo:
		stop, err = startEcho(ctx, t.srv.URL, l.cfg.echoTuned)
	case l.cfg.exec != "":
		stop, t.pid, err = startServeProcess(l.cfg.exec, t.srv.URL, l.db, sendLimits, l.progress)
	default:
		stop, err = startVeiviser(ctx, t.srv.URL, l.db, sendLimits, l.cfg.sendBurst, l.log, l.reads)
	}
	if err != nil {
		t.Close()
		return nil, nil, err
	}
	select {
	case <-t.polled:
	case <-time.After(30 * time.Second):
		stop()
		t.Close()
		return nil, nil, errors.New("the bot did not poll for updates within 30s")
	}
	return t, stop, nil
}

// users are the conversations of the comparison.
func (l loader) users(yield func(conv) bool) {
	for i := range l.cfg.users {
		if !yield(l.script.user(int64(1000+i), i, l.cfg.msgs)) {
			return
		}
	}
}

// measure drives convs against a started bot and takes its figures.
func (l loader) measure(ctx context.Context, t *tap, name string, users int, convs func(func(conv) bool), echo bool) figures {
	deadline := time.Now().Add(24 * time.Hour)
	if l.cfg.duration > 0 {
		deadline = time.Now().Add(l.cfg.duration)
	}
	resetPeak()
	reads := l.reads.Load()
	o := drive(ctx, t, convs, users, echo, deadline, l.cfg.timeout)
	f := summarize(name, users, o)
	f.OutboxReads = l.reads.Load() - reads
	f.Throttled = t.throttled.Load()
	t.renew()
	f.memory(t.pid)
	return f
}

// compare measures Veiviser, then the echo bot under the same load.
func (l loader) compare(ctx context.Context) (figures, *figures, error) {
	fmt.Fprintf(l.progress, "veiviser: %d users × %d updates\n", l.cfg.users, l.cfg.msgs)
	// Goroutines inherit the label, so a CPU profile (-cpuprofile) can be
	// cut to one bot's run: go tool pprof -tagfocus bot=veiviser.
	ctx = pprof.WithLabels(ctx, pprof.Labels("bot", "veiviser"))
	pprof.SetGoroutineLabels(ctx)
	t, stop, err := l.start(ctx, false)
	if err != nil {
		return figures{}, nil, err
	}
	v := l.measure(ctx, t, "veiviser", l.cfg.users, l.users, false)
	v.FileMB = fileMB(l.db)
	err = stop()
	t.Close()
	if err != nil || l.cfg.telegramLimits || ctx.Err() != nil {
		return v, nil, err
	}
	fmt.Fprintf(l.progress, "echo: %d users × %d updates\n", l.cfg.users, l.cfg.msgs)
	ctx = pprof.WithLabels(ctx, pprof.Labels("bot", "echo"))
	pprof.SetGoroutineLabels(ctx)
	t, stop, err = l.start(ctx, true)
	if err != nil {
		return v, nil, err
	}
	e := l.measure(ctx, t, "echo", l.cfg.users, l.users, true)
	err = stop()
	t.Close()
	return v, &e, err
}

// checkpoints are the sizes the growth run measures at.
func checkpoints(n int) []int {
	var out []int
	for size := 1000; size < n; size *= 10 {
		out = append(out, size)
	}
	return append(out, n)
}

// growth fills the database with new users' /start, measuring at each
// checkpoint how returning users are answered: 200 of them (spread over
// all stored sessions) talking at once.
func (l loader) growth(ctx context.Context) (*growthReport, error) {
	t, stop, err := l.start(ctx, false)
	if err != nil {
		return nil, err
	}
	defer func() { t.Close() }()
	out := &growthReport{}
	created := 0
	for _, size := range checkpoints(l.cfg.sessions) {
		began, from := time.Now(), created
		for created < size && ctx.Err() == nil {
			lo, hi := created, min(created+10000, size)
			drive(ctx, t, func(yield func(conv) bool) {
				for i := lo; i < hi && yield(l.script.user(int64(i+1), i, 1)); i++ {
				}
			}, l.cfg.users, false, time.Now().Add(24*time.Hour), l.cfg.timeout)
			created = hi
			t.renew() // drop the fake's call log
			fmt.Fprintf(l.progress, "sessions: %d\n", created)
		}
		starts := float64(created-from) / time.Since(began).Seconds()
		probe := min(200, size)
		returning := func(yield func(conv) bool) {
			for k := 0; k < probe && yield(l.script.returning(int64(k*size/probe+1), k)); k++ {
			}
		}
		g := growth{Sessions: size, StartsPerS: starts, figures: l.measure(ctx, t, "veiviser", probe, returning, false)}
		g.FileMB = fileMB(l.db)
		out.Sizes = append(out.Sizes, g)
		if l.cfg.exec == "" || ctx.Err() != nil {
			continue
		}
		// The same sessions as the hourly maintenance leaves them: the file
		// compacted, then a restart, whose purge reads every record.
		t.Close()
		if err := errors.Join(stop(), compact(l.db)); err != nil {
			return out, err
		}
		if t, stop, err = l.start(ctx, false); err != nil {
			return out, err
		}
		g = growth{Sessions: size, Compacted: true, figures: l.measure(ctx, t, "veiviser", probe, returning, false)}
		g.FileMB = fileMB(l.db)
		out.Sizes = append(out.Sizes, g)
	}
	if err := errors.Join(ctx.Err(), stop()); err != nil {
		return out, err
	}
	var err2 error
	out.Buckets, out.FreeMB, err2 = fileStats(l.db)
	return out, err2
}

// growthReport is the growth run's figures and what fills the file at the end.
type growthReport struct {
	Sizes   []growth     `json:"sessions"`
	Buckets []bucketStat `json:"buckets"`
	FreeMB  float64      `json:"free_mb"`
}

// compact rewrites the database file as the hourly maintenance does.
func compact(db string) error {
	st, err := store.Open(db)
	if err != nil {
		return err
	}
	return errors.Join(st.Compact(), st.Close())
}
