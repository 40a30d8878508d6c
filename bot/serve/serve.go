// Package serve is `veiviser serve`: its configuration, and the one
// constructor that wires the catalog, the store, the engine and the
// Telegram service together, used by the command and by the load driver
// alike, so load figures describe what runs.
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/bot/telegram"
	"github.com/veiviser/veiviser/bot/web"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/content/modelcache"
	"github.com/veiviser/veiviser/locales"
)

// Server is a wired bot: New builds it, Run serves, Close releases it.
type Server struct {
	cfg    Config
	log    *slog.Logger
	store  *store.Store
	engine *bot.Engine
	svc    *telegram.Service // nil when only the web chat runs
	web    *web.Server       // nil without VEIVISER_WEB
	// WebReady, if set before Run, gets the address the web chat listens on.
	WebReady func(addr string)
}

// Options are what only a load run changes.
type Options struct {
	// Outbox wraps the store the Telegram service reads the outbox from
	// (the load driver counts the reads).
	Outbox func(*store.Store) telegram.Store
	// WebPerAddress replaces the web chat's limit per address: a load run
	// comes from one address.
	WebPerAddress bot.Rate
}

// New loads the content (the directory, or what staff published, or the
// embedded catalog), opens the store and builds the engine and the
// Telegram service; it asks Telegram whether the advisors' group has
// topics. Close releases what New opened.
func New(ctx context.Context, cfg Config, log *slog.Logger, opt Options) (*Server, error) {
	cat, report, err := content.LoadDir(cfg.ContentDir)
	if err != nil {
		return nil, err
	}
	log.Info("content loaded", "version", cat.Version, "entries", len(cat.Entries), "warnings", len(report.Warnings()))
	if unset := cat.Centre.Unset(); len(unset) > 0 {
		log.Warn("the centre's details are not set in centre.yaml: answers leave them out", "unset", strings.Join(unset, ","))
	}
	strs, err := locales.Load()
	if err != nil {
		return nil, err
	}
	st, err := store.OpenWithKey(cfg.DB, cfg.DBKey)
	if err != nil {
		return nil, err
	}
	if cfg.WebOnly && cfg.AdvisorChat != 0 {
		log.Warn("escalation to advisors is off: it needs Telegram, and only the web chat runs")
		cfg.AdvisorChat = 0
	}
	if cfg.AdvisorChat == 0 {
		log.Info("escalation to advisors is off: VEIVISER_ADVISOR_CHAT is not set")
	}
	var reload func() (*content.Catalog, content.Report, error)
	var writeBack func(map[string][]byte) error
	if cfg.ContentDir != "" {
		reload = func() (*content.Catalog, content.Report, error) { return content.LoadDir(cfg.ContentDir) }
		writeBack = func(files map[string][]byte) error { return content.WriteDir(cfg.ContentDir, files) }
	} else if v, files, found, err := st.Version(ctx, 0); err == nil && found {
		// Content published from Telegram outlives restarts.
		if published, _, err := content.FromCheckedFiles(files); err == nil {
			cat = published
			log.Info("using published content", "version", v.Number)
		}
	}
	// What the matcher learned is kept beside the database: a restart
	// reads it there instead of training for seconds. Content published
	// later (/publish, /reload) trains on the heap as before, until the
	// next start.
	cat.UseModels(modelcache.New(cfg.DB+".matcher", log))
	go func() {
		cat.Warm()
		// Training takes several times the memory the trained matcher
		// keeps; give it back to the system now rather than whenever the
		// runtime gets round to it, so RSS is what serve really needs.
		debug.FreeOSMemory()
	}()
	engine := bot.New(bot.Config{Catalog: cat, Strings: strs, Store: st, Log: log, Flood: bot.DefaultFlood(), Staff: cfg.Staff,
		Escalation: bot.Escalation{Chat: cfg.AdvisorChat, RaiseAfter: cfg.RaiseAfter, Advisors: cfg.Advisors}, Content: st, Reload: reload, WriteBack: writeBack})
	s := &Server{cfg: cfg, log: log, store: st, engine: engine}
	if cfg.Web != "" {
		s.web = web.New(web.Config{FrameAncestors: cfg.WebEmbed, PerAddress: opt.WebPerAddress}, engine, st, strs, log)
	}
	if cfg.WebOnly {
		return s, nil
	}
	var outbox telegram.Store = st
	if opt.Outbox != nil {
		outbox = opt.Outbox(st)
	}
	if s.svc, err = telegram.New(ctx, cfg.Telegram, engine, outbox, strs, content.Languages(), log); err != nil {
		st.Close()
		return nil, err
	}
	if _, err := s.svc.AdvisorForum(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// Run serves until ctx is done: updates, reminders to the advisors each
// minute, the retention purge each hour (and now), and a content reload
// on SIGHUP. It returns once all of them have stopped.
func (s *Server) Run(ctx context.Context) error {
	stopOps, err := s.serveOps()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := s.engine.Reload(ctx); err != nil {
					s.log.Error("reload content", "err", err)
				}
			}
		}
	})
	wg.Go(func() {
		every(ctx, time.Minute, func() {
			if err := s.engine.Tick(ctx); err != nil {
				s.log.Error("remind advisors", "err", err)
			}
		})
	})
	s.purge(ctx)
	wg.Go(func() { every(ctx, time.Hour, func() { s.purge(ctx) }) })
	errs := make(chan error, 2)
	if s.web != nil {
		wg.Go(func() {
			if err := s.web.Serve(ctx, s.cfg.Web, s.WebReady); err != nil {
				errs <- err
				cancel()
			}
		})
		s.log.Info("web chat", "addr", s.cfg.Web)
	}
	mode := map[bool]string{true: "webhook", false: "polling"}[s.cfg.Telegram.WebhookURL != ""]
	if s.svc == nil {
		mode = "web only"
	}
	s.log.Info("veiviser started", "mode", mode)
	if s.svc != nil {
		if err := s.svc.Run(ctx); err != nil {
			errs <- err
		}
	} else {
		<-ctx.Done()
	}
	cancel()
	stopOps()
	wg.Wait() // nothing may touch the store once Run returns
	close(errs)
	err = <-errs
	s.log.Info("veiviser stopped")
	return err
}

// Close closes the store.
func (s *Server) Close() error {
	if err := s.store.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// every runs f at each interval until ctx is done.
func every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// purge deletes data older than the retention period and rewrites the
// file so it is gone from the disk too.
func (s *Server) purge(ctx context.Context) {
	now := time.Now()
	n, err := s.store.Purge(ctx, now.Add(-s.cfg.Retention), now)
	if err != nil {
		s.log.Error("retention purge", "err", err)
		return
	}
	if n == 0 {
		return
	}
	if err := s.store.Compact(); err != nil {
		s.log.Error("compact after purge", "err", err)
		return
	}
	s.log.Info("retention purge", "records", n)
}
