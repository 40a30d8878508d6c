// Package content holds the catalog of answers that Veiviser gives: the
// model, the YAML loader and its validation (every problem as file:line),
// the example messages that teach the matcher, and the default catalog
// embedded from catalog/. Understanding free text lives in content/match.
//
// The catalog is read-only once loaded; a new version is a new *Catalog,
// so the bot can swap it atomically while conversations go on.
package content
