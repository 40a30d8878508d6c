package content

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// lineEdit replaces lines[from:to] (0-based, to exclusive) of a file.
type lineEdit struct {
	from, to int
	lines    []string
}

// editFile writes the planned translations of the entries of one topic
// file into its text, line by line: it replaces an entry's lang block, or
// inserts one after the block of the language before it, and leaves every
// other line as it was. Entries whose layout it cannot edit safely come
// back in refused, with the reason.
func editFile(data []byte, lang string, plans map[string]*planned) ([]byte, map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, err
	}
	refused := map[string]string{}
	root := nodeValue(&doc, "")
	entries := nodeValue(root, "entries")
	if entries == nil || entries.Kind != yaml.SequenceNode {
		for id := range plans {
			refused[id] = "its file has no entries list"
		}
		return data, refused, nil
	}
	lines := strings.Split(string(data), "\n")
	// Lines where something outside any one translation block starts.
	outer := keyLines(root)
	for _, item := range entries.Content {
		outer = append(outer, item.Line)
	}
	var edits []lineEdit
	for _, item := range entries.Content {
		p := plans[scalar(nodeValue(item, "id"))]
		if p == nil {
			continue
		}
		ed, why := entryEdit(lines, item, lang, p, outer)
		if why != "" {
			refused[p.entry.ID] = why
			continue
		}
		edits = append(edits, ed)
	}
	return applyEdits(data, edits), refused, nil
}

// applyEdits makes line edits of a file, last first so the line numbers
// of the others still hold, keeping the file's line ends (CRLF from a
// Windows editor stays CRLF). Import and stamp both edit this way, so
// comments and layout stay as staff wrote them.
func applyEdits(data []byte, edits []lineEdit) []byte {
	lines := strings.Split(string(data), "\n")
	eol := ""
	if strings.HasSuffix(lines[0], "\r") {
		eol = "\r"
	}
	slices.SortFunc(edits, func(a, b lineEdit) int { return b.from - a.from })
	for _, ed := range edits {
		add := make([]string, len(ed.lines))
		for i, l := range ed.lines {
			add[i] = l + eol
		}
		lines = slices.Replace(lines, ed.from, ed.to, add...)
	}
	return []byte(strings.Join(lines, "\n"))
}

// entryEdit is the edit that puts p's text into one entry's text mapping,
// or the reason it cannot be done line by line.
func entryEdit(lines []string, item *yaml.Node, lang string, p *planned, outer []int) (lineEdit, string) {
	text := nodeValue(item, "text")
	if item.Kind != yaml.MappingNode || item.Style&yaml.FlowStyle != 0 || text == nil ||
		text.Kind != yaml.MappingNode || text.Style&yaml.FlowStyle != 0 || len(text.Content) < 2 {
		return lineEdit{}, "its text: is not written as indented blocks, so it has to be edited by hand"
	}
	bounds := slices.Concat(outer, keyLines(item), keyLines(text))
	indent := text.Content[0].Column - 1
	ind, in := strings.Repeat(" ", indent), strings.Repeat(" ", innerIndent(text, indent))
	for i := 0; i+1 < len(text.Content); i += 2 {
		if key := text.Content[i]; key.Value == lang {
			block := textBlock(ind, in, lang, p, text.Content[i+1])
			end := max(blockEnd(lines, key, bounds), lastLine(text.Content[i+1]))
			return lineEdit{from: key.Line - 1, to: end, lines: block}, ""
		}
	}
	prev := prevLang(text, lang)
	end := max(blockEnd(lines, prev, bounds), lastLine(nodeValue(text, prev.Value)))
	return lineEdit{from: end, to: end, lines: textBlock(ind, in, lang, p, nil)}, ""
}

// blockEnd is the 0-based index of the first line after the block that
// key starts: the line before the next thing in bounds, less the blank and
// comment lines at its end that are not indented deeper than key (those
// belong to what follows).
func blockEnd(lines []string, key *yaml.Node, bounds []int) int {
	next := len(lines) + 1
	for _, b := range bounds {
		if b > key.Line && b < next {
			next = b
		}
	}
	last := min(next-1, len(lines))
	for last > key.Line {
		l := lines[last-1]
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) > key.Column-1 {
			break
		}
		last--
	}
	return last
}

