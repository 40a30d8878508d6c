package content

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Columns of a translation spreadsheet, in the order Export writes them.
// Import finds them by name, so a spreadsheet may reorder them.
const (
	ColID         = "id"
	ColField      = "field"
	ColNorwegian  = "norwegian"
	ColCurrent    = "current"
	ColStatus     = "status"
	ColSourceHash = "source_hash"
	// ColLang is optional: Export does not write it, but when a sheet has
	// it, Import refuses rows in another language than the one imported.
	ColLang = "lang"
)

// Row statuses in a translation spreadsheet, besides StatusReviewed and
// StatusDraft.
const (
	StatusStale   = "stale"   // translated from an older nb text
	StatusMissing = "missing" // not translated yet
)

// Fields of an entry in a translation spreadsheet; action labels are
// FieldLabelPrefix followed by the action's key (its phone number or URL).
const (
	FieldTitle       = "title"
	FieldButton      = "button" // short title for buttons, at most MaxButton characters
	FieldBody        = "body"
	FieldKeywords    = "keywords"
	FieldLabelPrefix = "label:"
)

// keywordSep joins keywords in one spreadsheet cell.
const keywordSep = "; "

// utf8BOM makes Excel and LibreOffice read the file as UTF-8.
const utf8BOM = "\ufeff"

// Export writes the entries of cat as a CSV spreadsheet for translating
// into lang: one row per field (title, body, keywords, one per action
// label) with the Norwegian source, the current translation and its status.
// Entries come in menu order. With staleOnly, only entries whose lang
// translation is missing or stale are written.
func Export(cat *Catalog, lang string, staleOnly bool, w io.Writer) error {
	if lang == "nb" || !KnownLanguage(lang) {
		return fmt.Errorf("export: %q is not a translation language (use one of %v)", lang, Languages()[1:])
	}
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what spreadsheet programs write themselves
	if err := cw.Write([]string{ColID, ColField, ColNorwegian, ColCurrent, ColStatus, ColSourceHash}); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, e := range entriesInMenuOrder(cat) {
		status := exportStatus(e, lang)
		if staleOnly && status != StatusStale && status != StatusMissing {
			continue
		}
		for _, f := range exportFields(e, lang) {
			if err := cw.Write([]string{e.ID, f.name, f.nb, f.current, status, e.SourceHash()}); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// exportStatus is the status column of an entry's rows.
func exportStatus(e *Entry, lang string) string {
	t := e.Text[lang]
	switch {
	case t == nil:
		return StatusMissing
	case e.Stale(lang):
		return StatusStale
	case t.Status == StatusReviewed:
		return StatusReviewed
	}
	return StatusDraft
}

// exportField is one row of an entry: a field, its nb text and its
// current translation.
type exportField struct {
	name, nb, current string
}

func exportFields(e *Entry, lang string) []exportField {
	nb, tr := e.Text["nb"], e.Text[lang]
	if nb == nil {
		nb = &Text{}
	}
	if tr == nil {
		tr = &Text{}
	}
	fields := []exportField{
		{FieldTitle, nb.Title, tr.Title},
		{FieldBody, nb.Body, tr.Body},
		{FieldKeywords, strings.Join(nb.Keywords, keywordSep), strings.Join(tr.Keywords, keywordSep)},
		// After the rows translators had before it, so their sheets read the same.
		{FieldButton, nb.Button, tr.Button},
	}
	for _, a := range e.Actions {
		fields = append(fields, exportField{FieldLabelPrefix + a.Key(), a.Label, tr.Labels[a.Key()]})
	}
	return fields
}

// entriesInMenuOrder lists the entries topic by topic as the menu shows
// them, then any entry no topic lists.
func entriesInMenuOrder(cat *Catalog) []*Entry {
	seen := map[string]bool{}
	var out []*Entry
	for _, t := range cat.Topics {
		for _, id := range t.Entries {
			if e := cat.Entries[id]; e != nil && !seen[id] {
				seen[id] = true
				out = append(out, e)
			}
		}
	}
	for _, id := range cat.IDs() {
		if !seen[id] {
			out = append(out, cat.Entries[id])
		}
	}
	return out
}
