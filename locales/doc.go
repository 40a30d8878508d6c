// Package locales holds the interface strings of Veiviser (go-i18n message
// files, active.<lang>.toml), the choice of a user's language from what her
// Telegram app reports, and the bidirectional-text care that right-to-left
// languages need.
package locales
