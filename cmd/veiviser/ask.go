package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/veiviser/veiviser/content"
)

// runAsk matches questions exactly as the bot does and prints the result.
func runAsk(args []string, stdin io.Reader, stdout io.Writer) error {
	fl := flag.NewFlagSet("ask", flag.ContinueOnError)
	lang := fl.String("lang", "", "language of the question (default: detect)")
	asJSON := fl.Bool("json", false, "print JSON")
	dir := fl.String("content", "", "content directory (default: embedded)")
	if err := fl.Parse(args); err != nil {
		return errReported
	}
	if *lang != "" && !content.KnownLanguage(*lang) {
		return fmt.Errorf("ask: unknown language %q (use one of %v)", *lang, content.Languages())
	}
	if fl.NArg() == 0 {
		return fmt.Errorf("ask: give a question, or - to read one per line")
	}
	cat, _, err := content.LoadDir(*dir)
	if err != nil {
		return err
	}
	answer := func(q string) error {
		a := cat.Search(q, *lang)
		if *asJSON {
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(stdout, string(b))
			return err
		}
		return printAnswer(stdout, cat, a)
	}
	if fl.NArg() == 1 && fl.Arg(0) == "-" {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			if err := answer(sc.Text()); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	return answer(strings.Join(fl.Args(), " "))
}

func printAnswer(w io.Writer, cat *content.Catalog, a content.Answer) error {
	head := "language: " + a.Lang
	if a.Lang == "" {
		head = "language: unknown"
	}
	if a.Emergency {
		head += "  EMERGENCY"
	}
	fmt.Fprintln(w, head)
	switch {
	case a.SmallTalk != "":
		fmt.Fprintf(w, "  small talk (%s): a short friendly reply, nothing kept\n", a.SmallTalk)
	case len(a.Results) == 0:
		fmt.Fprintln(w, "  no answer (the bot would say so, offer the menu and keep this question for staff)")
	case a.Sure:
		fmt.Fprintln(w, "  answered directly with the first:")
	default:
		fmt.Fprintln(w, "  not sure: offered as choices:")
	}
	for _, r := range a.Results {
		title := r.ID
		if t, _ := cat.Entry(r.ID).Localized(a.Lang); t != nil {
			title = t.Title
		}
		fmt.Fprintf(w, "  %5.2f  %-28s %s\n", r.Score, r.ID, title)
	}
	return nil
}