// lastLine is the last line a node or its children start on: the end of a
// block that blockEnd would cut short, such as a flow list whose last line
// is not indented.
func lastLine(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// prevLang is the key in text a new lang block goes after: the language
// just before lang in Languages() order, or the last one.
func prevLang(text *yaml.Node, lang string) *yaml.Node {
	rank := slices.Index(Languages(), lang)
	best, bestRank := text.Content[len(text.Content)-2], -1
	for i := 0; i+1 < len(text.Content); i += 2 {
		if r := slices.Index(Languages(), text.Content[i].Value); r < rank && r > bestRank {
			best, bestRank = text.Content[i], r
		}
	}
	return best
}

// innerIndent is the indentation of the keys inside a language block,
// copied from an existing one.
func innerIndent(text *yaml.Node, indent int) int {
	for i := 1; i < len(text.Content); i += 2 {
		if v := text.Content[i]; v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Column-1 > indent {
			return v.Content[0].Column - 1
		}
	}
	return indent + 2
}

// keyLines are the lines of the keys of a mapping node.
func keyLines(n *yaml.Node) []int {
	var out []int
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Line)
	}
	return out
}

// blockKeys is the order textBlock writes the keys of a language block in,
// unless the block it replaces had another.
var blockKeys = []string{"status", "from", "reviewed_by", "reviewed_on", "title", "button", "body", "keywords", "labels", "audio"}

// textBlock writes one language block of an entry's text. When it
// replaces the block old, it keeps old's order of keys and labels, so the
// change shows as small as it is.
func textBlock(ind, in, lang string, p *planned, old *yaml.Node) []string {
	t := p.text
	parts := map[string][]string{
		"status": {in + "status: " + t.Status},
		"from":   {in + "from: " + t.From},
		"title":  {in + "title: " + yamlQuote(t.Title)},
	}
	if t.ReviewedBy != "" {
		parts["reviewed_by"] = []string{in + "reviewed_by: " + yamlQuote(t.ReviewedBy)}
	}
	if !t.ReviewedOn.IsZero() {
		parts["reviewed_on"] = []string{in + "reviewed_on: " + t.ReviewedOn.Format(time.DateOnly)}
	}
	if a := t.Audio; a != nil {
		parts["audio"] = []string{in + "audio:", in + "  file: " + yamlQuote(a.File), in + "  sha256: " + a.SHA256, in + "  from: " + a.From}
	}
	if t.Button != "" {
		parts["button"] = []string{in + "button: " + yamlQuote(t.Button)}
	}
	if blockSafe(t.Body) {
		parts["body"] = []string{in + "body: |"}
		for _, l := range strings.Split(t.Body, "\n") {
			if strings.TrimSpace(l) == "" {
				parts["body"] = append(parts["body"], "")
			} else {
				parts["body"] = append(parts["body"], in+"  "+l)
			}
		}
	} else {
		parts["body"] = []string{in + "body: " + yamlQuote(t.Body)}
	}
	quoted := make([]string, len(t.Keywords))
	for i, k := range t.Keywords {
		quoted[i] = yamlQuote(k)
	}
	parts["keywords"] = []string{in + "keywords: [" + strings.Join(quoted, ", ") + "]"}
	if len(t.Labels) > 0 {
		parts["labels"] = []string{in + "labels:"}
		for _, k := range labelKeys(p.entry, t.Labels, mappingKeys(nodeValue(old, "labels"))) {
			parts["labels"] = append(parts["labels"], in+"  "+yamlQuote(k)+": "+yamlQuote(t.Labels[k]))
		}
	}
	out := []string{ind + lang + ":"}
	for _, k := range ordered(blockKeys, mappingKeys(old)) {
		out = append(out, parts[k]...)
	}
	return out
}

// labelKeys orders labels as the block they replace had them, then as
// the entry's actions are, then any others.
func labelKeys(e *Entry, labels map[string]string, oldOrder []string) []string {
	var actions []string
	for _, a := range e.Actions {
		actions = append(actions, a.Key())
	}
	var keys []string
	for _, k := range ordered(actions, oldOrder) {
		if _, ok := labels[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range labels {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// ordered returns the items of first that are in all, and then the rest
// of all in its order; first's order wins.
func ordered(all, first []string) []string {
	var out []string
	for _, k := range first {
		if slices.Contains(all, k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range all {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// mappingKeys are the keys of a mapping node in file order.
func mappingKeys(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// blockSafe reports whether s reads back unchanged from a literal block
// scalar; otherwise it is written quoted.
func blockSafe(s string) bool {
	return s != "" && s == strings.TrimSpace(s) && badRune(s) < 0 && !strings.ContainsAny(s, "\t\ufeff")
}

// yamlQuote writes s as a double-quoted scalar. JSON strings are valid
// YAML and escape everything that could end the scalar early.
func yamlQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""` // cannot happen for a string
	}
	return strings.TrimSuffix(b.String(), "\n")
}
