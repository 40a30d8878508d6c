package locales

import (
	"regexp"
	"strings"
)

// RTL reports whether lang is written right to left.
func RTL(lang string) bool { return lang == "ar" || lang == "fa" || lang == "ur" }

// Unicode isolates: LRI starts a left-to-right run that does not disturb
// the surrounding right-to-left text, PDI ends it.
const (
	lri = "\u2066"
	pdi = "\u2069"
)

// ltrRun is a stretch of left-to-right material inside right-to-left text:
// phone numbers ("116 006", "+47 23 48 72 00"), URLs, paragraph signs with
// their number, and Latin-script words such as Norwegian names of offices
// ("UDI", "Vold- og overgrepslinjen"), with the spaces and punctuation
// between them.
var ltrRun = regexp.MustCompile(`(?:https?://\S+|[+§]?[\p{Latin}\p{Nd}][\p{Latin}\p{Nd}./:@_-]*)(?:[ ,–-]+(?:https?://\S+|§?[\p{Latin}\p{Nd}][\p{Latin}\p{Nd}./:@_-]*))*`)

// Isolate wraps the left-to-right runs of text in Unicode isolates when
// lang is right to left, so that "116 006" does not come out as "006 116"
// and a Norwegian name keeps its word order. Other languages are returned
// unchanged; text already isolated is not wrapped twice.
func Isolate(lang, text string) string {
	if !RTL(lang) || strings.Contains(text, lri) {
		return text
	}
	return ltrRun.ReplaceAllStringFunc(text, func(run string) string {
		trimmed := strings.TrimRight(run, " ,–-.")
		return lri + trimmed + pdi + run[len(trimmed):]
	})
}

// StripIsolates removes the isolate marks, for displays that show them as
// boxes instead of obeying them.
func StripIsolates(text string) string {
	return strings.NewReplacer(lri, "", pdi, "").Replace(text)
}
