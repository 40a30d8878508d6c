package content

import (
	"slices"
	"sync"
	"time"

	"github.com/veiviser/veiviser/content/match"
)

// Source is the official page a fact was taken from, and when it was last checked.
type Source struct {
	URL     string
	Checked time.Time
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
	Body     string
	Keywords []string
	Status   string            // reviewed or draft; nb is always reviewed
	From     string            // SourceHash of the nb text this was translated from
	Labels   map[string]string // action key → label
	Line     int
}

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

// Topic is a group of entries shown together in the main menu.
type Topic struct {
	ID      string
	Order   int
	Title   map[string]string
	Entries []string // entry IDs in file order
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
	Location *time.Location
	Hours    []Hours
	Holidays []time.Time
}

// Catalog is a loaded, validated set of content. It is never modified after
// Load returns.
type Catalog struct {
	Topics  []*Topic // menu order
	Entries map[string]*Entry
	Signals Signals
	Centre  Centre
	Version string            // hash over all files, to tell versions apart
	Files   map[string][]byte // the files it was loaded from, to stage edits on top

	Examples Examples
	Concepts map[string]map[string][]string // concept → language → forms

	pending      []example         // examples as read, until checkExamples
	exampleLangs map[string]string // language → file of its examples
	conceptLangs map[string]string // language → file of its concepts
	later        []string          // examples and concepts files not read yet (see load)
	matcherOnce  sync.Once
	matcher      *match.Matcher
}

// Matcher returns what understands free text for this catalog, training
// it on first use: start-up (the greeting, the menu) does not wait for it.
// Warm trains it ahead.
func (c *Catalog) Matcher() *match.Matcher {
	c.matcherOnce.Do(func() {
		c.readLater()
		c.matcher = match.New(c.corpus())
	})
	return c.matcher
}

// Warm trains the matcher now, so the first question does not wait.
func (c *Catalog) Warm() { c.Matcher() }

// Search ranks the entries for a free-text question; see match.Matcher.
func (c *Catalog) Search(question, lang string) Answer { return c.Matcher().Search(question, lang) }

// DetectLanguage guesses the language of a text; see match.Matcher.
func (c *Catalog) DetectLanguage(text string) string { return c.Matcher().DetectLanguage(text) }

// Answer and Result are what Search returns.
type (
	Answer = match.Answer
	Result = match.Result
)

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

// IDs returns all entry IDs, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.Entries))
	for id := range c.Entries {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
