package content

import (
	"fmt"
	"maps"
	"slices"
)

// verifyImport checks that after says what before says, except for the
// imported lang texts, which must read back exactly as planned. It catches
// a text that escaped its place in the file, which Load alone might not.
func verifyImport(before, after *Catalog, lang string, plans []planned, rep *ImportReport) error {
	want := map[string]*Text{}
	for _, p := range plans {
		if slices.Contains(rep.Added, p.entry.ID) || slices.Contains(rep.Updated, p.entry.ID) {
			want[p.entry.ID] = p.text
		}
	}
	if len(before.Entries) != len(after.Entries) || catalogMeta(before) != catalogMeta(after) {
		return fmt.Errorf("topics, signals or centre changed")
	}
	for id, e := range before.Entries {
		a := after.Entries[id]
		if a == nil || entryMeta(e) != entryMeta(a) {
			return fmt.Errorf("entry %s changed outside its %s text", id, lang)
		}
		for _, l := range Languages() {
			w := e.Text[l]
			if l == lang && want[id] != nil {
				w = want[id]
			}
			if !sameText(w, a.Text[l]) {
				return fmt.Errorf("entry %s: the %s text does not read back as written", id, l)
			}
		}
	}
	return nil
}

// sameText compares two texts, line numbers aside.
func sameText(a, b *Text) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Title == b.Title && a.Body == b.Body && slices.Equal(a.Keywords, b.Keywords) &&
		maps.Equal(a.Labels, b.Labels) && a.Status == b.Status && a.From == b.From
}

// entryMeta is everything about an entry but its texts and line numbers.
func entryMeta(e *Entry) string {
	// Lines move when an import changes an entry above; they are not meta.
	actions := make([]Action, len(e.Actions))
	for i, a := range e.Actions {
		a.Line = 0
		actions[i] = a
	}
	sources := make([]Source, len(e.Sources))
	for i, s := range e.Sources {
		s.Line = 0
		sources[i] = s
	}
	return fmt.Sprintf("%s|%s|%v|%v|%v|%v|%v|%s", e.ID, e.Topic, e.Reviewed, e.Sensitive, sources, actions, e.Related, e.File)
}

// catalogMeta is the catalog's topics, signals and centre.
func catalogMeta(c *Catalog) string {
	s := fmt.Sprintf("%v|%s|%s|%v", c.Signals, c.Centre.Name, c.Centre.Address, c.Centre.Holidays)
	for _, h := range c.Centre.Hours {
		s += "|" + h.Spec
	}
	for _, t := range c.Topics {
		s += fmt.Sprintf("|%s %d %v %v %v %s", t.ID, t.Order, t.Title, t.Button, t.Entries, t.File)
	}
	return s
}
