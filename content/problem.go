package content

import (
	"fmt"
	"strings"
)

// Problem is one finding of the checker, located in a content file.
type Problem struct {
	File    string
	Line    int
	Message string
	Warning bool
}

func (p Problem) String() string {
	kind := ""
	if p.Warning {
		kind = "warning: "
	}
	return fmt.Sprintf("%s:%d: %s%s", p.File, p.Line, kind, p.Message)
}

// Report is everything the checker found, errors and warnings.
type Report []Problem

// Errors returns the problems that make the content unusable.
func (r Report) Errors() Report { return r.filter(false) }

// Warnings returns the problems that do not stop the content from loading.
func (r Report) Warnings() Report { return r.filter(true) }

func (r Report) filter(warning bool) Report {
	var out Report
	for _, p := range r {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

// InvalidError is returned by Load when the content has errors; it carries
// the whole report so callers can show every problem at once.
type InvalidError struct{ Report Report }

func (e *InvalidError) Error() string {
	errs := e.Report.Errors()
	lines := make([]string, len(errs))
	for i, p := range errs {
		lines[i] = p.String()
	}
	return fmt.Sprintf("content has %d error(s):\n%s", len(errs), strings.Join(lines, "\n"))
}
