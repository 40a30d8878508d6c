package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Stamp writes the current nb hash into the "from" field of every lang
// translation in the topic files of dir that has none (or, with restamp,
// whose hash is stale), and returns how many it changed. It edits the
// files line by line so comments and layout stay as staff wrote them.
// Use it after checking that a translation follows the current nb text.
func Stamp(dir, lang string, restamp bool) (int, error) {
	if lang == "nb" || !KnownLanguage(lang) {
		return 0, fmt.Errorf("stamp: %q is not a translation language", lang)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return 0, fmt.Errorf("stamp: %w", err)
	}
	total := 0
	for _, name := range names {
		n, err := stampFile(name, lang, restamp)
		if err != nil {
			return total, fmt.Errorf("stamp %s: %w", filepath.Base(name), err)
		}
		total += n
	}
	return total, nil
}

func stampFile(name, lang string, restamp bool) (int, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return 0, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	var edits []lineEdit
	entries := nodeValue(nodeValue(&doc, ""), "entries")
	if entries == nil {
		return 0, nil
	}
	for _, e := range entries.Content {
		text := nodeValue(e, "text")
		nb := nodeValue(text, "nb")
		tr := nodeValue(text, lang)
		if nb == nil || tr == nil {
			continue
		}
		hash := TextHash(scalar(nodeValue(nb, "title")), scalar(nodeValue(nb, "body")))
		indent := strings.Repeat(" ", tr.Column-1)
		line := []string{indent + "from: " + hash}
		switch from := nodeValue(tr, "from"); {
		case from == nil: // a new line after "<lang>:"
			at := keyLine(text, lang)
			edits = append(edits, lineEdit{from: at, to: at, lines: line})
		case restamp && from.Value != hash:
			edits = append(edits, lineEdit{from: from.Line - 1, to: from.Line, lines: line})
		}
	}
	if len(edits) == 0 {
		return 0, nil
	}
	return len(edits), os.WriteFile(name, applyEdits(data, edits), 0o644)
}

// nodeValue returns the value of key in a mapping node (or the document's
// root when key is empty), or nil.
func nodeValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
		if key == "" {
			return n
		}
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

func scalar(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
