package content

import (
	"errors"
	"fmt"
	"maps"
	"time"
	"unicode/utf8"
)

// Review is a volunteer's work on one translation, from her phone: she
// confirms it, corrects it, or reads it aloud.
type Review struct {
	Entry, Lang string
	By          string    // her name as staff wrote it, never a Telegram ID
	On          time.Time // the day of the review
	From        string    // SourceHash of the nb text she was shown
	// Title and Body, when set, are her corrected text.
	Title, Body string
	// Audio, when set, is her recording of the text; the text's status
	// stays as it is, since reading aloud is not checking the words.
	Audio []byte
}

// ErrSourceChanged means the nb text changed after she was shown it: what
// she checked is no longer what the translation must follow.
var ErrSourceChanged = errors.New("the Norwegian text changed since it was shown")

// AudioFile is where the recording of entry in lang is kept.
func AudioFile(entry, lang string) string { return AudioDir + "/" + entry + "." + lang + ".ogg" }

// ApplyReview returns a copy of files with r written into the entry's
// translation, line by line as an import would, and the recording added
// when there is one. A confirmation or a correction makes the text
// reviewed, by r.By on r.On, from the nb text she saw. The caller checks
// the result (FromFiles) before staging it, as any content.
func ApplyReview(files map[string][]byte, r Review) (map[string][]byte, error) {
	cat, _, err := FromCheckedFiles(files)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	e := cat.Entry(r.Entry)
	if e == nil || r.Lang == "nb" || !KnownLanguage(r.Lang) {
		return nil, fmt.Errorf("review: no %s translation of %q to review", r.Lang, r.Entry)
	}
	hash := e.SourceHash()
	if r.From != hash {
		return nil, fmt.Errorf("review %s/%s: %w", r.Entry, r.Lang, ErrSourceChanged)
	}
	t := &Text{Labels: map[string]string{}}
	if old := e.Text[r.Lang]; old != nil {
		*t = *old
	} else if r.Title == "" {
		return nil, fmt.Errorf("review: %s has no %s translation yet", r.Entry, r.Lang)
	}
	out := maps.Clone(files)
	switch {
	case r.Audio != nil:
		name := AudioFile(r.Entry, r.Lang)
		out[name] = r.Audio
		t.Audio = &Audio{File: name, SHA256: AudioSum(r.Audio), From: hash}
	default:
		if r.Title != "" {
			if t.Title != r.Title && utf8.RuneCountInString(r.Title) <= MaxButton {
				t.Button = "" // the short title was for the old one
			}
			t.Title, t.Body = r.Title, r.Body
		}
		t.Status, t.From, t.ReviewedBy, t.ReviewedOn = StatusReviewed, hash, r.By, r.On
	}
	if t.Status == "" {
		t.Status = StatusDraft
	}
	edited, refused, err := editFile(files[e.File], r.Lang, map[string]*planned{e.ID: {entry: e, text: t}})
	if err != nil {
		return nil, fmt.Errorf("review %s: %w", e.File, err)
	}
	if why := refused[e.ID]; why != "" {
		return nil, fmt.Errorf("review: %s in %s: %s", e.ID, e.File, why)
	}
	out[e.File] = edited
	return out, nil
}
