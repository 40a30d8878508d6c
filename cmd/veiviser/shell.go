package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/shell"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

func runShell(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fl := flag.NewFlagSet("shell", flag.ContinueOnError)
	lang := fl.String("lang", "", "language code the user's app reports, e.g. ar or fa-IR")
	dbPath := fl.String("db", "", "database file (default: a temporary one, deleted at exit)")
	dir := fl.String("content", "", "content directory (default: embedded)")
	logical := fl.Bool("logical", false, "print right-to-left text in logical order (for terminals with bidi support)")
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	if *lang != "" && !content.KnownLanguage(*lang) {
		fmt.Fprintf(stdout, "(%q is not a launch language; the bot will pick the nearest and offer the menu)\n", *lang)
	}
	cat, _, err := content.LoadDir(*dir)
	if err != nil {
		return err
	}
	strs, err := locales.Load()
	if err != nil {
		return err
	}
	path := *dbPath
	if path == "" {
		tmp, err := os.MkdirTemp("", "veiviser-shell-")
		if err != nil {
			return fmt.Errorf("shell: %w", err)
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "shell.db")
	}
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	engine := bot.New(bot.Config{Catalog: cat, Strings: strs, Store: st})
	fmt.Fprintln(stdout, "Veiviser shell – type a number to press a button, /quit to leave.")
	sh := &shell.Shell{Engine: engine, Outbox: st, Chat: 1, LangHint: *lang, Visual: !*logical}
	return sh.Run(ctx, stdin, stdout)
}
