package content

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// concepts reads a concepts file: in one language, the words and phrases
// for each concept (hit, permit, interpreter…). The same concept ID in
// every language's file is what lets an example in one language teach the
// matcher about the others.
func (d *decoder) concepts(f field, cat *Catalog) {
	m := d.mapping(f.node, "concepts", "lang", "words")
	lang, ok := d.fileLang(f, m, "concepts", cat.conceptLangs)
	if !ok {
		return
	}
	words := d.mapping(m["words"].node, "words")
	for _, id := range sortedByLine(words) {
		if !idPattern.MatchString(id) {
			d.errorf(words[id].key.Line, "concept %q must be lowercase letters, digits and dashes", id)
			continue
		}
		seen := map[string]bool{}
		for _, n := range d.list(words[id], id) {
			form := strings.TrimSpace(n.Value)
			switch {
			case n.Kind != yaml.ScalarNode:
				d.errorf(n.Line, "a form must be text")
				continue
			case form == "" || form == "*":
				d.errorf(n.Line, "empty form in concept %s", id)
				continue
			case strings.HasSuffix(form, "*") && utf8.RuneCountInString(strings.TrimSuffix(form, "*")) < 3:
				d.errorf(n.Line, "stem %q is too short: a stem needs 3 letters or more, or it matches unrelated words", form)
				continue
			case seen[strings.ToLower(form)]:
				d.warnf(n.Line, "form %q is listed twice in concept %s", form, id)
				continue
			}
			if s := foreignScript(form, lang); s != "" {
				d.errorf(n.Line, "form %q is written in %s script, not in %s", form, s, lang)
				continue
			}
			seen[strings.ToLower(form)] = true
			if cat.concepts[id] == nil {
				cat.concepts[id] = map[string][]string{}
			}
			cat.concepts[id][lang] = append(cat.concepts[id][lang], form)
		}
	}
}
