package content

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/veiviser/veiviser/content/match"
)

// Source is the official page a fact was taken from, and when it was last checked.
type Source struct {
	URL     string
	Checked time.Time
	// Recheck is the day after which what was taken from the page must be
	// checked again (an amount that changes every 1 May, a reform under
	// way); zero when only the yearly check applies.
	Recheck time.Time
	Line    int
}

// RecheckEvery is how long a source may go unchecked before content check
// and /stats say it is due.
const RecheckEvery = 365 * 24 * time.Hour

// Due reports whether the source must be checked again at now.
func (s Source) Due(now time.Time) bool {
	return now.Sub(s.Checked) > RecheckEvery || (!s.Recheck.IsZero() && now.After(s.Recheck))
}

// Due reports whether any of the entry's sources must be checked again.
func (e *Entry) Due(now time.Time) bool {
	return slices.ContainsFunc(e.Sources, func(s Source) bool { return s.Due(now) })
}

// Action is something the user can do straight from an answer: call a number
// or open a page.
type Action struct {
	Phone  string // as dialled in Norway, e.g. "116 006"
	URL    string
	Source string // where the number or link was checked
	Label  string // nb label; translated labels live in Text.Labels
	Line   int
}

// Key identifies the action in Text.Labels.
func (a Action) Key() string {
	if a.Phone != "" {
		return a.Phone
	}
	return a.URL
}

// Status of a translation.
const (
	StatusReviewed = "reviewed"
	StatusDraft    = "draft"
)

// Text is an entry in one language.
type Text struct {
	Title    string
	Button   string // short title for buttons; empty when Title is short enough
	Body     string
	Keywords []string
	Status   string            // reviewed or draft; nb is always reviewed
	From     string            // SourceHash of the nb text this was translated from
	Labels   map[string]string // action key → label
	Line     int

	// Who checked the translation against the nb text, by the name staff
	// gave her (never a Telegram ID), and when: set by a published review.
	ReviewedBy string
	ReviewedOn time.Time
	// Audio is a recording of the text read aloud, for women who read little.
	Audio *Audio
}

// Audio is a voice recording of one translation, kept in the content
// directory beside the YAML so it travels with it (zip, versions, rollback).
type Audio struct {
	File   string // path in the content, "audio/<entry>.<lang>.ogg"
	SHA256 string // hex checksum of the file, so a swapped file is caught
	From   string // SourceHash of the nb text when it was recorded
	Line   int
}

// AudioDir is where recordings live in the content.
const AudioDir = "audio"

// MaxAudio bounds one recording: a few minutes of a voice note.
const MaxAudio = 2 << 20

// Entry is one answer of the catalog.
type Entry struct {
	ID        string
	Topic     string
	Reviewed  time.Time
	Sensitive bool
	Sources   []Source
	Actions   []Action
	Related   []string
	Text      map[string]*Text
	File      string
	Line      int
}

// MaxButton is the longest button title, in characters, that a phone shows
// without cutting it.
const MaxButton = 32

// ButtonTitle is the title for a button: the short one when there is one.
func (t *Text) ButtonTitle() string {
	if t.Button != "" {
		return t.Button
	}
	return t.Title
}

// SourceHash is the hash of the Norwegian text that translations record in
// their "from" field, so a changed source marks them stale.
func (e *Entry) SourceHash() string {
	nb := e.Text["nb"]
	if nb == nil {
		return ""
	}
	return TextHash(nb.Title, nb.Body)
}

// Stale reports whether the translation into lang was made from an older nb text.
func (e *Entry) Stale(lang string) bool {
	t := e.Text[lang]
	return lang != "nb" && t != nil && t.From != "" && t.From != e.SourceHash()
}

// Recording returns the recording of the text in lang, or nil when there
// is none or it was made from an older nb text: an outdated recording may
// read out a changed phone number or deadline, so it is not offered.
func (e *Entry) Recording(lang string) *Audio {
	t := e.Text[lang]
	if t == nil || t.Audio == nil || t.Audio.From != e.SourceHash() {
		return nil
	}
	return t.Audio
}

