package content

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxBody is Telegram's limit on the length of one message.
const MaxBody = 4096

// maxFileSize bounds what one content file may be, so a wrong upload cannot
// exhaust memory: the largest, the Thai examples with the blind sets'
// messages joined, is about 700 KB (Thai takes three bytes a letter).
const maxFileSize = 1 << 20

// maxReport is how many errors loading reports before it stops: a wrong
// file (a 2 MB YAML of the wrong shape gave 349,526) must not keep the bot
// busy, and nobody reads past the first hundred.
const maxReport = 100

// Load reads every *.yaml file at the root of fsys, validates the whole
// catalog and builds its search index. On errors it returns an
// *InvalidError; the report is returned in both cases so warnings can be shown.
func Load(fsys fs.FS) (*Catalog, Report, error) { return load(fsys, loadNow) }

// learningFile reports the files only the matcher reads: the examples
// and concepts, most of the catalog's bytes.
func learningFile(name string) bool {
	return strings.HasPrefix(name, "examples-") || strings.HasPrefix(name, "concepts-")
}

// loading says how load reads content that was checked before.
type loading int

const (
	loadNow loading = iota // read and check every file now
	// loadLater reads and checks the examples and concepts files when the
	// matcher first needs them instead of now, which is only right for
	// content already checked (a published version).
	loadLater
	// loadFixed is loadLater for files that can never change (the
	// embedded catalog, checked by the tests that build it): the catalog
	// reads them again when asked instead of keeping a copy.
	loadFixed
)

// load is Load, reading checked content as how says.
func load(fsys fs.FS, how loading) (*Catalog, Report, error) {
	later := how != loadNow
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("list content: %w", err)
	}
	slices.Sort(names)
	var report Report
	cat := &Catalog{Entries: map[string]*Entry{}, files: map[string][]byte{}, exampleLangs: map[string]string{}, conceptLangs: map[string]string{}, concepts: map[string]map[string][]string{}}
	sum := sha256.New()
	files := make([]parsed, len(names))
	for i, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("read content: %w", err)
		}
		sum.Write([]byte(name))
		sum.Write(data)
		cat.files[name] = data
		files[i].data = data
	}
	if err := readAudio(fsys, cat, sum); err != nil {
		return nil, nil, err
	}
	if later {
		for i, name := range names {
			if learningFile(name) {
				cat.later = append(cat.later, name)
				files[i] = parsed{}
			}
		}
	}
	parseAll(files)
	var entries []*Entry
	for i, name := range names {
		if later && learningFile(name) {
			continue
		}
		d := &decoder{file: name, report: &report}
		entries = append(entries, d.decodeFile(files[i], cat)...)
		if len(report.Errors()) >= maxReport {
			break
		}
	}
	if len(names) == 0 {
		report = append(report, Problem{File: ".", Message: "no *.yaml content files found"})
	}
	cat.digest = sum.Sum(nil)
	cat.Version = hex.EncodeToString(cat.digest[:6])
	if errs := report.Errors(); len(errs) >= maxReport {
		report = append(errs[:maxReport], Problem{File: ".", Message: fmt.Sprintf("stopped after %d errors: fix these first", maxReport)})
	} else {
		validate(cat, entries, &report)
	}
	if len(report.Errors()) > 0 {
		return nil, report, &InvalidError{Report: report}
	}
	slices.SortStableFunc(cat.Topics, func(a, b *Topic) int { return a.Order - b.Order })
	if how == loadFixed {
		cat.fixed = fsys
		for name := range cat.files {
			cat.files[name] = nil // only the names: File reads the bytes again
		}
	}
	return cat, report, nil
}

// readAudio adds the recordings under AudioDir to the catalog's files, so
// they are staged, published and rolled back with the texts that name
// them. Checking them is validate's work; one too large to be a voice
// note is not read whole.
func readAudio(fsys fs.FS, cat *Catalog, sum hash.Hash) error {
	names, err := fs.Glob(fsys, AudioDir+"/*")
	if err != nil {
		return fmt.Errorf("list recordings: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return fmt.Errorf("read recording: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxAudio+1))
		f.Close()
		if err != nil {
			return fmt.Errorf("read recording: %w", err)
		}
		sum.Write([]byte(name))
		sum.Write(data)
		cat.files[name] = data
	}
	return nil
}

// parsed is a content file and its YAML tree.
type parsed struct {
	data []byte
	doc  yaml.Node
	err  error
}

