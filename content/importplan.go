package content

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/veiviser/veiviser/content/match"
)

// planned is the new translation of one entry, ready to be written.
type planned struct {
	entry *Entry
	text  *Text
	row   int  // first row of the entry, for messages
	added bool // the entry had no translation in this language
}

// hashPattern is what TextHash writes; a spreadsheet that took the column
// for a number (1e5…, leading zeros dropped) no longer matches it.
var hashPattern = regexp.MustCompile(`^[0-9a-f]{12}$`)

// plan groups the rows by entry and works out each entry's new text,
// recording in rep the entries left alone and refused.
func plan(cat *Catalog, lang string, rows []sheetRow, rep *ImportReport) []planned {
	var order []string
	byID := map[string][]sheetRow{}
	for _, r := range rows {
		if _, ok := byID[r.id]; !ok {
			order = append(order, r.id)
		}
		byID[r.id] = append(byID[r.id], r)
	}
	var out []planned
	for _, id := range order {
		rs := byID[id]
		if !slices.ContainsFunc(rs, func(r sheetRow) bool { return strings.TrimSpace(r.current) != "" }) {
			rep.Skipped = append(rep.Skipped, id)
			continue
		}
		e := cat.Entries[id]
		if e == nil {
			msg := fmt.Sprintf("unknown id %q: no entry has it (was it renamed or removed?)", id)
			if id == "" {
				msg = "the id cell is empty"
			}
			rep.Refused = append(rep.Refused, Refusal{Row: rs[0].n, ID: id, Reason: msg})
			continue
		}
		p, problems := planEntry(e, lang, rs)
		if len(problems) > 0 {
			rep.Refused = append(rep.Refused, problems...)
			continue
		}
		if p == nil {
			rep.Unchanged = append(rep.Unchanged, id)
			continue
		}
		out = append(out, *p)
	}
	return out
}

