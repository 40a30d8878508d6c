package content

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ExamplesFile is the name of the examples file for a language.
func ExamplesFile(lang string) string { return "examples-" + lang + ".yaml" }

// AddExamples returns a copy of files in which texts are examples of
// entry in lang, added to that language's examples file (made if there is
// none). Texts are first cleared of what could tell who wrote them (see
// Scrub); texts already listed, or empty after scrubbing, are left out.
// The result is not validated: load it to check it.
func AddExamples(files map[string][]byte, lang, entry string, texts []string) (map[string][]byte, int, error) {
	if !KnownLanguage(lang) {
		return nil, 0, fmt.Errorf("add examples: unknown language %q", lang)
	}
	name := ExamplesFile(lang)
	data, ok := files[name]
	if !ok {
		data = []byte(fmt.Sprintf("# sources: none apply here: these are messages people type, not facts.\n# Example messages in %s: how women write about each answer.\nexamples:\n  lang: %s\n  entries: {}\n", lang, lang))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, 0, fmt.Errorf("add examples: %s cannot be read: %v", name, err)
	}
	entries := child(child(doc.Content[0], "examples"), "entries")
	if entries == nil || entries.Kind != yaml.MappingNode {
		return nil, 0, fmt.Errorf("add examples: %s has no examples.entries mapping", name)
	}
	entries.Style = 0 // a block mapping, also when it started as {}
	list := child(entries, entry)
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode}
		entries.Content = append(entries.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: entry}, list)
	}
	have := map[string]bool{}
	for _, n := range list.Content {
		have[exampleKey(n.Value)] = true
	}
	added := 0
	for _, t := range texts {
		t = Scrub(t)
		if t == "" || have[exampleKey(t)] {
			continue
		}
		have[exampleKey(t)] = true
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: t, Style: yaml.DoubleQuotedStyle})
		added++
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, 0, fmt.Errorf("add examples: %w", err)
	}
	out := make(map[string][]byte, len(files)+1)
	for k, v := range files {
		out[k] = v
	}
	out[name] = buf.Bytes()
	return out, added, nil
}

// child is the value of key in a mapping node, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var (
	emailPattern  = regexp.MustCompile(`\S+@\S+`)
	digitsPattern = regexp.MustCompile(`[0-9٠-٩۰-۹][0-9٠-٩۰-۹ -]{3,}[0-9٠-٩۰-۹]`)
)

// Scrub clears a question of what could tell who asked before it becomes
// an example anyone with the content can read: e-mail addresses and runs of
// five digits or more (phone, case and ID numbers) go; short numbers (112,
// § 53, a year) stay, as they carry meaning.
func Scrub(text string) string {
	text = emailPattern.ReplaceAllString(text, "")
	text = digitsPattern.ReplaceAllString(text, "")
	return strings.Join(strings.Fields(text), " ")
}

// EntryIDs lists the IDs of the entries whose ID or title in any language
// contains every word of query, for staff choosing an entry by name.
func (c *Catalog) EntryIDs(query string) []string {
	q := strings.Fields(strings.ToLower(query))
	var out []string
	for _, id := range c.IDs() {
		hay := id
		for _, t := range c.Entries[id].Text {
			hay += " " + strings.ToLower(t.Title)
		}
		if len(q) > 0 && !slices.ContainsFunc(q, func(w string) bool { return !strings.Contains(hay, w) }) {
			out = append(out, id)
		}
	}
	return out
}
