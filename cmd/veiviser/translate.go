package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/veiviser/veiviser/content"
)

// contentExport writes a translation spreadsheet (CSV) for one language.
func contentExport(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("content export", flag.ContinueOnError)
	lang := fl.String("lang", "", "language to translate into (not nb)")
	stale := fl.Bool("stale", false, "only entries whose translation is missing or stale")
	dir := fl.String("content", "", "content directory (default: the embedded catalog)")
	out := fl.String("o", "", "write to this file instead of standard output")
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	if fl.NArg() != 0 || *lang == "" {
		return errors.New("content export: usage: content export --lang CODE [--stale] [--content DIR] [-o FILE]")
	}
	cat, _, err := content.LoadDir(*dir)
	if err != nil {
		return err
	}
	if *out == "" {
		return content.Export(cat, *lang, *stale, stdout)
	}
	var buf bytes.Buffer
	if err := content.Export(cat, *lang, *stale, &buf); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("content export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s for translating into %s\n", *out, *lang)
	return nil
}

// contentImport merges a filled-in translation spreadsheet into a content
// directory and says what it did. It fails when any entry was refused, so
// that a script notices, but the entries without problems are imported.
func contentImport(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("content import", flag.ContinueOnError)
	lang := fl.String("lang", "", "language of the translations in the sheet")
	dir := fl.String("dir", "content/catalog", "content directory to write into")
	var files []string
	for {
		if err := fl.Parse(args); err != nil {
			return errReported
		}
		if fl.NArg() == 0 {
			break
		}
		files, args = append(files, fl.Arg(0)), fl.Args()[1:]
	}
	if len(files) != 1 || *lang == "" {
		return errors.New("content import: usage: content import --lang CODE [--dir DIR] FILE.csv")
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("content import: %w", err)
	}
	defer f.Close()
	rep, err := content.Import(*dir, *lang, f)
	printImport(stdout, rep)
	if err != nil {
		return err
	}
	if len(rep.Refused) > 0 {
		return fmt.Errorf("content import: %d problem(s) above; those entries were left as they were", len(rep.Refused))
	}
	return nil
}

func printImport(w io.Writer, rep content.ImportReport) {
	list := func(what string, ids []string) {
		if len(ids) > 0 {
			fmt.Fprintf(w, "%s (%d): %s\n", what, len(ids), strings.Join(ids, ", "))
		}
	}
	list("added", rep.Added)
	list("updated", rep.Updated)
	if n := len(rep.Unchanged); n > 0 {
		fmt.Fprintf(w, "unchanged: %d\n", n)
	}
	if n := len(rep.Skipped); n > 0 {
		fmt.Fprintf(w, "not translated in the sheet: %d\n", n)
	}
	for _, r := range rep.Refused {
		fmt.Fprintln(w, "refused:", r)
	}
	if len(rep.Added)+len(rep.Updated) > 0 {
		fmt.Fprintf(w, "imported %d %s translation(s); run content check, then rebuild or restart\n", len(rep.Added)+len(rep.Updated), rep.Lang)
	}
}
