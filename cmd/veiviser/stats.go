package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/veiviser/veiviser/bot"
	"github.com/veiviser/veiviser/bot/store"
	"github.com/veiviser/veiviser/content"
	"github.com/veiviser/veiviser/locales"
)

// runStats prints the staff figures from a database file, the same as
// /stats in Telegram. Stop the bot first or copy the file: bbolt allows one
// process at a time.
func runStats(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("stats", flag.ContinueOnError)
	db := fl.String("db", "veiviser.db", "database file")
	lang := fl.String("lang", "nb", "language of the labels (nb or en)")
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	st, err := store.Open(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	strs, err := locales.Load()
	if err != nil {
		return err
	}
	cat, _, err := content.LoadDir("")
	if err != nil {
		return err
	}
	text, err := bot.New(bot.Config{Catalog: cat, Strings: strs, Store: st}).Stats(ctx, *lang)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(stdout, text)
	return err
}