// Topic is a group of entries shown together in the main menu.
type Topic struct {
	ID      string
	Order   int
	Title   map[string]string
	Button  map[string]string // short titles for the menu, where Title is too long
	Entries []string          // entry IDs in file order
	File    string
}

// Signals are phrases that change how a question is handled.
type Signals struct {
	Danger map[string][]string // lang → phrases meaning "danger now"
	Human  map[string][]string // lang → phrases asking for a person
}

// Hours is a weekly opening period in the centre's time zone.
type Hours struct {
	Days        []time.Weekday
	Open, Close time.Duration // since midnight
	Spec        string        // as written, e.g. "mon-fri 10:00-15:00"
}

// Centre is the organisation running the bot: shown in answers and used to
// tell a user when advisors are available.
type Centre struct {
	Name     string
	Address  string
	Phone    string // the centre's own number, as dialled in Norway
	Location *time.Location
	Hours    []Hours
	Holidays []time.Time
}

// Catalog is a loaded, validated set of content. What it says is never
// modified after Load returns; only what its matcher learns from comes
// and goes (see Matcher).
type Catalog struct {
	Topics  []*Topic // menu order
	Entries map[string]*Entry
	Signals Signals
	Centre  Centre
	Version string // hash over all files, to tell versions apart
	digest  []byte // all of that hash (SHA-256), which Version is the start of

	// The files it was loaded from, to stage edits on top (see Files):
	// read again from fixed when that is set, kept in files otherwise.
	files map[string][]byte
	fixed fs.FS

	// What the matcher learns from, from the examples and concepts files:
	// kept only until it has learned (see Matcher). Corpus reads them
	// again for the tools that need them later.
	examples Examples
	concepts map[string]map[string][]string // concept → language → forms

	pending      []example         // examples as read, until checkExamples
	exampleLangs map[string]string // language → file of its examples
	conceptLangs map[string]string // language → file of its concepts
	later        []string          // examples and concepts files not read yet (see load)
	laterOnce    sync.Once         // readLater, once
	matcherOnce  sync.Once
	matcher      *match.Matcher
	models       atomic.Pointer[Models] // see UseModels
}

// Matcher returns what understands free text for this catalog, training
// it on first use: start-up (the greeting, the menu) does not wait for it.
// Warm trains it ahead.
func (c *Catalog) Matcher() *match.Matcher {
	c.matcherOnce.Do(func() {
		if m := c.models.Load(); m != nil {
			c.matcher = (*m).Matcher(c.digest, c.leanCorpus(), c.fullCorpus)
		} else {
			c.matcher = match.New(c.fullCorpus())
		}
	})
	return c.matcher
}

// Warm trains the matcher now, so the first question does not wait.
func (c *Catalog) Warm() { c.Matcher() }

// Models makes matchers for catalogs, as modelcache does: from what an
// earlier run learned from the same content when it can, else by
// training.
type Models interface {
	// Matcher returns the matcher for the content whose files hash to
	// digest: lean is its corpus without the examples, which a matcher
	// read from a model needs; full reads the examples too, to train.
	Matcher(digest []byte, lean *match.Corpus, full func() *match.Corpus) *match.Matcher
}

// UseModels makes the matcher with models instead of training it here,
// if the catalog has none yet: call it before the catalog is asked
// anything, then Warm.
func (c *Catalog) UseModels(models Models) { c.models.Store(&models) }

// fullCorpus reads the examples and concepts files if they were left for
// later (see load) and returns the corpus. The matcher keeps what it
// learned, not the texts it learned from, so the catalog lets go of them
// (3.6 MB that answering never reads again): call it once, for the
// matcher.
func (c *Catalog) fullCorpus() *match.Corpus {
	c.laterOnce.Do(c.readLater)
	mc := c.corpus()
	c.examples, c.concepts = Examples{}, nil
	return mc
}