// parseAll parses the files' YAML side by side: the example files are
// most of the catalog's bytes and parsing them most of loading it. Files
// too large or not UTF-8 are left for decodeFile to report.
func parseAll(files []parsed) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := range next {
				f := &files[i]
				if len(f.data) <= maxFileSize && utf8.Valid(f.data) {
					f.err = yaml.Unmarshal(f.data, &f.doc)
				}
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
}

// readLater reads the examples and concepts files load left for later.
// They were checked when the content was, so a problem here is a bug, and
// the matcher learns from what could be read.
func (c *Catalog) readLater() {
	if len(c.later) == 0 {
		return
	}
	c.readLearning(c.later)
	c.later = nil
}

// readLearning reads the examples and concepts files among names into c.
// They were checked when the content was, so a problem here is a bug, and
// the matcher learns from what could be read.
func (c *Catalog) readLearning(names []string) {
	names = slices.DeleteFunc(slices.Clone(names), func(name string) bool { return !learningFile(name) })
	c.exampleLangs, c.conceptLangs, c.concepts = map[string]string{}, map[string]string{}, map[string]map[string][]string{}
	files := make([]parsed, len(names))
	for i, name := range names {
		files[i].data, _ = c.File(name)
	}
	parseAll(files)
	var report Report
	for i, name := range names {
		d := &decoder{file: name, report: &report}
		d.decodeFile(files[i], c)
	}
	checkExamples(c, func(string, int, bool, string, ...any) {})
}

// decodeFile decodes one parsed content file into cat and returns its entries
// for the cross-file checks.
func (d *decoder) decodeFile(f parsed, cat *Catalog) []*Entry {
	if len(f.data) > maxFileSize {
		d.errorf(1, "file is larger than %d bytes", maxFileSize)
		return nil
	}
	if !utf8.Valid(f.data) {
		d.errorf(1, "file is not UTF-8 text")
		return nil
	}
	doc := f.doc
	if err := f.err; err != nil {
		d.errorf(yamlErrorLine(err), "%s", yamlErrorMessage(err))
		return nil
	}
	if len(doc.Content) == 0 {
		d.errorf(1, "file is empty")
		return nil
	}
	top := d.mapping(doc.Content[0], "the file", "topic", "entries", "signals", "examples", "concepts", "centre")
	switch {
	case top["signals"].node != nil:
		d.signals(top["signals"], &cat.Signals)
		return nil
	case top["concepts"].node != nil:
		d.concepts(top["concepts"], cat)
		return nil
	case top["examples"].node != nil:
		d.examples(top["examples"], cat)
		return nil
	case top["centre"].node != nil:
		d.centre(top["centre"], &cat.Centre)
		return nil
	case top["topic"].node != nil:
		topic := d.topic(top["topic"])
		topic.File = d.file
		cat.Topics = append(cat.Topics, topic)
		var entries []*Entry
		for _, n := range d.list(top["entries"], "entries") {
			e := d.entry(n)
			e.Topic = topic.ID
			topic.Entries = append(topic.Entries, e.ID)
			entries = append(entries, e)
		}
		if len(entries) == 0 {
			d.errorf(top["topic"].key.Line, "topic has no entries")
		}
		return entries
	default:
		d.errorf(doc.Content[0].Line, "file must start with topic:, signals:, examples:, concepts: or centre:")
		return nil
	}
}

func (d *decoder) topic(f field) *Topic {
	m := d.mapping(f.node, "topic", "id", "order", "title", "button")
	t := &Topic{
		ID:     d.id(m["id"], "topic id"),
		Order:  d.integer(m["order"], "order"),
		Title:  d.langMap(m["title"], "topic title"),
		Button: d.langMap(m["button"], "topic button"),
	}
	for _, lang := range Languages() {
		if n := utf8.RuneCountInString(t.ButtonIn(lang)); t.Title[lang] != "" && n > MaxButton {
			d.errorf(f.key.Line, "topic %s: %s title is %d characters, too long for a button on a phone (%d): add a shorter one under button:", t.ID, lang, n, MaxButton)
		}
	}
	if t.ID == "" {
		d.errorf(f.key.Line, "topic has no id")
	}
	if t.Title["nb"] == "" {
		d.errorf(f.key.Line, "topic has no nb title")
	}
	return t
}

