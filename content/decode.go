package content

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder reads YAML nodes into the model, collecting every problem with its
// line instead of stopping at the first, so staff can fix a file in one pass.
type decoder struct {
	file   string
	report *Report
}

func (d *decoder) errorf(line int, format string, args ...any) {
	*d.report = append(*d.report, Problem{File: d.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) warnf(line int, format string, args ...any) {
	*d.report = append(*d.report, Problem{File: d.file, Line: line, Message: fmt.Sprintf(format, args...), Warning: true})
}

// field is a value in a mapping, with the line of its key.
type field struct {
	key  *yaml.Node
	node *yaml.Node
}

// mapping returns the fields of a mapping node, reporting unknown and
// repeated keys: a typo in a key must not silently drop text.
func (d *decoder) mapping(n *yaml.Node, what string, allowed ...string) map[string]field {
	out := map[string]field{}
	if n == nil {
		return out
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, "%s must be a mapping of keys to values", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if len(allowed) > 0 && !contains(allowed, name) {
			d.errorf(k.Line, "unknown key %q in %s (allowed: %v)", name, what, allowed)
			continue
		}
		if _, dup := out[name]; dup {
			d.errorf(k.Line, "key %q appears twice in %s", name, what)
			continue
		}
		out[name] = field{key: k, node: v}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *decoder) str(f field, what string) string {
	if f.node == nil {
		return ""
	}
	if f.node.Kind != yaml.ScalarNode {
		d.errorf(f.node.Line, "%s must be text", what)
		return ""
	}
	return f.node.Value
}

func (d *decoder) boolean(f field, what string) bool {
	s := d.str(f, what)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		d.errorf(f.node.Line, "%s must be true or false, not %q", what, s)
	}
	return b
}

func (d *decoder) integer(f field, what string) int {
	s := d.str(f, what)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		d.errorf(f.node.Line, "%s must be a whole number, not %q", what, s)
	}
	return n
}

func (d *decoder) date(f field, what string) time.Time {
	s := d.str(f, what)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.errorf(f.node.Line, "%s %q is not a date like 2026-11-25", what, s)
	}
	return t
}

func (d *decoder) list(f field, what string) []*yaml.Node {
	if f.node == nil {
		return nil
	}
	if f.node.Kind != yaml.SequenceNode {
		d.errorf(f.node.Line, "%s must be a list", what)
		return nil
	}
	return f.node.Content
}

func (d *decoder) strings(f field, what string) []string {
	var out []string
	for _, n := range d.list(f, what) {
		if n.Kind != yaml.ScalarNode {
			d.errorf(n.Line, "items of %s must be text", what)
			continue
		}
		out = append(out, n.Value)
	}
	return out
}

// langMap reads a mapping from language code to text.
func (d *decoder) langMap(f field, what string) map[string]string {
	out := map[string]string{}
	for lang, v := range d.mapping(f.node, what) {
		if !d.lang(v.key, what) {
			continue
		}
		out[lang] = d.str(v, what+"."+lang)
	}
	return out
}

func (d *decoder) lang(key *yaml.Node, what string) bool {
	if !KnownLanguage(key.Value) {
		d.errorf(key.Line, "unknown language code %q in %s (use one of %v)", key.Value, what, Languages())
		return false
	}
	return true
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)

func (d *decoder) id(f field, what string) string {
	s := d.str(f, what)
	if s != "" && !idPattern.MatchString(s) {
		d.errorf(f.node.Line, "%s %q must be lowercase letters, digits and dashes", what, s)
	}
	return s
}
