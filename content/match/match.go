// Package match understands what a woman writes: it normalises text in any
// of the launch languages and scripts, tells the language, finds the
// catalog entries that answer it and whether it signals danger now.
//
// It learns from a Corpus (the catalog's titles, bodies, keywords, example
// messages and danger examples) and knows nothing of YAML or of the bot:
// the content package builds the Corpus, the bot asks the Matcher.
package match

// EmergencyID is the entry put first when a message signals danger.
const EmergencyID = "emergency-numbers"

// Corpus is everything the matcher learns from.
type Corpus struct {
	Languages []string // launch languages, for language detection
	Entries   []Entry

	// Danger and Human are staff phrase lists per language: a message
	// containing one is danger now, or asks for a person, whatever the
	// trained detector says.
	Danger, Human map[string][]string

	Acute      []Example            // danger now, or suicidal intent
	Calm       []Example            // not acute: past violence, the law, everyday trap words
	OutOfScope []Example            // questions the catalog has no answer for
	SmallTalk  map[string][]Example // kind ("hello", "thanks", "ok") → messages
}

// Entry is one answer of the catalog as the matcher sees it.
type Entry struct {
	ID       string
	Text     map[string]Text // by language
	Examples []Example
}

// Text is an entry's text in one language.
type Text struct {
	Title, Body string
	Keywords    []string
}

// Example is one message as a woman might write it.
type Example struct {
	Lang, Text string
}

// Matcher answers free-text questions. It is safe for concurrent use and
// never changes once built.
type Matcher struct {
	lex *index
}

// New builds a matcher from a corpus.
func New(c *Corpus) *Matcher {
	return &Matcher{lex: buildIndex(c)}
}

// Search ranks the entries for a free-text question. lang is the user's
// language if known; empty means detect it from the text.
func (m *Matcher) Search(question, lang string) Answer {
	return m.lex.search(question, lang)
}
