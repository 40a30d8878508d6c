package shell

import (
	"strings"

	"golang.org/x/text/unicode/bidi"
)

// visual reorders each line of right-to-left text into display order, for
// terminals that print characters in the order they arrive. Numbers and
// Latin words keep their own direction inside the line.
func visual(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = visualLine(line)
	}
	return strings.Join(lines, "\n")
}

func visualLine(line string) string {
	if line == "" {
		return line
	}
	var p bidi.Paragraph
	if _, err := p.SetString(line, bidi.DefaultDirection(bidi.RightToLeft)); err != nil {
		return line
	}
	order, err := p.Order()
	if err != nil {
		return line
	}
	// Runs come in logical order; a right-to-left line shows the last run
	// leftmost, each right-to-left run reversed.
	var b strings.Builder
	for i := order.NumRuns() - 1; i >= 0; i-- {
		run := order.Run(i)
		if run.Direction() == bidi.RightToLeft {
			b.WriteString(bidi.ReverseString(run.String())) // mirrors brackets too
		} else {
			b.WriteString(run.String())
		}
	}
	return b.String()
}