// planEntry builds the new lang text of e from its rows. Fields without a
// row keep their current translation. It returns nil and no problems when
// the rows say what the files say already.
func planEntry(e *Entry, lang string, rows []sheetRow) (*planned, []Refusal) {
	var problems []Refusal
	refuse := func(r sheetRow, format string, args ...any) {
		reason := fmt.Sprintf(format, args...)
		// Say it once, not for every row: a changed Norwegian text affects them all.
		if !slices.ContainsFunc(problems, func(p Refusal) bool { return p.Reason == reason }) {
			problems = append(problems, Refusal{Row: r.n, ID: e.ID, Reason: reason})
		}
	}
	old := e.Text[lang]
	t := &Text{Labels: map[string]string{}}
	if old != nil {
		t.Title, t.Body, t.Keywords = old.Title, trimLines(old.Body), slices.Clone(old.Keywords)
		maps.Copy(t.Labels, old.Labels)
	}
	hash := e.SourceHash()
	seen := map[string]int{}
	reviewed, asExported, noStatus := true, true, true
	for _, r := range rows {
		if !checkRow(e, lang, hash, r, refuse) {
			continue
		}
		reviewed = reviewed && r.status == StatusReviewed
		asExported = asExported && r.status == exportStatus(e, lang)
		noStatus = noStatus && r.status == ""
		name := strings.ToLower(r.field)
		if len(r.field) >= len(FieldLabelPrefix) && strings.EqualFold(r.field[:len(FieldLabelPrefix)], FieldLabelPrefix) {
			name = FieldLabelPrefix + strings.TrimSpace(r.field[len(FieldLabelPrefix):])
		}
		if prev, dup := seen[name]; dup {
			refuse(r, "%s: field %s appears twice (also on row %d)", e.ID, name, prev)
			continue
		}
		seen[name] = r.n
		setField(e, t, name, r, refuse)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if t.Title == "" {
		refuse(rowOf(rows, seen, FieldTitle), "%s: the %s title is empty", e.ID, lang)
	}
	if t.Body == "" {
		refuse(rowOf(rows, seen, FieldBody), "%s: the %s body is empty", e.ID, lang)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	t.Status = StatusDraft
	if reviewed {
		t.Status = StatusReviewed
	}
	if old != nil {
		// A recording is of the nb text, which the sheet cannot change;
		// a reviewer's name stays only on the words she checked.
		t.Audio = old.Audio
		if sameWords(old, t) {
			t.ReviewedBy, t.ReviewedOn = old.ReviewedBy, old.ReviewedOn
		}
	}
	t.From = hash
	// Same words and no new status: leave the entry alone, stale or not.
	if old != nil && sameWords(old, t) && (asExported || noStatus || old.Status == t.Status && old.From == hash) {
		return nil, nil
	}
	return &planned{entry: e, text: t, row: rows[0].n, added: old == nil}, nil
}

// checkRow reports problems of a row that do not depend on its field.
func checkRow(e *Entry, lang, hash string, r sheetRow, refuse func(sheetRow, string, ...any)) bool {
	switch {
	case r.lang != "" && r.lang != lang:
		refuse(r, "%s: this row is in language %q, but you are importing %q", e.ID, r.lang, lang)
	case r.hash == "":
		refuse(r, "%s: the source_hash cell is empty; export again and keep that column", e.ID)
	case !hashPattern.MatchString(r.hash):
		refuse(r, "%s: source_hash %q is not one Veiviser wrote (did the spreadsheet turn it into a number?); export again and keep that column as text", e.ID, r.hash)
	case r.hash != hash:
		refuse(r, "%s: the Norwegian text changed after this sheet was exported, so this translation may no longer fit; export again and translate the new Norwegian text", e.ID)
	case r.status != "" && r.status != StatusReviewed && r.status != StatusDraft && r.status != StatusStale && r.status != StatusMissing:
		refuse(r, "%s: status %q must be reviewed or draft", e.ID, r.status)
	case badRune(r.current) >= 0:
		refuse(r, "%s: the text contains an invisible control character (U+%04X); delete it", e.ID, badRune(r.current))
	default:
		return true
	}
	return false
}

// setField stores the current cell of r into t.
func setField(e *Entry, t *Text, name string, r sheetRow, refuse func(sheetRow, string, ...any)) {
	v := strings.TrimSpace(r.current)
	switch {
	case name == FieldTitle:
		if strings.Contains(v, "\n") {
			refuse(r, "%s: the title must be one line", e.ID)
		}
		t.Title = v
	case name == FieldButton:
		if n := utf8.RuneCountInString(v); n > MaxButton || strings.Contains(v, "\n") {
			refuse(r, "%s: the button must be one line of at most %d characters", e.ID, MaxButton)
		}
		t.Button = v
	case name == FieldBody:
		v = trimLines(v)
		if n := utf8.RuneCountInString(v); n > MaxBody {
			refuse(r, "%s: the body is %d characters; Telegram allows %d", e.ID, n, MaxBody)
		}
		t.Body = v
	case name == FieldKeywords:
		t.Keywords = nil
		for _, k := range strings.FieldsFunc(v, func(c rune) bool { return c == ';' || c == '؛' || c == '\n' }) {
			if k = strings.TrimSpace(k); k == "" {
				continue
			}
			if len(match.Words(k)) == 0 {
				refuse(r, "%s: keyword %q has no letters or digits", e.ID, k)
			}
			t.Keywords = append(t.Keywords, k)
		}
	case strings.HasPrefix(name, FieldLabelPrefix):
		key := strings.TrimPrefix(name, FieldLabelPrefix)
		switch {
		case !slices.ContainsFunc(e.Actions, func(a Action) bool { return a.Key() == key }):
			refuse(r, "%s: there is no action %q to label", e.ID, key)
		case strings.Contains(v, "\n"):
			refuse(r, "%s: the label of %s must be one line", e.ID, key)
		case v == "":
			delete(t.Labels, key)
		default:
			t.Labels[key] = v
		}
	default:
		refuse(r, "%s: unknown field %q (use title, body, keywords or label:<phone or url>)", e.ID, r.field)
	}
}

// trimLines removes spaces at the ends of lines and of the text: they
// cannot be seen and a YAML block would not keep them.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// rowOf is the row of a field, or the entry's first row.
func rowOf(rows []sheetRow, seen map[string]int, field string) sheetRow {
	if n, ok := seen[field]; ok {
		return sheetRow{n: n}
	}
	return rows[0]
}

// sameWords reports whether two texts say the same, status aside.
func sameWords(a, b *Text) bool {
	return a.Title == b.Title && a.Button == b.Button && trimLines(a.Body) == trimLines(b.Body) && slices.Equal(a.Keywords, b.Keywords) && maps.Equal(a.Labels, b.Labels)
}