// leanCorpus is the corpus without the examples: the entries, the staff
// phrases and the concepts, read from their files. Reading a model needs
// no more, and the examples are most of the bytes to parse.
func (c *Catalog) leanCorpus() *match.Corpus {
	concepts := func(name string) bool { return strings.HasPrefix(name, "concepts-") }
	return c.corpusFrom(concepts).WithoutExamples()
}

// Search ranks the entries for a free-text question; see match.Matcher.
func (c *Catalog) Search(question, lang string) Answer { return c.Matcher().Search(question, lang) }

// DetectLanguage guesses the language of a text; see match.Matcher.
func (c *Catalog) DetectLanguage(text string) string { return c.Matcher().DetectLanguage(text) }

// EmergencyID is the entry with the emergency numbers: on every screen,
// and first when a message signals danger.
const EmergencyID = match.EmergencyID

// Answer and Result are what Search returns.
type (
	Answer = match.Answer
	Result = match.Result
)

// AudioData returns the bytes of the recording with the checksum sum.
func (c *Catalog) AudioData(sum string) ([]byte, bool) {
	for _, e := range c.Entries {
		for _, t := range e.Text {
			if t.Audio != nil && t.Audio.SHA256 == sum {
				return c.File(t.Audio.File)
			}
		}
	}
	return nil, false
}

// Files returns the files the catalog was loaded from, by name, to stage
// edits on top of. The map and its bytes are shared: change a copy.
func (c *Catalog) Files() map[string][]byte {
	if c.fixed == nil {
		return c.files
	}
	files := map[string][]byte{}
	for name := range c.files {
		if data, ok := c.File(name); ok {
			files[name] = data
		}
	}
	return files
}

// File returns the bytes of one of the files the catalog was loaded from.
// The embedded catalog's files cannot change, so it reads them from the
// binary again each time instead of holding a copy of them (3.5 MB, most
// of it examples that are only read to train the matcher).
func (c *Catalog) File(name string) ([]byte, bool) {
	data, ok := c.files[name]
	if !ok || c.fixed == nil {
		return data, ok
	}
	data, err := fs.ReadFile(c.fixed, name)
	return data, err == nil
}

// Entry returns the entry with the given ID, or nil.
func (c *Catalog) Entry(id string) *Entry { return c.Entries[id] }

// Topic returns the topic with the given ID, or nil.
func (c *Catalog) Topic(id string) *Topic {
	i := slices.IndexFunc(c.Topics, func(t *Topic) bool { return t.ID == id })
	if i < 0 {
		return nil
	}
	return c.Topics[i]
}

// Due returns the IDs of the entries with a source to check again at now,
// sorted.
func (c *Catalog) Due(now time.Time) []string {
	var ids []string
	for _, id := range c.IDs() {
		if c.Entries[id].Due(now) {
			ids = append(ids, id)
		}
	}
	return ids
}

// DueSources reports, as warnings, every source to check again at now.
func (c *Catalog) DueSources(now time.Time) Report {
	var r Report
	for _, id := range c.IDs() {
		e := c.Entries[id]
		for _, s := range e.Sources {
			switch {
			case !s.Recheck.IsZero() && now.After(s.Recheck):
				r = append(r, Problem{File: e.File, Line: s.Line, Warning: true,
					Message: fmt.Sprintf("entry %s: %s was to be checked again by %s", id, s.URL, s.Recheck.Format(time.DateOnly))})
			case s.Due(now):
				r = append(r, Problem{File: e.File, Line: s.Line, Warning: true,
					Message: fmt.Sprintf("entry %s: %s was last checked %s, more than a year ago", id, s.URL, s.Checked.Format(time.DateOnly))})
			}
		}
	}
	return r
}

// IDs returns all entry IDs, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.Entries))
	for id := range c.Entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