func (d *decoder) entry(n *yaml.Node) *Entry {
	m := d.mapping(n, "entry", "id", "reviewed", "sensitive", "sources", "actions", "related", "text")
	e := &Entry{
		ID:        d.id(m["id"], "id"),
		Reviewed:  d.date(m["reviewed"], "reviewed"),
		Sensitive: d.boolean(m["sensitive"], "sensitive"),
		Related:   d.strings(m["related"], "related"),
		Text:      map[string]*Text{},
		File:      d.file,
		Line:      n.Line,
	}
	if e.ID == "" {
		d.errorf(n.Line, "entry has no id")
	}
	if m["reviewed"].node == nil {
		d.errorf(n.Line, "entry %s has no reviewed date", e.ID)
	}
	for _, s := range d.list(m["sources"], "sources") {
		sm := d.mapping(s, "source", "url", "checked", "recheck")
		src := Source{URL: d.str(sm["url"], "url"), Checked: d.date(sm["checked"], "checked"), Recheck: d.date(sm["recheck"], "recheck"), Line: s.Line}
		if !strings.HasPrefix(src.URL, "http://") && !strings.HasPrefix(src.URL, "https://") {
			d.errorf(s.Line, "source url %q must start with https://", src.URL)
		}
		if sm["checked"].node == nil {
			d.errorf(s.Line, "source %s has no checked date", src.URL)
		}
		e.Sources = append(e.Sources, src)
	}
	if len(e.Sources) == 0 {
		d.errorf(n.Line, "entry %s has no sources", e.ID)
	}
	for _, a := range d.list(m["actions"], "actions") {
		e.Actions = append(e.Actions, d.action(a, e))
	}
	for lang, f := range d.mapping(m["text"].node, "text") {
		if d.lang(f.key, "text") {
			e.Text[lang] = d.text(f, lang)
		}
	}
	if e.Text["nb"] == nil {
		d.errorf(n.Line, "entry %s has no nb text (Norwegian is the source of truth)", e.ID)
	}
	return e
}

var phoneSpacing = strings.NewReplacer(" ", "", "+", "")

func (d *decoder) action(n *yaml.Node, e *Entry) Action {
	m := d.mapping(n, "action", "phone", "url", "source", "label")
	a := Action{
		Phone:  d.str(m["phone"], "phone"),
		URL:    d.str(m["url"], "url"),
		Source: d.str(m["source"], "source"),
		Label:  d.str(m["label"], "label"),
		Line:   n.Line,
	}
	switch {
	case (a.Phone == "") == (a.URL == ""):
		d.errorf(n.Line, "action must have exactly one of phone or url")
	case a.Phone != "":
		digits := phoneSpacing.Replace(a.Phone)
		if digits == "" || strings.Trim(digits, "0123456789") != "" {
			d.errorf(m["phone"].node.Line, "phone %q must be digits and spaces", a.Phone)
		}
		if a.Source == "" {
			d.errorf(n.Line, "phone number %s has no source", a.Phone)
		}
	}
	if a.Label == "" {
		d.errorf(n.Line, "action has no label")
	}
	return a
}

func (d *decoder) text(f field, lang string) *Text {
	m := d.mapping(f.node, "text."+lang, "title", "button", "body", "keywords", "status", "from", "labels", "reviewed_by", "reviewed_on", "audio")
	t := &Text{
		Title:    strings.TrimSpace(d.str(m["title"], "title")),
		Button:   strings.TrimSpace(d.str(m["button"], "button")),
		Body:     strings.TrimSpace(d.str(m["body"], "body")),
		Keywords: d.strings(m["keywords"], "keywords"),
		Status:   d.str(m["status"], "status"),
		From:     d.str(m["from"], "from"),
		Line:     f.key.Line,
		Labels:   map[string]string{},

		ReviewedBy: strings.TrimSpace(d.str(m["reviewed_by"], "reviewed_by")),
		ReviewedOn: d.date(m["reviewed_on"], "reviewed_on"),
	}
	if a := m["audio"]; a.node != nil {
		am := d.mapping(a.node, "audio", "file", "sha256", "from")
		t.Audio = &Audio{File: d.str(am["file"], "file"), SHA256: d.str(am["sha256"], "sha256"), From: d.str(am["from"], "from"), Line: a.key.Line}
		if t.Audio.File == "" || t.Audio.SHA256 == "" || t.Audio.From == "" {
			d.errorf(a.key.Line, "%s audio needs file, sha256 and from", lang)
		}
	}
	for k, v := range d.mapping(m["labels"].node, "labels") {
		t.Labels[k] = d.str(v, "label")
	}
	if t.Title == "" {
		d.errorf(f.key.Line, "%s text has no title", lang)
	}
	if t.Body == "" {
		d.errorf(f.key.Line, "%s text has no body", lang)
	}
	if n := utf8.RuneCountInString(t.ButtonTitle()); n > MaxButton {
		d.errorf(f.key.Line, "%s title is %d characters, too long for a button on a phone (%d): add a shorter button:", lang, n, MaxButton)
	}
	if n := utf8.RuneCountInString(t.Body); n > MaxBody {
		d.errorf(m["body"].node.Line, "%s body is %d characters; Telegram allows %d", lang, n, MaxBody)
	}
	switch {
	case lang == "nb":
		t.Status = StatusReviewed
	case t.Status == "":
		d.errorf(f.key.Line, "%s text has no status (reviewed or draft)", lang)
	case t.Status != StatusReviewed && t.Status != StatusDraft:
		d.errorf(m["status"].node.Line, "status %q must be reviewed or draft", t.Status)
	}
	return t
}

