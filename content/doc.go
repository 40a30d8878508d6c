// Package content holds the catalog of answers that Veiviser gives: the
// model, the YAML loader and its validation (every problem as file:line),
// the free-text search index with language detection and danger signals,
// and the default catalog embedded from catalog/.
//
// The catalog is read-only once loaded; a new version is a new *Catalog,
// so the bot can swap it atomically while conversations go on.
package content
