package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/veiviser/veiviser/content"
)

func runContent(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("content: say check, stats, stamp, export or import")
	}
	switch args[0] {
	case "check":
		return contentCheck(args[1:], stdout)
	case "stats":
		return contentStats(args[1:], stdout)
	case "stamp":
		return contentStamp(args[1:], stdout)
	case "export":
		return contentExport(args[1:], stdout)
	case "import":
		return contentImport(args[1:], stdout)
	}
	return fmt.Errorf("content: unknown subcommand %q", args[0])
}

func contentCheck(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("content check", flag.ContinueOnError)
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	// Every file checked, the embedded catalog's examples too.
	fsys := content.Embedded()
	if dir := fl.Arg(0); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("content directory: %w", err)
		}
		fsys = os.DirFS(dir)
	}
	cat, report, err := content.Load(fsys)
	var invalid *content.InvalidError
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	if cat != nil {
		report = append(report, cat.DueSources(time.Now())...)
	}
	for _, p := range report {
		fmt.Fprintln(stdout, p)
	}
	if err != nil {
		fmt.Fprintf(stdout, "%d error(s), %d warning(s)\n", len(report.Errors()), len(report.Warnings()))
		return errReported
	}
	fmt.Fprintf(stdout, "ok: %d entries in %d topics, %d warning(s)\n", len(cat.Entries), len(cat.Topics), len(report.Warnings()))
	return nil
}

func contentStats(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("content stats", flag.ContinueOnError)
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	cat, _, err := content.LoadDir(fl.Arg(0))
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	stats := cat.Matcher().Stats()
	examples := map[string]int{}
	for _, e := range cat.Corpus().Entries {
		for _, x := range e.Examples {
			examples[x.Lang]++
		}
	}
	fmt.Fprintln(tw, "lang\tentries\tcoverage\treviewed\tdraft\tstale\toldest review\trecordings\texamples\t")
	byReviewer := map[string]map[string]int{} // reviewer → lang → entries
	for _, lang := range content.Languages() {
		var n, reviewed, draft, stale, recorded int
		var oldest time.Time
		for _, e := range cat.Entries {
			t := e.Text[lang]
			if t == nil {
				continue
			}
			n++
			if e.Recording(lang) != nil {
				recorded++
			}
			if t.ReviewedBy != "" && lang != "nb" {
				if byReviewer[t.ReviewedBy] == nil {
					byReviewer[t.ReviewedBy] = map[string]int{}
				}
				byReviewer[t.ReviewedBy][lang]++
			}
			switch {
			case e.Stale(lang):
				stale++
			case t.Status == content.StatusReviewed:
				reviewed++
			default:
				draft++
			}
			if t.Status == content.StatusReviewed && (oldest.IsZero() || e.Reviewed.Before(oldest)) {
				oldest = e.Reviewed
			}
		}
		old := "-"
		if !oldest.IsZero() {
			old = oldest.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d%%\t%d\t%d\t%d\t%s\t%d\t%d\t\n", lang, n, 100*n/max(1, len(cat.Entries)), reviewed, draft, stale, old, recorded, examples[lang])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(byReviewer) > 0 {
		// Who reviewed what, by the names staff gave the volunteers.
		fmt.Fprintln(stdout)
		fmt.Fprintln(tw, "reviewer\tlang\treviewed\t")
		for _, name := range slices.Sorted(maps.Keys(byReviewer)) {
			for _, lang := range content.Languages() {
				if n := byReviewer[name][lang]; n > 0 {
					fmt.Fprintf(tw, "%s\t%s\t%d\t\n", name, lang, n)
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(stdout, "matcher:", stats)
	return err
}

func contentStamp(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("content stamp", flag.ContinueOnError)
	lang := fl.String("lang", "", "translation language to stamp")
	all := fl.Bool("all", false, "also replace stale hashes (after reviewing those translations)")
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	if fl.NArg() != 1 || !slices.Contains(content.Languages(), *lang) {
		return errors.New("content stamp: usage: content stamp --lang CODE [--all] DIR")
	}
	n, err := content.Stamp(fl.Arg(0), *lang, *all)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stamped %d %s translation(s)\n", n, *lang)
	return nil
}