func (d *decoder) signals(f field, s *Signals) {
	m := d.mapping(f.node, "signals", "danger", "human")
	s.Danger = d.phrases(m["danger"], "danger")
	s.Human = d.phrases(m["human"], "human")
}

func (d *decoder) phrases(f field, what string) map[string][]string {
	out := map[string][]string{}
	for lang, v := range d.mapping(f.node, what) {
		if d.lang(v.key, what) {
			out[lang] = d.strings(v, what+"."+lang)
		}
	}
	return out
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func (d *decoder) centre(f field, c *Centre) {
	m := d.mapping(f.node, "centre", "name", "address", "phone", "timezone", "hours", "holidays")
	c.Name = d.str(m["name"], "name")
	c.Address = d.str(m["address"], "address")
	c.Phone = d.str(m["phone"], "phone")
	if digits := phoneSpacing.Replace(c.Phone); c.Phone != "" && strings.Trim(digits, "0123456789") != "" {
		d.errorf(m["phone"].node.Line, "phone %q must be digits and spaces", c.Phone)
	}
	tz := d.str(m["timezone"], "timezone")
	if tz == "" {
		tz = "Europe/Oslo"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		d.errorf(f.key.Line, "unknown time zone %q", tz)
		loc = time.UTC
	}
	c.Location = loc
	if c.Address == "" || c.Phone == "" {
		d.warnf(f.key.Line, "centre address or phone is not set: answers leave those lines out")
	}
	for _, h := range d.list(m["hours"], "hours") {
		hm := d.mapping(h, "hours", "days", "open", "close")
		days := d.weekdays(hm["days"])
		open, close := d.clock(hm["open"]), d.clock(hm["close"])
		if close <= open {
			d.errorf(h.Line, "hours close before they open")
		}
		c.Hours = append(c.Hours, Hours{Days: days, Open: open, Close: close,
			Spec: fmt.Sprintf("%s %s–%s", d.str(hm["days"], "days"), d.str(hm["open"], "open"), d.str(hm["close"], "close"))})
	}
	for _, h := range d.list(m["holidays"], "holidays") {
		c.Holidays = append(c.Holidays, d.date(field{node: h}, "holiday"))
	}
}

func (d *decoder) weekdays(f field) []time.Weekday {
	spec := d.str(f, "days")
	from, to, isRange := strings.Cut(spec, "-")
	a, okA := weekdays[from]
	b, okB := weekdays[to]
	if !isRange {
		b, okB = a, okA
	}
	if !okA || !okB {
		d.errorf(lineOf(f), "days %q must be like mon-fri or sat", spec)
		return nil
	}
	var out []time.Weekday
	for w := a; ; w = (w + 1) % 7 {
		out = append(out, w)
		if w == b {
			return out
		}
	}
}

func (d *decoder) clock(f field) time.Duration {
	s := d.str(f, "time")
	t, err := time.Parse("15:04", s)
	if err != nil {
		d.errorf(lineOf(f), "time %q must be like 09:30", s)
		return 0
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
}

func lineOf(f field) int {
	switch {
	case f.node != nil:
		return f.node.Line
	case f.key != nil:
		return f.key.Line
	}
	return 0
}

// yamlErrorLine pulls the line out of a yaml.v3 syntax error ("yaml: line 7: ...").
func yamlErrorLine(err error) int {
	var line int
	if _, scanErr := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); scanErr == nil {
		return line
	}
	return 1
}

func yamlErrorMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "yaml: line") && i >= 0 {
		if j := strings.Index(msg[i+2:], ": "); j >= 0 {
			return "YAML syntax: " + msg[i+2+j+2:]
		}
	}
	return "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")
}
