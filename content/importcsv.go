package content

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxSheetSize bounds a translation spreadsheet; the whole catalog in one
// language is well under a megabyte.
const maxSheetSize = 16 << 20

// sheetRow is one data row of a translation spreadsheet, its cells
// trimmed (except current) and its line breaks made "\n".
type sheetRow struct {
	n       int // row number as a spreadsheet shows it: the header is row 1
	id      string
	field   string
	current string
	status  string // lowercase
	hash    string // lowercase
	lang    string // lowercase; empty when the sheet has no lang column
}

// readSheet reads a translation spreadsheet saved as CSV: UTF-8 with or
// without a byte order mark, any line endings, comma, semicolon or tab
// separated (Excel in Norway saves with semicolons), columns in any order.
// Rows with no cells filled are left out.
func readSheet(r io.Reader) ([]sheetRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSheetSize+1))
	if err != nil {
		return nil, fmt.Errorf("read sheet: %w", err)
	}
	if len(data) > maxSheetSize {
		return nil, fmt.Errorf("read sheet: larger than %d bytes", maxSheetSize)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if !utf8.Valid(data) {
		return nil, errors.New(`read sheet: the file is not UTF-8 text; save it as "CSV UTF-8" (Excel) or with character set Unicode (UTF-8) (LibreOffice)`)
	}
	// csv reads "\r\n" but not a lone "\r" (old Mac files) as a line end.
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	sep, cols := sheetSeparator(data)
	if cols == nil {
		return nil, fmt.Errorf("read sheet: the first row must name the columns %s, %s, %s and %s", ColID, ColField, ColCurrent, ColSourceHash)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read sheet: %w", err)
	}
	cell := func(rec []string, col string) string {
		i, ok := cols[col]
		if !ok || i >= len(rec) {
			return ""
		}
		return lineBreaks.Replace(rec[i])
	}
	var rows []sheetRow
	for i, rec := range records[1:] {
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		rows = append(rows, sheetRow{
			n:       i + 2,
			id:      strings.TrimSpace(cell(rec, ColID)),
			field:   strings.TrimSpace(cell(rec, ColField)),
			current: cell(rec, ColCurrent),
			status:  strings.ToLower(strings.TrimSpace(cell(rec, ColStatus))),
			hash:    strings.ToLower(strings.TrimSpace(cell(rec, ColSourceHash))),
			lang:    strings.ToLower(strings.TrimSpace(cell(rec, ColLang))),
		})
	}
	return rows, nil
}

// sheetSeparator finds the separator whose first row names the required
// columns, and the columns; cols is nil when none does.
func sheetSeparator(data []byte) (sep rune, cols map[string]int) {
	for _, sep := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma = sep
		cr.FieldsPerRecord = -1
		if header, err := cr.Read(); err == nil {
			if cols := sheetColumns(header); cols != nil {
				return sep, cols
			}
		}
	}
	return 0, nil
}

// sheetColumns maps column names to their index, or returns nil when the
// header lacks a required column.
func sheetColumns(header []string) map[string]int {
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, utf8BOM)))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	for _, c := range []string{ColID, ColField, ColCurrent, ColSourceHash} {
		if _, ok := cols[c]; !ok {
			return nil
		}
	}
	return cols
}

// lineBreaks turns the other characters YAML reads as line breaks into "\n".
var lineBreaks = strings.NewReplacer("\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// badRune returns the first character of s that may not appear in a
// content file (control characters other than tab and newline,
// non-characters), or -1.
func badRune(s string) rune {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20 || (r >= 0x7f && r <= 0x9f), r == 0xfffe, r == 0xffff, r == utf8.RuneError:
			return r
		}
	}
	return -1
}
